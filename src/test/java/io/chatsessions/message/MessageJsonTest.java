package io.chatsessions.message;

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
            Map<String, Object> documented = parse(SERDE.writeValueAsBytes(MessageJson.Response.of(message, sources, metadata)));
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
                null, null, null, null, "{}", OffsetDateTime.now());
        assertEquals(tricky.content(), parse(writer.one(tricky)).get("content"));
    }

    @Test
    void thePageEstimateIsAnUpperBoundOfWhatIsWritten() {
        String everything = "quote \" backslash \\ control \u0001\u001f newline \n é € 👋 你好";
        Message tricky = new Message(UUID.randomUUID(), UUID.randomUUID(), 2147483647, "assistant", everything.repeat(500),
                "[{\"snippet\": \"" + "é€👋".repeat(300) + "\"}]", 2147483647, 1000, "a".repeat(64), "{\"k\": \"€\"}",
                OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"));
        for (Message message : List.of(full(), minimal(), tricky)) {
            long written = writer.one(message).length;
            long estimate = MessageJson.maxBytes(message);
            assertTrue(estimate >= written && estimate < written * 1.2 + 600, estimate + " for " + written + " bytes");
        }
        ByteBuf page = writer.page(List.of(full(), minimal(), tricky), false);
        try {
            assertTrue(page.capacity() >= page.readableBytes(), "one buffer, never regrown");
            assertEquals(page.capacity(), 64 + MessageJson.maxBytes(full()) + MessageJson.maxBytes(minimal()) + MessageJson.maxBytes(tricky));
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
                840, 5, "hybrid", "{\"model\": \"m-1\"}", OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"));
    }

    private static Message minimal() {
        return new Message(UUID.randomUUID(), UUID.randomUUID(), 1, "tool", "", null, null, null, null, "{}",
                OffsetDateTime.parse("2026-11-22T01:02:03Z"));
    }

    private static Map<String, Object> parse(byte[] json) throws IOException {
        return SERDE.readValue(json, Argument.mapOf(String.class, Object.class));
    }
}
