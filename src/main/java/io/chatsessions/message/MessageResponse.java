package io.chatsessions.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.web.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.UUID;

@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageResponse(UUID id, UUID sessionId, int seq, String role, String content,
                              @Schema(ref = "#/components/schemas/Sources", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode sources,
                              @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer latencyMs, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer topK,
                              @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String queryType,
                              @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode metadata,
                              @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt) {

    static MessageResponse of(Message message, JsonNode sources, JsonNode metadata) {
        return new MessageResponse(message.id(), message.sessionId(), message.seq(), message.role(), message.content(),
                sources, message.latencyMs(), message.topK(), message.queryType(), metadata,
                Timestamps.format(message.createdAt()));
    }
}
