package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotency-Key on the three POSTs: a replay writes once and returns the first response; misuse is 422 / 409. */
@MicronautTest(transactional = false)
class IdempotencyTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    private static Map<String, String> key(String key) {
        return Map.of("Content-Type", "application/json", "Idempotency-Key", key);
    }

    private static String newKey() {
        return "key-" + UUID.randomUUID();
    }

    private static void assertSameResponse(Api.Response first, Api.Response replay) {
        assertEquals(first.status(), replay.status(), "same status");
        assertArrayEquals(first.bytes(), replay.bytes(), () -> "byte-identical body:\n" + first.body() + "\n" + replay.body());
        assertEquals(first.header("Location"), replay.header("Location"), "same Location");
    }

    @Test
    void replayedCreateSessionWritesOnce() {
        TestUser user = TestUser.create();
        String k = newKey();
        String body = "{\"title\":\"once\",\"metadata\":{\"a\":[1,2]}}";
        Api.Response first = user.api().post(SESSIONS, body, key(k)).expect(201);
        Api.Response second = user.api().post(SESSIONS, body, key(k));
        Api.Response third = user.api().post(SESSIONS, body, key(k));
        assertSameResponse(first, second);
        assertSameResponse(first, third);
        assertEquals(1, TestSql.sessionsOf(user.name()), "one session written");
        assertEquals(List.of(first.json().get("id")), SessionApiTest.ids(user.api().get(SESSIONS)));

        Api.Response other = user.api().post(SESSIONS, body, key(newKey())).expect(201);
        assertNotEquals(first.json().get("id"), other.json().get("id"), "a new key is a new request");
        Api.Response noKey = user.api().post(SESSIONS, body).expect(201);
        assertNotEquals(first.json().get("id"), noKey.json().get("id"));
        assertEquals(3, TestSql.sessionsOf(user.name()));
    }

    @Test
    void replayedCreateSessionWithEmptyBodyWritesOnce() {
        TestUser user = TestUser.create();
        String k = newKey();
        Api.Response first = user.api().send("POST", SESSIONS, null, Map.of("Idempotency-Key", k)).expect(201);
        Api.Response second = user.api().send("POST", SESSIONS, null, Map.of("Idempotency-Key", k));
        assertSameResponse(first, second);
        assertEquals(1, TestSql.sessionsOf(user.name()));
    }

    @Test
    void replayedAppendWritesOnce() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String k = newKey();
        String body = "{\"role\":\"user\",\"content\":\"only once 👩‍💻 مرحبا 你好 Привет\",\"top_k\":3,\"sources\":[{\"title\":\"é\",\"x\":1.50}]}";
        Api.Response first = user.api().post(MessageApiTest.messages(session), body, key(k)).expect(201);
        Api.Response second = user.api().post(MessageApiTest.messages(session), body, key(k));
        assertSameResponse(first, second);
        assertEquals(1, TestSql.messagesOf(session));
        Map<String, Object> after = user.api().get(SESSIONS + "/" + session).json();
        assertEquals(1L, integer(after.get("message_count")));
        assertEquals(2L, integer(user.api().appendMessage(session, Json.message("user", "next")).get("seq")));

        // still a replay after other writes to the session
        assertSameResponse(first, user.api().post(MessageApiTest.messages(session), body, key(k)));
        assertEquals(2, TestSql.messagesOf(session));
    }

    @Test
    void replayedBatchWritesOnce() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String k = newKey();
        String body = Json.batch(Json.message("user", "q"), Json.message("assistant", "a"), Json.message("tool", ""));
        Api.Response first = user.api().post(MessageApiTest.batch(session), body, key(k)).expect(201);
        Api.Response second = user.api().post(MessageApiTest.batch(session), body, key(k));
        assertSameResponse(first, second);
        assertEquals(3, TestSql.messagesOf(session));
        assertEquals(3L, integer(user.api().get(SESSIONS + "/" + session).json().get("message_count")));
    }

    @Test
    void sameKeyDifferentBodyIs422AndWritesNothing() {
        TestUser user = TestUser.create();
        String k = newKey();
        Api.Response first = user.api().post(SESSIONS, "{\"title\":\"a\"}", key(k)).expect(201);
        assertProblem(user.api().post(SESSIONS, "{\"title\":\"b\"}", key(k)), 422);
        assertEquals(1, TestSql.sessionsOf(user.name()));
        String session = (String) first.json().get("id");

        String mk = newKey();
        user.api().post(MessageApiTest.messages(session), Json.message("user", "x"), key(mk)).expect(201);
        assertProblem(user.api().post(MessageApiTest.messages(session), Json.message("user", "y"), key(mk)), 422);
        String bk = newKey();
        user.api().post(MessageApiTest.batch(session), Json.batch(Json.message("user", "x")), key(bk)).expect(201);
        assertProblem(user.api().post(MessageApiTest.batch(session), Json.batch(Json.message("user", "z")), key(bk)), 422);
        assertEquals(2, TestSql.messagesOf(session), "the 422s wrote nothing");

        // the same key on another endpoint is a different request too
        assertProblem(user.api().post(MessageApiTest.messages(session), Json.message("user", "x"), key(k)), 422);
        String other = user.api().createSession("{}");
        assertProblem(user.api().post(MessageApiTest.messages(other), Json.message("user", "x"), key(mk)), 422);
        assertEquals(0, TestSql.messagesOf(other));
        assertEquals(2, TestSql.messagesOf(session));
        // and the first response is still what a true replay gets
        assertSameResponse(first, user.api().post(SESSIONS, "{\"title\":\"a\"}", key(k)));
    }

    @Test
    void keysAreScopedToTheCaller() {
        TestUser alice = TestUser.create();
        TestUser bob = TestUser.create();
        String k = newKey();
        String body = "{\"title\":\"same\"}";
        Api.Response a = alice.api().post(SESSIONS, body, key(k)).expect(201);
        Api.Response b = bob.api().post(SESSIONS, body, key(k)).expect(201);
        assertNotEquals(a.json().get("id"), b.json().get("id"), "bob's request is his own, not a replay of alice's");
        assertEquals(bob.name(), b.json().get("user_id"));
        assertEquals(1, TestSql.sessionsOf(alice.name()));
        assertEquals(1, TestSql.sessionsOf(bob.name()));
        assertProblem(bob.api().post(SESSIONS, "{\"title\":\"different\"}", key(k)), 422);
    }

    @Test
    void requestInFlightIs409() throws Exception {
        TestUser user = TestUser.create();
        String k = newKey();
        String body = "{\"title\":\"in flight\"}";
        TestSql.execute("INSERT INTO chat.idempotency_keys (user_id, idempotency_key, request_hash, state) VALUES (?, ?, ?, 'in_flight')",
                user.name(), k, sha256Hex("POST " + SESSIONS + "\n", body));
        assertProblem(user.api().post(SESSIONS, body, key(k)), 409);
        assertEquals(0, TestSql.sessionsOf(user.name()), "a 409 writes nothing");

        String session = user.api().createSession("{}");
        String mk = newKey();
        String message = Json.message("user", "in flight");
        TestSql.execute("INSERT INTO chat.idempotency_keys (user_id, idempotency_key, request_hash, state) VALUES (?, ?, ?, 'in_flight')",
                user.name(), mk, sha256Hex("POST " + MessageApiTest.messages(session) + "\n", message));
        assertProblem(user.api().post(MessageApiTest.messages(session), message, key(mk)), 409);
        assertEquals(0, TestSql.messagesOf(session));

        // once the first request is gone, the key works again
        TestSql.execute("DELETE FROM chat.idempotency_keys WHERE user_id = ? AND idempotency_key = ?", user.name(), k);
        user.api().post(SESSIONS, body, key(k)).expect(201);
    }

    @Test
    void concurrentDuplicatesWriteOnce() {
        TestUser user = TestUser.create();
        String k = newKey();
        String body = "{\"title\":\"raced\"}";
        List<Api.Response> responses = Concurrently.run(10, i -> user.api().post(SESSIONS, body, key(k)));
        List<Api.Response> created = responses.stream().filter(r -> r.status() == 201).toList();
        assertTrue(!created.isEmpty(), "at least one request succeeded");
        for (Api.Response r : responses) {
            if (r.status() == 201) {
                assertArrayEquals(created.get(0).bytes(), r.bytes(), "every 201 is the same response");
            } else {
                assertProblem(r, 409);
            }
        }
        assertEquals(1, TestSql.sessionsOf(user.name()), "exactly one session written");
        assertSameResponse(created.get(0), user.api().post(SESSIONS, body, key(k)));

        String session = (String) created.get(0).json().get("id");
        String mk = newKey();
        String message = Json.message("user", "raced");
        List<Api.Response> appends = Concurrently.run(10, i -> user.api().post(MessageApiTest.messages(session), message, key(mk)));
        for (Api.Response r : appends) {
            assertTrue(r.status() == 201 || r.status() == 409, "201 or 409, was " + r.status() + ": " + r.body());
        }
        assertEquals(1, TestSql.messagesOf(session), "exactly one message written");
    }

    @Test
    void replayReturnsTheFirstResponseEvenAfterTheSessionChanged() {
        TestUser user = TestUser.create();
        String k = newKey();
        Api.Response first = user.api().post(SESSIONS, "{\"title\":\"first\"}", key(k)).expect(201);
        String id = (String) first.json().get("id");
        user.api().patch(SESSIONS + "/" + id, "{\"title\":\"changed\"}").expect(200);
        user.api().appendMessage(id, Json.message("user", "x"));
        assertSameResponse(first, user.api().post(SESSIONS, "{\"title\":\"first\"}", key(k)));
        assertEquals(1, TestSql.sessionsOf(user.name()));
        assertEquals("changed", user.api().get(SESSIONS + "/" + id).json().get("title"), "the replay wrote nothing");
    }

    @Test
    void keysExpireAfter24Hours() {
        TestUser user = TestUser.create();
        String k = newKey();
        Api.Response first = user.api().post(SESSIONS, "{\"title\":\"day one\"}", key(k)).expect(201);
        TestSql.execute("UPDATE chat.idempotency_keys SET created_at = now() - interval '23 hours' WHERE user_id = ? AND idempotency_key = ?",
                user.name(), k);
        assertSameResponse(first, user.api().post(SESSIONS, "{\"title\":\"day one\"}", key(k)));
        assertEquals(1, TestSql.sessionsOf(user.name()), "still a replay within 24 hours");
        TestSql.execute("UPDATE chat.idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = ? AND idempotency_key = ?",
                user.name(), k);
        Api.Response later = user.api().post(SESSIONS, "{\"title\":\"day two\"}", key(k)).expect(201);
        assertNotEquals(first.json().get("id"), later.json().get("id"));
        assertEquals(2, TestSql.sessionsOf(user.name()), "after 24 hours the key is free again");
    }

    @Test
    void keyLengthIsOneTo255() {
        TestUser user = TestUser.create();
        assertProblem(user.api().post(SESSIONS, "{}", key("")), 400);
        user.api().post(SESSIONS, "{}", key("k".repeat(255))).expect(201);
        assertProblem(user.api().post(SESSIONS, "{}", key("k".repeat(256))), 400);
        assertEquals(1, TestSql.sessionsOf(user.name()));
    }

    private static String sha256Hex(String prefix, String body) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(prefix.getBytes(StandardCharsets.UTF_8));
        digest.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }
}
