package io.chatsessions.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.json.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.UUID;

@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SessionResponse(UUID id, String userId, String title, JsonNode metadata, boolean archived,
                              int messageCount, String createdAt, String updatedAt, int version) {

    static SessionResponse of(Session session, JsonNode metadata) {
        return new SessionResponse(session.id(), session.userId(), session.title(), metadata, session.archived(),
                session.messageCount(), Timestamps.format(session.createdAt()), Timestamps.format(session.updatedAt()),
                session.version());
    }
}
