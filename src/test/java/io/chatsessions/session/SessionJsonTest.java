package io.chatsessions.session;

import io.micronaut.core.type.Argument;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written writer must produce exactly what serialising the documented {@link SessionJson.Response} produces. */
class SessionJsonTest {

    private static final ObjectMapper SERDE = ObjectMapper.getDefault();
    private final SessionJson writer = new SessionJson();

    @Test
    void matchesTheDocumentedShape() throws IOException {
        for (Session session : List.of(full(), minimal())) {
            assertEquals(documented(session), parse(writer.one(session)));
        }
    }

    @Test
    void aPageMatchesTheDocumentedPage() throws IOException {
        for (String cursor : new String[] {"opaque-cursor", null}) {
            List<Session> sessions = List.of(full(), minimal());
            SessionJson.Page page = new SessionJson.Page(sessions.stream().map(SessionJsonTest::response).toList(), cursor);
            assertEquals(parse(SERDE.writeValueAsBytes(page)), parse(writer.page(sessions, cursor)));
        }
        assertEquals(Map.of("items", List.of(), "next_cursor", "x"), parse(writer.page(List.of(), "x")));
    }

    @Test
    void escapesTheTitle() throws IOException {
        Session tricky = new Session(UUID.randomUUID(), "u\"ser", "quote \" backslash \\ newline \n 👋 </script>", "{}",
                false, 0, 1, OffsetDateTime.now(), OffsetDateTime.now(), null);
        Map<String, Object> written = parse(writer.one(tricky));
        assertEquals(tricky.title(), written.get("title"));
        assertEquals(tricky.userId(), written.get("user_id"));
    }

    private static Map<String, Object> documented(Session session) throws IOException {
        return parse(SERDE.writeValueAsBytes(response(session)));
    }

    private static SessionJson.Response response(Session session) {
        try {
            return SessionJson.Response.of(session, SERDE.readValue(session.metadataJson(), JsonNode.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Session full() {
        return new Session(UUID.randomUUID(), "user-1", "Réglages — 你好 مرحبا",
                "{\"app\": \"docs\", \"tags\": [\"a\", 1, 2.5, true, null], \"nested\": {\"k\": {}}}",
                true, 42, 7, OffsetDateTime.parse("2026-11-22T01:02:03.456789Z"), OffsetDateTime.parse("2026-11-22T05:06:07Z"),
                new ForkedFrom(UUID.randomUUID(), 41));
    }

    private static Session minimal() {
        return new Session(UUID.randomUUID(), "user-2", null, "{}", false, 0, 1,
                OffsetDateTime.parse("2026-11-22T01:02:03Z"), OffsetDateTime.parse("2026-11-22T01:02:03Z"), null);
    }

    private static Map<String, Object> parse(byte[] json) throws IOException {
        return SERDE.readValue(json, Argument.mapOf(String.class, Object.class));
    }
}
