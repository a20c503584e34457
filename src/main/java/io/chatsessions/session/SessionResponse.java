package io.chatsessions.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.web.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.UUID;

@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SessionResponse(UUID id, String userId, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String title,
                              @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode metadata,
                              boolean archived, int messageCount, @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt,
                              @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String updatedAt, int version) {

    static SessionResponse of(Session session, JsonNode metadata) {
        return new SessionResponse(session.id(), session.userId(), session.title(), metadata, session.archived(),
                session.messageCount(), Timestamps.format(session.createdAt()), Timestamps.format(session.updatedAt()),
                session.version());
    }
}
