package io.chatsessions.api;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.chatsessions.testsupport.ContractAsserts.assertMessageShape;
import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static io.chatsessions.testsupport.ContractAsserts.etagVersion;
import static io.chatsessions.testsupport.ContractAsserts.instant;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streamed answers (API.md "Message lifecycle"): create in_progress, PATCH while in progress with If-Match on the
 * message's version, final states immutable (409 message-final), the session bumped only on completion, ordering and
 * pagination with an answer in progress, and no lost update under concurrent PATCHes.
 */
@MicronautTest(transactional = false)
class MessageLifecycleTest implements ApiSuite {

    static final String SESSIONS = "/api/v1/sessions";
    static final String FINAL = "urn:chat-sessions:problem:message-final";
    static final String PRECONDITION = "urn:chat-sessions:problem:precondition-failed";

    static String messages(String session) {
        return SESSIONS + "/" + session + "/messages";
    }

    static String message(String session, Object id) {
        return messages(session) + "/" + id;
    }

    static Map<String, String> ifMatch(Object version) {
        return Map.of("If-Match", "\"" + version + "\"", "Content-Type", "application/merge-patch+json");
    }

    /** A new session of the user with one in-progress assistant message; returns {session, message id}. */
    static String[] streaming(Api api) {
        String session = api.createSession("{}");
        Map<String, Object> created = api.appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}");
        return new String[]{session, (String) created.get("id")};
    }

    @Test
    void createInProgressWithEmptyContentButNotCompleted() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Api.Response created = user.api().post(messages(session),
                "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").expect(201);
        Map<String, Object> message = created.json();
        assertMessageShape(message, session);
        assertEquals("in_progress", message.get("status"));
        assertEquals("", message.get("content"));
        assertEquals(1L, integer(message.get("version")));
        assertNull(message.get("completed_at"));
        assertEquals(1L, etagVersion(created), "the create response carries the message's ETag");

        assertValidationError(user.api().post(messages(session), "{\"role\":\"assistant\",\"content\":\"\"}"), "content");
        assertValidationError(user.api().post(messages(session),
                "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"completed\"}"), "content");
        assertEquals(1, TestSql.messagesOf(session), "a refused create writes nothing");

        Api.Response got = user.api().get(message(session, message.get("id"))).expect(200);
        assertEquals(1L, etagVersion(got), "GET sends the message's version as ETag");
        assertEquals(message, got.json());
    }

    @Test
    void streamTwoPatchesThenCompleteBumpsTheSessionOnlyOnCompletion() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String session = ids[0];
        String path = message(session, ids[1]);
        Map<String, Object> before = user.api().get(SESSIONS + "/" + session).expect(200).json();

        Api.Response first = user.api().patch(path, "{\"content\":\"Lisbon\"}").expect(200);
        assertMessageShape(first.json(), session);
        assertEquals("Lisbon", first.json().get("content"));
        assertEquals("in_progress", first.json().get("status"));
        assertEquals(2L, integer(first.json().get("version")));
        assertEquals(2L, etagVersion(first), "PATCH sends the new version as ETag");
        assertNull(first.json().get("completed_at"));
        assertTrue(!instant(first.json().get("updated_at")).isBefore(instant(first.json().get("created_at"))));

        Api.Response second = user.api().patch(path, "{\"content\":\"Lisbon is the capital\"}", ifMatch(2)).expect(200);
        assertEquals(3L, integer(second.json().get("version")));
        assertTrue(!instant(second.json().get("updated_at")).isBefore(instant(first.json().get("updated_at"))), "updated_at moves on");

        Map<String, Object> during = user.api().get(SESSIONS + "/" + session).expect(200).json();
        assertEquals(before.get("version"), during.get("version"), "a PATCH in progress does not change the session's version");
        assertEquals(before.get("updated_at"), during.get("updated_at"), "nor its updated_at");

        Api.Response done = user.api().patch(path, """
                {"content":"Lisbon is the capital of Portugal [1].","status":"completed","finish_reason":"stop",
                 "sources":[{"document_id":"d1","score":0.9,"cited":true}],"latency_ms":1500,"top_k":4,"query_type":"hybrid"}""",
                ifMatch(3)).expect(200);
        Map<String, Object> completed = done.json();
        assertMessageShape(completed, session);
        assertEquals("completed", completed.get("status"));
        assertEquals("stop", completed.get("finish_reason"));
        assertEquals(4L, integer(completed.get("version")));
        assertNotNull(completed.get("completed_at"));
        assertEquals(List.of(Map.of("document_id", "d1", "score", 0.9, "cited", true)), completed.get("sources"));
        assertEquals(1500L, integer(completed.get("latency_ms")));

        Map<String, Object> after = user.api().get(SESSIONS + "/" + session).expect(200).json();
        assertEquals(integer(before.get("version")) + 1, integer(after.get("version")), "completion bumps the session's version once");
        assertTrue(instant(after.get("updated_at")).isAfter(instant(before.get("updated_at"))), "and its updated_at");

        Api.Response got = user.api().get(path).expect(200);
        assertEquals(completed, got.json(), "GET shows the completed message");
        assertEquals(4L, etagVersion(got));

        assertProblem(user.api().patch(path, "{\"content\":\"late save\"}"), 409);
        user.api().patch(path, "{\"content\":\"late save\"}").expectProblem(409, FINAL);
        user.api().patch(path, "{\"status\":\"in_progress\"}").expectProblem(409, FINAL);
        user.api().patch(path, "{}", ifMatch(4)).expectProblem(409, FINAL);
        assertEquals(completed, user.api().get(path).expect(200).json(), "a refused PATCH changes nothing");
        assertEquals(after.get("version"), user.api().get(SESSIONS + "/" + session).expect(200).json().get("version"));
    }

    @Test
    void inProgressMayBecomeAnyFinalStatusAndNeverGoBack() {
        TestUser user = TestUser.create();
        for (String status : List.of("completed", "failed", "cancelled")) {
            String[] ids = streaming(user.api());
            String path = message(ids[0], ids[1]);
            user.api().patch(path, "{\"status\":\"in_progress\",\"content\":\"partial\"}").expect(200)
                    .expectJson("status", "in_progress");
            String body = status.equals("failed")
                    ? "{\"status\":\"failed\",\"finish_reason\":\"error\",\"error\":{\"code\":\"upstream\",\"message\":\"model timed out\"}}"
                    : "{\"status\":\"" + status + "\"}";
            Map<String, Object> done = user.api().patch(path, body).expect(200).json();
            assertEquals(status, done.get("status"));
            assertEquals("partial", done.get("content"), "fields not in the patch are kept");
            assertNotNull(done.get("completed_at"));
            if (status.equals("failed")) {
                assertEquals(Map.of("code", "upstream", "message", "model timed out"), done.get("error"));
            }
            for (String next : List.of("in_progress", "completed", "failed", "cancelled")) {
                user.api().patch(path, "{\"status\":\"" + next + "\"}").expectProblem(409, FINAL);
            }
        }
        // a message created final is final too
        String session = user.api().createSession("{}");
        Object id = user.api().appendMessage(session, Json.message("assistant", "done")).get("id");
        user.api().patch(message(session, id), "{\"content\":\"rewritten\"}").expectProblem(409, FINAL);
        assertEquals("done", user.api().get(message(session, id)).expect(200).json().get("content"));
    }

    @Test
    void completingWithEmptyContentIs400ExceptForTools() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String path = message(ids[0], ids[1]);
        assertValidationError(user.api().patch(path, "{\"status\":\"completed\"}"), "content");
        assertValidationError(user.api().patch(path, "{\"status\":\"completed\",\"content\":\"\"}"), "content");
        Map<String, Object> unchanged = user.api().get(path).expect(200).json();
        assertEquals("in_progress", unchanged.get("status"));
        assertEquals(1L, integer(unchanged.get("version")), "a refused PATCH does not bump the version");
        // empty is fine when it does not end up completed
        user.api().patch(path, "{\"status\":\"cancelled\"}").expect(200).expectJson("content", "");

        String session = user.api().createSession("{}");
        Object tool = user.api().appendMessage(session, "{\"role\":\"tool\",\"content\":\"\",\"status\":\"in_progress\"}").get("id");
        user.api().patch(message(session, tool), "{\"status\":\"completed\"}").expect(200).expectJson("status", "completed");
    }

    @Test
    void badPatchesAre400AndChangeNothing() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String path = message(ids[0], ids[1]);
        for (String[] bad : new String[][]{
                {"{\"role\":\"user\"}", "role"},
                {"{\"seq\":5}", "seq"},
                {"{\"version\":9}", "version"},
                {"{\"completed_at\":null}", "completed_at"},
                {"{\"colour\":\"red\"}", "colour"},
                {"{\"content\":null}", "content"},
                {"{\"content\":7}", "content"},
                {"{\"status\":\"done\"}", "status"},
                {"{\"status\":null}", "status"},
                {"{\"finish_reason\":\"Stop!\"}", "finish_reason"},
                {"{\"error\":{\"code\":\"x\"}}", "error.message"},
                {"{\"sources\":[1]}", "sources[0]"},
                {"{\"top_k\":0}", "top_k"},
                {"{\"metadata\":[]}", "metadata"}}) {
            assertValidationError(user.api().patch(path, bad[0]), bad[1]);
        }
        assertProblem(user.api().patch(path, "{\"content\":"), 400);
        assertProblem(user.api().patch(path, "[]"), 400);
        assertProblem(user.api().send("PATCH", path, "{\"content\":\"x\"}", Map.of("Content-Type", "text/plain")), 415);
        assertProblem(user.api().patch(path, "{\"content\":\"x\"}", Map.of("If-Match", "v1",
                "Content-Type", "application/merge-patch+json")), 400);
        assertProblem(user.api().patch(message(ids[0], "not-a-uuid"), "{\"content\":\"x\"}"), 400);
        Map<String, Object> unchanged = user.api().get(path).expect(200).json();
        assertEquals(1L, integer(unchanged.get("version")));
        assertEquals("", unchanged.get("content"));
        // JSON null clears a nullable field; plain application/json is accepted as for the session PATCH
        user.api().patch(path, "{\"query_type\":\"dense\",\"top_k\":3}").expect(200);
        Map<String, Object> cleared = user.api().patch(path, "{\"query_type\":null,\"top_k\":null}",
                Map.of("Content-Type", "application/json")).expect(200).json();
        assertNull(cleared.get("query_type"));
        assertNull(cleared.get("top_k"));
    }

    @Test
    void missingAndOtherUsersMessagesAreTheSame404() {
        TestUser owner = TestUser.create();
        TestUser other = TestUser.create();
        String[] ids = streaming(owner.api());
        String path = message(ids[0], ids[1]);
        Api.Response missing = owner.api().patch(message(ids[0], UUID.randomUUID()), "{\"content\":\"x\"}");
        assertProblem(missing, 404);
        Api.Response foreign = other.api().patch(path, "{\"content\":\"x\"}");
        assertProblem(foreign, 404);
        assertEquals(missing.body(), foreign.body(), "another user's message is the same 404 as a missing one");
        Api.Response foreignWithMetadata = other.api().patch(path, "{\"metadata\":{\"a\":1}}");
        assertEquals(missing.body(), foreignWithMetadata.body(), "also on the metadata path");
        Api.Response wrongSession = owner.api().patch(message(owner.api().createSession("{}"), ids[1]), "{\"content\":\"x\"}");
        assertEquals(missing.body(), wrongSession.body(), "a message is found only under its own session");
        assertProblem(owner.api().patch(message(UUID.randomUUID().toString(), ids[1]), "{\"content\":\"x\"}"), 404);
        assertEquals(1L, integer(owner.api().get(path).expect(200).json().get("version")), "nothing changed");
    }

    @Test
    void staleIfMatchIs412AndMatchingOrAnyPasses() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String path = message(ids[0], ids[1]);
        user.api().patch(path, "{\"content\":\"a\"}", ifMatch(1)).expect(200);
        Api.Response stale = user.api().patch(path, "{\"content\":\"b\"}", ifMatch(1));
        stale.expectProblem(412, PRECONDITION);
        user.api().patch(path, "{\"metadata\":{\"k\":1}}", ifMatch(1)).expectProblem(412, PRECONDITION);
        assertEquals("a", user.api().get(path).expect(200).json().get("content"), "a 412 changes nothing");
        user.api().patch(path, "{\"content\":\"b\"}", Map.of("If-Match", "W/\"7\", \"2\"",
                "Content-Type", "application/merge-patch+json")).expect(200).expectJson("version", 3);
        user.api().patch(path, "{\"content\":\"c\"}", Map.of("If-Match", "*",
                "Content-Type", "application/merge-patch+json")).expect(200).expectJson("version", 4);
        user.api().patch(path, "{\"status\":\"completed\"}", ifMatch(4)).expect(200);
        user.api().patch(path, "{\"content\":\"d\"}", ifMatch(4)).expectProblem(409, FINAL);
    }

    @Test
    void emptyPatchIsAKeepAlive() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String path = message(ids[0], ids[1]);
        Map<String, Object> created = user.api().get(path).expect(200).json();
        Map<String, Object> touched = user.api().patch(path, "{}").expect(200).json();
        assertEquals(2L, integer(touched.get("version")));
        assertTrue(instant(touched.get("updated_at")).isAfter(instant(created.get("updated_at"))));
        assertEquals(created.get("content"), touched.get("content"));
    }

    @Test
    void metadataIsMergedPerRfc7396() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Map<String, String> headers = Map.of("Content-Type", "application/merge-patch+json");
        Object id = user.api().appendMessage(session, """
                {"role":"assistant","content":"","status":"in_progress","metadata":{"a":1,"b":{"c":1,"e":3},"keep":true}}""").get("id");
        String path = message(session, id);
        Map<String, Object> before = user.api().get(SESSIONS + "/" + session).expect(200).json();
        Map<String, Object> merged = user.api().patch(path, "{\"content\":\"x\",\"metadata\":{\"a\":null,\"b\":{\"d\":2,\"e\":null}}}",
                headers).expect(200).json();
        assertEquals(Map.of("b", Map.of("c", 1, "d", 2), "keep", true), merged.get("metadata"));
        assertEquals("x", merged.get("content"));
        assertEquals(2L, integer(merged.get("version")));
        assertEquals(before.get("version"), user.api().get(SESSIONS + "/" + session).expect(200).json().get("version"),
                "a metadata PATCH in progress leaves the session alone too");
        Map<String, Object> done = user.api().patch(path, "{\"metadata\":null,\"status\":\"completed\"}", ifMatch(2)).expect(200).json();
        assertEquals(Map.of(), done.get("metadata"), "null resets it to {}");
        assertEquals("completed", done.get("status"));
        assertNotNull(done.get("completed_at"));
        assertEquals(integer(before.get("version")) + 1,
                integer(user.api().get(SESSIONS + "/" + session).expect(200).json().get("version")), "completion bumps the session");
        user.api().patch(path, "{\"metadata\":{\"z\":1}}").expectProblem(409, FINAL);
    }

    @Test
    void tooLargeAResultIs400() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String path = message(ids[0], ids[1]);
        StringBuilder sources = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            sources.append(i == 0 ? "" : ",").append("{\"snippet\":\"").append("s".repeat(1000)).append("\"}");
        }
        sources.append(']');
        user.api().patch(path, "{\"sources\":" + sources + ",\"metadata\":{\"pad\":\"" + "m".repeat(10_000) + "\"}}").expect(200);
        // each within its own limit, but about 262,000 + 61,000 + 10,000 bytes together > 327,680 (one-statement path)
        assertValidationError(user.api().patch(path, "{\"content\":\"" + "y".repeat(262_000) + "\"}"), "message");
        user.api().patch(path, "{\"content\":\"" + "x".repeat(255_000) + "\"}").expect(200);
        // the metadata merge path: 255,000 + 61,000 + 16,000 > 327,680
        assertValidationError(user.api().patch(path, "{\"metadata\":{\"pad\":\"" + "n".repeat(16_000) + "\"}}"), "message");
        Map<String, Object> stored = user.api().get(path).expect(200).json();
        assertEquals(3L, integer(stored.get("version")), "refused patches change nothing");
        assertEquals(255_000, ((String) stored.get("content")).length());
    }

    @Test
    void aUserMessageSentWhileTheAnswerStreamsComesAfterIt() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        user.api().appendMessage(session, Json.message("user", "question 1"));
        Map<String, Object> answer = user.api().appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}");
        assertEquals(2L, integer(answer.get("seq")));
        Map<String, Object> next = user.api().appendMessage(session, Json.message("user", "question 2, sent before the answer ended"));
        assertEquals(3L, integer(next.get("seq")), "the next message lands after the answer in progress");
        user.api().patch(message(session, answer.get("id")), "{\"content\":\"answer 1\",\"status\":\"completed\"}").expect(200)
                .expectJson("seq", 2);

        Map<String, Object> inProgress = user.api().appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}");
        assertEquals(4L, integer(inProgress.get("seq")));
        Api.Response newest = user.api().get(messages(session) + "?limit=2").expect(200);
        assertEquals(List.of(3L, 4L), newest.items().stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(true, newest.json().get("has_more"));
        assertEquals("in_progress", newest.items().get(1).get("status"));
        Api.Response older = user.api().get(messages(session) + "?limit=2&before_seq=3").expect(200);
        assertEquals(List.of(1L, 2L), older.items().stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(false, older.json().get("has_more"));
        Api.Response after = user.api().get(messages(session) + "?limit=2&after_seq=2").expect(200);
        assertEquals(List.of(3L, 4L), after.items().stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(false, after.json().get("has_more"));
        Api.Response middle = user.api().get(messages(session) + "?limit=1&after_seq=3").expect(200);
        assertEquals(List.of(4L), middle.items().stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(false, middle.json().get("has_more"));
        Api.Response before = user.api().get(messages(session) + "?limit=1&after_seq=1").expect(200);
        assertEquals(List.of(2L), before.items().stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(true, before.json().get("has_more"));
        assertTrue(TestSql.seqProblems(TestServer.database()).isEmpty(), TestSql.seqProblems(TestServer.database()).toString());
    }

    @Test
    void twentyConcurrentPatchesOfOneVersionHaveExactlyOneWinner() {
        TestUser user = TestUser.create();
        String[] ids = streaming(user.api());
        String path = message(ids[0], ids[1]);
        List<Api.Response> answers = Concurrently.run(20, i ->
                user.api().patch(path, "{\"content\":\"writer " + i + "\"}", ifMatch(1)));
        List<Integer> winners = new java.util.ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Api.Response answer = answers.get(i);
            if (answer.status() == 200) {
                winners.add(i);
            } else {
                answer.expectProblem(412, PRECONDITION);
            }
        }
        assertEquals(1, winners.size(), "exactly one PATCH of version 1 wins: " + winners);
        Map<String, Object> stored = user.api().get(path).expect(200).json();
        assertEquals("writer " + winners.get(0), stored.get("content"), "the stored content is the winner's");
        assertEquals(2L, integer(stored.get("version")));

        // a chain: each PATCH carries the version it read, so each one wins
        long version = 2;
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            content.append("token").append(i).append(' ');
            Api.Response step = user.api().patch(path, "{\"content\":" + Json.quote(content.toString()) + "}", ifMatch(version)).expect(200);
            version = etagVersion(step);
        }
        assertEquals(12L, version);
        assertEquals(content.toString(), user.api().get(path).expect(200).json().get("content"));
    }
}
