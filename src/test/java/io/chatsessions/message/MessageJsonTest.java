package io.chatsessions.message;

import io.chatsessions.feedback.Feedback;
import io.chatsessions.feedback.FeedbackJson;
import io.chatsessions.feedback.FeedbackResponse;
import io.chatsessions.json.Text;
import io.micronaut.core.type.Argument;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written writer must produce exactly what serialising the documented {@link MessageJson.Response} produces. */
class MessageJsonTest {

    private static final ObjectMapper SERDE = ObjectMapper.getDefault();
    private final MessageJson writer = new MessageJson();

    @Test
    void matchesTheDocumentedShape() throws IOException {
        for (Message message : List.of(full(), minimal())) {
            Map<String, Object> written = parse(writer.one(message));
            JsonNode sources = message.sourcesJson() == null ? null : SERDE.readValue(message.sourcesJson(), JsonNode.class);
            JsonNode metadata = SERDE.readValue(message.metadataJson(), JsonNode.class);
            JsonNode error = message.errorJson() == null ? null : SERDE.readValue(message.errorJson(), JsonNode.class);
            FeedbackResponse feedback = message.feedback() == null ? null
                    : SERDE.readValue(FeedbackJson.one(message.feedback()), FeedbackResponse.class);
            Map<String, Object> documented = parse(SERDE.writeValueAsBytes(MessageJson.Response.of(message, sources, metadata, error, feedback)));
            assertEquals(documented, written);
        }
    }

    @Test
    void pageAndBatchWrapTheItems() throws IOException {
        Map<String, Object> page = parse(bytes(writer.page(List.of(full(), minimal()), true)));
        assertEquals(true, page.get("has_more"));
        assertEquals(2, ((List<?>) page.get("items")).size());
        assertEquals(Map.of("items", List.of()), parse(writer.batch(List.of())));
    }

    @Test
    void escapesContent() throws IOException {
        Message tricky = new Message(UUID.randomUUID(), UUID.randomUUID(), 1, "user", "quote \" backslash \\ newline \n emoji 👋 </script>",
                null, null, null, null, "{}", OffsetDateTime.now(), "completed", null, null, 1, OffsetDateTime.now(), OffsetDateTime.now(), null);
        assertEquals(tricky.content(), parse(writer.one(tricky)).get("content"));
    }

    @Test
    void thePageEstimateIsAnUpperBoundOfWhatIsWritten() {
        String everything = "quote \" backslash \\ control \u0001\u001f newline \n é € 👋 你好";
        Message tricky = new Message(UUID.randomUUID(), UUID.randomUUID(), 2147483647, "assistant", everything.repeat(500),
                "[{\"snippet\": \"" + "é€👋".repeat(300) + "\"}]", 2147483647, 1000, "a".repeat(64), "{\"k\": \"€\"}",
                OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"), "completed", "stop", null, 1,
                OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"), OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"), null);
        Message failed = new Message(UUID.randomUUID(), UUID.randomUUID(), 3, "assistant", "", null, null, null, null, "{}",
                OffsetDateTime.parse("2026-11-22T01:02:03Z"), "failed", "abandoned",
                "{\"code\": \"timeout\", \"message\": \"" + "é€👋".repeat(100) + "\"}", 9, OffsetDateTime.now(), OffsetDateTime.now(),
                new Feedback("down", "[\"wrong\", \"" + "é".repeat(60) + "\"]", everything.repeat(20), "[{\"index\": 0, \"relevant\": false}]",
                        OffsetDateTime.now(), OffsetDateTime.now()));
        for (Message message : List.of(full(), minimal(), tricky, failed)) {
            long written = writer.one(message).length;
            long estimate = MessageJson.maxBytes(message);
            assertTrue(estimate >= written && estimate < written * 1.2 + 600, estimate + " for " + written + " bytes");
        }
        ByteBuf page = writer.page(List.of(full(), minimal(), tricky), false);
        try {
            assertTrue(page.capacity() >= page.readableBytes(), "one buffer, never regrown");
            assertEquals(page.capacity(), 64 + MessageJson.maxBytes(full()) + MessageJson.maxBytes(minimal()) + MessageJson.maxBytes(tricky));
            assertTrue(MessageJson.maxBytes(failed) > MessageJson.maxBytes(minimal()) + Text.utf8Length(failed.feedback().comment()),
                    "the feedback is counted in the message's estimate");
        } finally {
            page.release();
        }
    }

    private static byte[] bytes(ByteBuf buffer) {
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    private static Message full() {
        return new Message(UUID.randomUUID(), UUID.randomUUID(), 7, "assistant", "Answer [1] — 你好 مرحبا",
                "[{\"url\": \"https://x.example\", \"page\": 2, \"score\": 0.91, \"extra\": {\"k\": [1, 2]}}]",
                840, 5, "hybrid", "{\"model\": \"m-1\"}", OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"),
                "completed", "stop", null, 4, OffsetDateTime.parse("2026-11-22T01:02:05Z"), OffsetDateTime.parse("2026-11-22T01:02:05Z"),
                new Feedback("up", "[\"accurate\"]", "Great \"answer\"", "[{\"index\": 0, \"relevant\": true}]",
                        OffsetDateTime.parse("2026-11-22T01:03:00Z"), OffsetDateTime.parse("2026-11-22T01:04:00.5Z")));
    }

    private static Message minimal() {
        return new Message(UUID.randomUUID(), UUID.randomUUID(), 1, "tool", "", null, null, null, null, "{}",
                OffsetDateTime.parse("2026-11-22T01:02:03Z"), "in_progress", null, null, 1, OffsetDateTime.parse("2026-11-22T01:02:03Z"),
                null, null);
    }

    private static Map<String, Object> parse(byte[] json) throws IOException {
        return SERDE.readValue(json, Argument.mapOf(String.class, Object.class));
    }
}
