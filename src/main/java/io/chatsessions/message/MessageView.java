package io.chatsessions.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.json.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.UUID;

/**
 * The documented shape of a message in responses (the OpenAPI schema). Responses are written by {@link MessageJson}
 * straight from rows; MessageJsonTest holds the two together.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "MessageResponse")
public record MessageView(UUID id, UUID sessionId, int seq, String role, String content,
                          @Schema(ref = "#/components/schemas/Sources", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode sources,
                          @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer latencyMs,
                          @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer topK,
                          @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String queryType,
                          @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode metadata,
                          @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt) {

    static MessageView of(Message message, JsonNode sources, JsonNode metadata) {
        return new MessageView(message.id(), message.sessionId(), message.seq(), message.role(), message.content(),
                sources, message.latencyMs(), message.topK(), message.queryType(), metadata,
                Timestamps.format(message.createdAt()));
    }

    /** A page of messages in ascending seq. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "MessagePage")
    public record Page(
            List<MessageView> items,
            @Schema(description = "More messages lie beyond this page in the direction paged: below its lowest seq (newest, "
                    + "before_seq) or above its highest (after_seq). Also true when the page was cut short by the page byte "
                    + "budget (CHAT_LIMITS_MAX_PAGE_BYTES, 8 MiB) with fewer than `limit` items.") boolean hasMore) {
    }

    /** The response of a batch append: the appended messages in seq order. */
    @Serdeable
    @Schema(name = "MessageBatch")
    public record Batch(List<MessageView> items) {
    }
}
