package io.chatsessions.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.json.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.UUID;

@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageResponse(UUID id, UUID sessionId, int seq, String role, String content, JsonNode sources,
                              Integer latencyMs, Integer topK, String queryType, JsonNode metadata, String createdAt) {

    static MessageResponse of(Message message, JsonNode sources, JsonNode metadata) {
        return new MessageResponse(message.id(), message.sessionId(), message.seq(), message.role(), message.content(),
                sources, message.latencyMs(), message.topK(), message.queryType(), metadata,
                Timestamps.format(message.createdAt()));
    }
}
