package io.chatsessions.importing;

import io.chatsessions.message.MessageInput;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** Only for the OpenAPI document: the body {@link ImportInput#parse} reads. */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "SessionImport", description = "A session and its messages, e.g. a session's json export (server-assigned fields are ignored)")
record ImportSchema(
        @Schema(implementation = ImportSession.class, requiredMode = Schema.RequiredMode.NOT_REQUIRED) ImportSession session,
        @ArraySchema(maxItems = 10000, arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "At most {limits.maxImportMessages} messages (CHAT_LIMITS_MAX_IMPORT_MESSAGES), seqs 1..n in this order"),
                schema = @Schema(implementation = ImportMessage.class))
        List<ImportMessage> messages) {

    @Serdeable(naming = SnakeCaseStrategy.class)
    @Schema(name = "SessionImportSession", description = "The session's writable fields and its created_at; other fields of an export are ignored",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record ImportSession(@Schema(nullable = true, maxLength = 200) @Nullable String title,
                         @Schema(implementation = Map.class, additionalProperties = Schema.AdditionalPropertiesValue.TRUE) @Nullable Object metadata,
                         @Nullable Boolean archived,
                         @Schema(format = "date-time", description = "Not in the future; default the first message's, else now") @Nullable String createdAt) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @Schema(name = "SessionImportMessage", description = "A message as for append (MessageWrite's rules) plus an optional created_at; "
            + "id, session_id, seq, version, updated_at, completed_at and feedback are ignored",
            allOf = MessageInput.class, additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record ImportMessage(@Schema(format = "date-time", description = "Not in the future, not before the previous message's") @Nullable String createdAt) {
    }
}
