package io.chatsessions.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.feedback.FeedbackJson;
import io.chatsessions.feedback.FeedbackResponse;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.json.Text;
import io.chatsessions.json.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.netty.buffer.ByteBuf;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Writes message responses straight from rows, {@code sources} and {@code metadata} copied raw (see
 * {@link JsonOutput}). The shape is {@link Response}'s (below); MessageJsonTest holds the two together.
 */
@Singleton
public class MessageJson {

    public byte[] one(Message message) {
        return JsonOutput.write(generator -> message(generator, message));
    }

    /**
     * The page written once, straight into one pooled buffer sized from {@link #maxBytes} (no String or byte[] per
     * message, no growing copies); Netty sends that buffer as it is. The caller owns (and Netty releases) the buffer.
     */
    public ByteBuf page(List<Message> ascending, boolean hasMore) {
        long capacity = 64;
        for (Message message : ascending) {
            capacity += maxBytes(message);
        }
        return JsonOutput.writeBuffer((int) Math.min(capacity, Integer.MAX_VALUE - 8), generator -> {
            generator.writeStartObject();
            generator.writeFieldName("items");
            items(generator, ascending);
            generator.writeBooleanField("has_more", hasMore);
            generator.writeEndObject();
        });
    }

    public byte[] batch(List<Message> ascending) {
        return JsonOutput.write(generator -> {
            generator.writeStartObject();
            generator.writeFieldName("items");
            items(generator, ascending);
            generator.writeEndObject();
        });
    }

    /**
     * An upper bound of the bytes {@link #message} writes for this row: fixed fields, the content as escaped JSON
     * (quotes and backslashes 2 bytes, control characters at most 6, a surrogate pair 12) and the JSON columns' UTF-8 text.
     */
    public static long maxBytes(Message m) {
        long bytes = 256 + JsonOutput.escapedLength(m.content()) + Text.utf8Length(m.role());
        bytes += m.sourcesJson() == null ? 4 : Text.utf8Length(m.sourcesJson());
        bytes += m.metadataJson() == null ? 4 : Text.utf8Length(m.metadataJson());
        bytes += m.queryType() == null ? 4 : JsonOutput.escapedLength(m.queryType());
        bytes += 160 + (m.finishReason() == null ? 4 : m.finishReason().length() + 2);
        bytes += m.errorJson() == null ? 4 : Text.utf8Length(m.errorJson());
        return bytes + FeedbackJson.maxBytes(m.feedback());
    }

    private static void items(JsonGenerator generator, List<Message> messages) throws IOException {
        generator.writeStartArray();
        for (Message message : messages) {
            message(generator, message);
        }
        generator.writeEndArray();
    }

    /** One message object, as every message response writes it (also io.chatsessions.search's hits). */
    public static void message(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        fields(g, m);
        g.writeEndObject();
    }

    /** The fields of a message response, inside an object the caller opened (exports add a {@code type} before them). */
    public static void fields(JsonGenerator g, Message m) throws IOException {
        g.writeStringField("id", m.id().toString());
        g.writeStringField("session_id", m.sessionId().toString());
        g.writeNumberField("seq", m.seq());
        g.writeStringField("role", m.role());
        g.writeStringField("content", m.content());
        JsonOutput.rawField(g, "sources", m.sourcesJson());
        JsonOutput.intField(g, "latency_ms", m.latencyMs());
        JsonOutput.intField(g, "top_k", m.topK());
        g.writeStringField("query_type", m.queryType());
        JsonOutput.rawField(g, "metadata", m.metadataJson());
        g.writeStringField("created_at", Timestamps.format(m.createdAt()));
        g.writeStringField("status", m.status());
        g.writeStringField("finish_reason", m.finishReason());
        JsonOutput.rawField(g, "error", m.errorJson());
        g.writeNumberField("version", m.version());
        g.writeStringField("updated_at", Timestamps.format(m.updatedAt()));
        g.writeStringField("completed_at", m.completedAt() == null ? null : Timestamps.format(m.completedAt()));
        g.writeFieldName("feedback");
        FeedbackJson.write(g, m.feedback());
    }

    /**
     * The documented shape of what this class writes (the OpenAPI response schema): the writer and its shape side by
     * side, so that a new field is added to both in one place. MessageJsonTest holds the two together.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "MessageResponse")
    public record Response(UUID id, UUID sessionId, int seq, String role, String content,
                           @Schema(ref = "#/components/schemas/Sources", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode sources,
                           @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer latencyMs,
                           @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer topK,
                           @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String queryType,
                           @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode metadata,
                           @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"completed", "in_progress", "failed", "cancelled"})
                           String status,
                           @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String finishReason,
                           @Schema(implementation = MessageError.class, type = "object", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode error,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1",
                                   description = "1 at creation, bumps on every update; also the message's ETag") int version,
                           @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String updatedAt,
                           @Schema(format = "date-time", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED,
                                   description = "When the status left in_progress (created_at for a message created final)") String completedAt,
                           @Schema(type = "object", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) FeedbackResponse feedback) {

        static Response of(Message message, JsonNode sources, JsonNode metadata, JsonNode error, FeedbackResponse feedback) {
            return new Response(message.id(), message.sessionId(), message.seq(), message.role(), message.content(),
                    sources, message.latencyMs(), message.topK(), message.queryType(), metadata,
                    Timestamps.format(message.createdAt()), message.status(), message.finishReason(), error, message.version(),
                    Timestamps.format(message.updatedAt()),
                    message.completedAt() == null ? null : Timestamps.format(message.completedAt()), feedback);
        }
    }

    /** A page of messages in ascending seq. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "MessagePage")
    public record Page(
            List<Response> items,
            @Schema(description = "More messages lie beyond this page in the direction paged: below its lowest seq (newest, "
                    + "before_seq) or above its highest (after_seq). Also true when the page was cut short by the page byte "
                    + "budget (CHAT_LIMITS_MAX_PAGE_BYTES, 8 MiB) with fewer than `limit` items.") boolean hasMore) {
    }

    /** The response of a batch append: the appended messages in seq order. */
    @Serdeable
    @Schema(name = "MessageBatch")
    public record Batch(List<Response> items) {
    }
}
