package io.chatsessions.session;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.Text;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;
import java.util.Set;

/**
 * A session to create, validated: the request's value and its OpenAPI schema. {@link #parse} holds the rules (behind
 * {@code StrictJson}); {@code metadata} is kept as the JSON text to store. An empty body is a session with defaults.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "SessionWrite", description = "Writable session fields; unknown or read-only fields are rejected with 400")
public record SessionInput(
        @Schema(nullable = true, maxLength = SessionInput.MAX_TITLE_CHARACTERS,
                description = "At most " + SessionInput.MAX_TITLE_CHARACTERS + " characters") String title,
        @Schema(implementation = Map.class, additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "Any JSON object, at most {limits.maxMetadataBytes} bytes serialized (CHAT_LIMITS_MAX_METADATA_BYTES)") String metadata,
        @Schema(description = "false when omitted") boolean archived) {

    public static final int MAX_TITLE_CHARACTERS = 200;
    static final Set<String> WRITABLE = Set.of("title", "metadata", "archived");
    static final Set<String> READ_ONLY = Set.of("id", "user_id", "message_count", "created_at", "updated_at", "version",
            "forked_from");

    /** The body as a session to create, or a 400 listing every bad field. */
    public static SessionInput parse(byte[] body, JsonBodies json, ApiLimits limits) {
        JsonNode object = json.parseObject(body, true);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", WRITABLE, READ_ONLY, errors);
        String title = title(object.get("title"), errors);
        JsonNode metadata = object.get("metadata");
        String metadataJson = metadata == null ? "{}"
                : json.objectText(metadata, "metadata", limits.maxJsonDepth(), limits.maxMetadataBytes(), errors);
        Boolean archived = archived(object.get("archived"), errors);
        errors.throwIfAny();
        return new SessionInput(title, metadataJson, Boolean.TRUE.equals(archived));
    }

    /** A title's rules, for every body that sets one (create, patch, fork). */
    public static String title(JsonNode value, FieldErrors errors) {
        String title = JsonFields.string(value, "title", true, errors);
        if (title != null && Text.characters(title) > MAX_TITLE_CHARACTERS) {
            errors.add("title", "must be at most " + MAX_TITLE_CHARACTERS + " characters");
        }
        return title;
    }

    /** Absent is null; JSON null is refused (a session is archived or not). */
    public static Boolean archived(JsonNode value, FieldErrors errors) {
        if (value != null && value.isNull()) {
            errors.add("archived", "must be a boolean");
        }
        return JsonFields.bool(value, "archived", errors);
    }
}
