package io.chatsessions.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.json.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.UUID;

/**
 * The documented shape of a session in responses (the OpenAPI schema). Responses are written by {@link SessionJson}
 * straight from rows; SessionJsonTest holds the two together.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "SessionResponse")
public record SessionView(UUID id, String userId, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String title,
                          @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode metadata,
                          boolean archived, int messageCount,
                          @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt,
                          @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String updatedAt,
                          int version) {

    static SessionView of(Session session, JsonNode metadata) {
        return new SessionView(session.id(), session.userId(), session.title(), metadata, session.archived(),
                session.messageCount(), Timestamps.format(session.createdAt()), Timestamps.format(session.updatedAt()),
                session.version());
    }

    /** A page of sessions, most recently updated first; {@code next_cursor} is null on the last page. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionPage")
    public record Page(List<SessionView> items, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String nextCursor) {
    }
}
