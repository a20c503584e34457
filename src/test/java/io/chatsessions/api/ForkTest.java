package io.chatsessions.api;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.chatsessions.testsupport.ContractAsserts.assertMessageShape;
import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertSessionShape;
import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static io.chatsessions.testsupport.ContractAsserts.assertUuidV7;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /sessions/{id}:fork: an exact copy of messages 1..up_to_seq in a new session of the caller's, once per key. */
@MicronautTest(transactional = false)
class ForkTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";
    private static final String IN_PROGRESS = "urn:chat-sessions:problem:message-in-progress";

    private static String fork(String sessionId) {
        return SESSIONS + "/" + sessionId + ":fork";
    }

    /** A session titled "Source" with metadata and five messages of every kind; the assistant answer at seq 2 has feedback. */
    private static String source(TestUser user) {
        String session = user.api().createSession("{\"title\":\"Source\",\"metadata\":{\"channel\":\"web\",\"n\":[1,2.5]}}");
        user.api().post(MessageApiTest.batch(session), Json.batch(
                Json.message("user", "How long do I have to return an item?"),
                """
                {"role":"assistant","content":"30 days [1] 👩‍💻","latency_ms":840,"top_k":5,"query_type":"hybrid",
                 "sources":[{"document_id":"policy-7","chunk_id":"policy-7#3","score":0.91,"page":2,"cited":true,"extra":{"k":null}}],
                 "metadata":{"model":"m1"},"finish_reason":"stop"}""",
                """
                {"role":"assistant","content":"","status":"failed","finish_reason":"length","error":{"code":"timeout","message":"upstream"}}""",
                Json.message("tool", ""),
                """
                {"role":"system","content":"cancelled","status":"cancelled"}""")).expect(201);
        TestSql.execute("INSERT INTO chat.message_feedback (message_id, rating, reasons, comment) "
                + "SELECT id, 'up', '[\"accurate\"]'::jsonb, 'good' FROM chat.messages WHERE session_id = ?::uuid AND seq = 2", session);
        return session;
    }

    private static List<Map<String, Object>> messages(Api api, String session) {
        return api.get(MessageApiTest.messages(session) + "?limit=200").expect(200).items();
    }

    @Test
    void copiesEveryMessageExactlyIntoANewSessionOfTheCaller() {
        TestUser user = TestUser.create();
        String source = source(user);
        Map<String, Object> sourceBefore = user.api().get(SESSIONS + "/" + source).expect(200).json();
        List<Map<String, Object>> originals = messages(user.api(), source);
        assertNotNull(originals.get(1).get("feedback"), "the source's answer has feedback");

        Api.Response created = user.api().post(fork(source), "{}").expect(201);
        Map<String, Object> forked = created.json();
        assertSessionShape(forked, user.name());
        String forkId = (String) forked.get("id");
        assertNotEquals(source, forkId);
        assertTrue(created.header("Location").endsWith(SESSIONS + "/" + forkId), created.header("Location"));
        assertEquals(forked, user.api().get(SESSIONS + "/" + forkId).expect(200).json(), "GET returns what the fork answered");
        assertEquals(Map.of("session_id", source, "seq", 5), forked.get("forked_from"));
        assertEquals(5L, integer(forked.get("message_count")));
        assertEquals("Source", forked.get("title"), "the source's title by default");
        assertEquals(sourceBefore.get("metadata"), forked.get("metadata"), "the source's metadata");
        assertEquals(false, forked.get("archived"));
        assertEquals(1L, integer(forked.get("version")));
        assertNull(sourceBefore.get("forked_from"), "a session not forked has forked_from null");

        List<Map<String, Object>> copies = messages(user.api(), forkId);
        assertEquals(originals.size(), copies.size());
        Set<Object> ids = new HashSet<>();
        for (int i = 0; i < copies.size(); i++) {
            Map<String, Object> copy = copies.get(i);
            Map<String, Object> original = originals.get(i);
            assertMessageShape(copy, forkId);
            assertEquals((long) i + 1, integer(copy.get("seq")), "seqs 1..n");
            assertUuidV7(copy.get("id"));
            assertTrue(ids.add(copy.get("id")));
            assertNotEquals(original.get("id"), copy.get("id"), "a copy has a new id");
            assertNull(copy.get("feedback"), "feedback is not copied");
            assertEquals(withoutIdentity(original), withoutIdentity(copy), "seq " + (i + 1) + " is copied exactly (created_at too)");
        }
        assertEquals(0, TestSql.number("SELECT count(*) FROM chat.message_feedback f JOIN chat.messages m ON m.id = f.message_id "
                + "WHERE m.session_id = ?::uuid", forkId));
        // the copies are the fork's own rows: reading one by id through the fork finds it
        user.api().get(MessageApiTest.messages(forkId) + "/" + copies.get(1).get("id")).expect(200);
        user.api().get(MessageApiTest.messages(source) + "/" + copies.get(1).get("id")).expect(404);

        assertEquals(sourceBefore, user.api().get(SESSIONS + "/" + source).expect(200).json(), "the source session is unchanged");
        assertEquals(originals, messages(user.api(), source), "the source's messages are unchanged");
        assertEquals(List.of(), TestSql.seqProblems(io.chatsessions.testsupport.TestServer.database()));
        assertEquals(2, TestSql.sessionsOf(user.name()));

        // the fork is a session like any other: it takes the next message at seq 6
        assertEquals(6L, integer(user.api().appendMessage(forkId, Json.message("user", "And for sale items?")).get("seq")));
        assertEquals(5, TestSql.messagesOf(source));
    }

    private static Map<String, Object> withoutIdentity(Map<String, Object> message) {
        Map<String, Object> rest = new HashMap<>(message);
        rest.remove("id");
        rest.remove("session_id");
        rest.remove("feedback");
        return rest;
    }

    @Test
    void upToSeqCopiesThatPrefixAndNothingBeyondTheCount() {
        TestUser user = TestUser.create();
        String source = source(user);
        List<Map<String, Object>> originals = messages(user.api(), source);

        Map<String, Object> two = user.api().post(fork(source), "{\"up_to_seq\":2}").expect(201).json();
        assertEquals(Map.of("session_id", source, "seq", 2), two.get("forked_from"));
        assertEquals(2L, integer(two.get("message_count")));
        List<Map<String, Object>> copies = messages(user.api(), (String) two.get("id"));
        assertEquals(List.of(1L, 2L), copies.stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(withoutIdentity(originals.get(1)), withoutIdentity(copies.get(1)));

        Map<String, Object> none = user.api().post(fork(source), "{\"up_to_seq\":0}").expect(201).json();
        assertEquals(Map.of("session_id", source, "seq", 0), none.get("forked_from"));
        assertEquals(0L, integer(none.get("message_count")));
        assertEquals(List.of(), messages(user.api(), (String) none.get("id")));

        Map<String, Object> all = user.api().post(fork(source), "{\"up_to_seq\":5}").expect(201).json();
        assertEquals(5, TestSql.messagesOf((String) all.get("id")));
        Map<String, Object> nullIsAll = user.api().post(fork(source), "{\"up_to_seq\":null}").expect(201).json();
        assertEquals(5L, integer(nullIsAll.get("message_count")));
        long sessions = TestSql.sessionsOf(user.name());

        Map<String, Object> beyond = assertValidationError(user.api().post(fork(source), "{\"up_to_seq\":6}"), "up_to_seq");
        assertTrue(((String) beyond.get("detail")).contains("5"), "names the source's message_count: " + beyond);
        assertValidationError(user.api().post(fork(source), "{\"up_to_seq\":-1}"), "up_to_seq");
        assertValidationError(user.api().post(fork(source), "{\"up_to_seq\":\"2\"}"), "up_to_seq");
        assertValidationError(user.api().post(fork(source), "{\"up_to_seq\":1.5}"), "up_to_seq");
        assertValidationError(user.api().post(fork(source), "{\"upToSeq\":1}"), "upToSeq");
        assertValidationError(user.api().post(fork(source), "{\"forked_from\":{}}"), "forked_from");
        assertValidationError(user.api().post(fork(source), "{\"title\":\"" + "x".repeat(201) + "\"}"), "title");
        assertValidationError(user.api().post(fork("not-a-uuid"), "{}"), "id");
        assertProblem(user.api().post(fork(source), "[1]"), 400);
        assertProblem(user.api().send("POST", fork(source), "{}", Map.of("Content-Type", "text/plain")), 415);
        assertEquals(sessions, TestSql.sessionsOf(user.name()), "a refused fork writes nothing");
    }

    @Test
    void titleIsTheSourcesUnlessGiven() {
        TestUser user = TestUser.create();
        String source = user.api().createSession("{\"title\":\"Refund policy\"}");
        user.api().appendMessage(source, Json.message("user", "q"));
        assertEquals("Refund policy", user.api().post(fork(source), "{}").expect(201).json().get("title"));
        assertEquals("Refund policy", user.api().post(fork(source), "").expect(201).json().get("title"), "an empty body is {}");
        assertEquals("Branch ✂", user.api().post(fork(source), "{\"title\":\"Branch ✂\"}").expect(201).json().get("title"));
        Map<String, Object> untitled = user.api().post(fork(source), "{\"title\":null}").expect(201).json();
        assertTrue(untitled.containsKey("title"));
        assertNull(untitled.get("title"), "null: no title");
        assertEquals("Refund policy", user.api().get(SESSIONS + "/" + source).json().get("title"));
    }

    @Test
    void forkedFromIsShownInEveryReadAndNullOnOtherSessions() {
        TestUser user = TestUser.create();
        String source = user.api().createSession("{}");
        String forkId = (String) user.api().post(fork(source), "{}").expect(201).json().get("id");
        Map<String, Object> expected = Map.of("session_id", source, "seq", 0);
        Map<String, Map<String, Object>> listed = new HashMap<>();
        for (Map<String, Object> session : user.api().get(SESSIONS).expect(200).items()) {
            assertSessionShape(session, user.name());
            listed.put((String) session.get("id"), session);
        }
        assertEquals(expected, listed.get(forkId).get("forked_from"));
        assertTrue(listed.get(source).containsKey("forked_from"));
        assertNull(listed.get(source).get("forked_from"));
        Map<String, Object> patched = user.api().patch(SESSIONS + "/" + forkId, "{\"archived\":true}").expect(200).json();
        assertEquals(expected, patched.get("forked_from"), "a patch keeps it");
        assertValidationError(user.api().post(SESSIONS, "{\"forked_from\":{\"session_id\":\"" + source + "\",\"seq\":0}}"), "forked_from");

        // the pointer outlives its source (no foreign key)
        user.api().delete(SESSIONS + "/" + source).expect(204);
        assertEquals(expected, user.api().get(SESSIONS + "/" + forkId).expect(200).json().get("forked_from"));
    }

    @Test
    void anotherUsersSessionIsTheSame404AsAMissingOne() {
        TestUser owner = TestUser.create();
        TestUser other = TestUser.create();
        String source = source(owner);
        Api.Response foreign = other.api().post(fork(source), "{}");
        assertProblem(foreign, 404);
        Api.Response missing = other.api().post(fork(UUID.randomUUID().toString()), "{}");
        assertProblem(missing, 404);
        assertEquals(missing.json(), foreign.json(), "the same body");
        assertProblem(other.api().post(fork(source), "{\"up_to_seq\":99}"), 404);
        assertUnauthorized(new Api(owner.api().base(), null).post(fork(source), "{}"));
        assertEquals(0, TestSql.sessionsOf(other.name()));
        assertEquals(1, TestSql.sessionsOf(owner.name()));
    }

    @Test
    void refusesARangeWithAnInProgressMessageButNotOneThatStopsBeforeIt() {
        TestUser user = TestUser.create();
        String source = user.api().createSession("{\"title\":\"streaming\"}");
        user.api().appendMessage(source, Json.message("user", "q1"));
        user.api().appendMessage(source, "{\"role\":\"assistant\",\"content\":\"partial\",\"status\":\"in_progress\"}");
        user.api().appendMessage(source, Json.message("user", "q2"));
        long sessions = TestSql.sessionsOf(user.name());
        long messages = TestSql.messagesOfUser(user.name());

        for (String body : List.of("{}", "{\"up_to_seq\":2}", "{\"up_to_seq\":3}")) {
            Map<String, Object> problem = assertProblem(user.api().post(fork(source), body), 409);
            assertEquals(IN_PROGRESS, problem.get("type"), body);
            assertTrue(((String) problem.get("detail")).contains("2"), "names the message's seq: " + problem);
        }
        assertEquals(sessions, TestSql.sessionsOf(user.name()), "a refused fork leaves no session");
        assertEquals(messages, TestSql.messagesOfUser(user.name()), "and no copied message");

        Map<String, Object> before = user.api().post(fork(source), "{\"up_to_seq\":1}").expect(201).json();
        assertEquals(1L, integer(before.get("message_count")));
        assertEquals(List.of("q1"), messages(user.api(), (String) before.get("id")).stream().map(m -> m.get("content")).toList());

        // once the answer is final the whole range forks
        TestSql.execute("UPDATE chat.messages SET status = 'completed', completed_at = now() WHERE session_id = ?::uuid AND seq = 2", source);
        assertEquals(3L, integer(user.api().post(fork(source), "{}").expect(201).json().get("message_count")));
    }

    @Test
    void aForkRacingAppendsAndTheSourcesDeleteIsAlwaysACompleteCopy() {
        TestUser user = TestUser.create();
        for (int round = 0; round < 10; round++) {
            String source = user.api().createSession("{}");
            for (int i = 0; i < 3; i++) {
                user.api().appendMessage(source, Json.message("user", "m" + i));
            }
            // two forks, two appends and a delete at once: each fork is 201 with exactly message_count copies, or 404
            List<Api.Response> answers = Concurrently.run(5, i -> switch (i) {
                case 0, 1 -> user.api().post(fork(source), "{}");
                case 2, 3 -> user.api().post(MessageApiTest.messages(source), Json.message("user", "racing " + i));
                default -> user.api().delete(SESSIONS + "/" + source);
            });
            answers.get(4).expect(204);
            for (Api.Response answer : answers.subList(0, 2)) {
                if (answer.status() == 404) {
                    continue;
                }
                Map<String, Object> forked = answer.expect(201).json();
                long count = integer(forked.get("message_count"));
                assertTrue(count >= 3 && count <= 5, answer.body());
                assertEquals(count, integer(((Map<?, ?>) forked.get("forked_from")).get("seq")));
                assertEquals(count, TestSql.messagesOf((String) forked.get("id")), "every message the fork counts was copied");
            }
        }
        assertEquals(List.of(), TestSql.seqProblems(io.chatsessions.testsupport.TestServer.database()));
    }

    @Test
    void replaysWithIdempotencyKey() {
        TestUser user = TestUser.create();
        String source = source(user);
        String key = "fork-" + UUID.randomUUID();
        Api.Response first = user.api().post(fork(source), "{\"up_to_seq\":2}", Map.of("Idempotency-Key", key)).expect(201);
        Api.Response replay = user.api().post(fork(source), "{\"up_to_seq\":2}", Map.of("Idempotency-Key", key)).expect(201);
        assertArrayEquals(first.bytes(), replay.bytes(), () -> first.body() + "\n" + replay.body());
        assertEquals(first.header("Location"), replay.header("Location"));
        assertEquals("true", replay.header("Idempotent-Replayed"));
        assertNull(first.header("Idempotent-Replayed"));
        assertEquals(2, TestSql.sessionsOf(user.name()), "one fork, not two");
        assertEquals(2, TestSql.messagesOf((String) first.json().get("id")));

        assertEquals("urn:chat-sessions:problem:idempotency-key-reused",
                assertProblem(user.api().post(fork(source), "{\"up_to_seq\":3}", Map.of("Idempotency-Key", key)), 422).get("type"));
        String other = user.api().createSession("{}");
        assertProblem(user.api().post(fork(other), "{\"up_to_seq\":2}", Map.of("Idempotency-Key", key)), 422);
        assertEquals(3, TestSql.sessionsOf(user.name()), "a reused key writes nothing");

        // a refused fork releases its key: the retry after the answer completes succeeds with it
        String streaming = user.api().createSession("{}");
        user.api().appendMessage(streaming, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}");
        String retryKey = "fork-" + UUID.randomUUID();
        assertProblem(user.api().post(fork(streaming), "{}", Map.of("Idempotency-Key", retryKey)), 409);
        TestSql.execute("UPDATE chat.messages SET status = 'completed', content = 'done' WHERE session_id = ?::uuid", streaming);
        user.api().post(fork(streaming), "{}", Map.of("Idempotency-Key", retryKey)).expect(201).expectNoHeader("Idempotent-Replayed");
    }
}
