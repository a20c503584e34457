package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Appends and patches racing on one session: seqs stay 1..N without gap or duplicate, nothing is lost. */
@MicronautTest(transactional = false)
class ConcurrencyTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    @Test
    void twentyConcurrentAppendsGetSeqsOneToTwenty() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        long versionBefore = integer(user.api().get(SESSIONS + "/" + session).json().get("version"));

        List<Api.Response> responses = Concurrently.run(20,
                i -> user.api().post(MessageApiTest.messages(session), Json.message("user", "message " + i)));
        responses.forEach(r -> r.expect(201));
        List<Long> seqs = responses.stream().map(r -> integer(r.json().get("seq"))).sorted().toList();
        assertEquals(PaginationTest.range(1, 20), seqs, "each append got its own seq, 1..20");

        Map<String, Object> after = user.api().get(SESSIONS + "/" + session).expect(200).json();
        assertEquals(20L, integer(after.get("message_count")));
        assertTrue(integer(after.get("version")) >= versionBefore + 20, "each append bumps the version");

        List<Map<String, Object>> stored = user.api().get(MessageApiTest.messages(session) + "?limit=50").expect(200).items();
        assertEquals(PaginationTest.range(1, 20), stored.stream().map(m -> integer(m.get("seq"))).toList());
        Map<Long, String> contentBySeq = new HashMap<>();
        responses.forEach(r -> contentBySeq.put(integer(r.json().get("seq")), (String) r.json().get("content")));
        for (Map<String, Object> m : stored) {
            assertEquals(contentBySeq.get(integer(m.get("seq"))), m.get("content"), "stored under the seq it was answered with");
        }
        assertEquals(20, stored.stream().map(m -> m.get("id")).distinct().count());
        assertEquals(20, TestSql.messagesOf(session));
    }

    @Test
    void concurrentBatchesGetConsecutiveBlocks() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        List<Api.Response> responses = Concurrently.run(8, i -> user.api().post(MessageApiTest.batch(session), Json.batch(
                IntStream.range(0, 5).mapToObj(k -> Json.message("user", "b" + i + "-" + k)).toList())));
        for (int i = 0; i < responses.size(); i++) {
            List<Map<String, Object>> items = responses.get(i).expect(201).items();
            long first = integer(items.get(0).get("seq"));
            for (int k = 0; k < 5; k++) {
                assertEquals(first + k, integer(items.get(k).get("seq")), "a batch's seqs are consecutive");
                assertEquals("b" + i + "-" + k, items.get(k).get("content"), "in the given order");
            }
        }
        List<Long> all = responses.stream().flatMap(r -> r.items().stream()).map(m -> integer(m.get("seq"))).sorted().toList();
        assertEquals(PaginationTest.range(1, 40), all);
        assertEquals(40L, integer(user.api().get(SESSIONS + "/" + session).json().get("message_count")));
    }

    @Test
    void concurrentAppendsAndBatchesMixed() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        List<Api.Response> responses = Concurrently.run(16, i -> i % 2 == 0
                ? user.api().post(MessageApiTest.messages(session), Json.message("user", "single " + i))
                : user.api().post(MessageApiTest.batch(session), Json.batch(Json.message("user", "q" + i), Json.message("assistant", "a" + i))));
        List<Long> all = responses.stream()
                .flatMap(r -> r.expect(201).json().containsKey("items") ? r.items().stream() : java.util.stream.Stream.of(r.json()))
                .map(m -> integer(m.get("seq"))).sorted().toList();
        assertEquals(PaginationTest.range(1, 24), all);
        assertEquals(24L, integer(user.api().get(SESSIONS + "/" + session).json().get("message_count")));
    }

    @Test
    void concurrentMetadataPatchesLoseNoKey() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"metadata\":{\"base\":true}}");
        List<Api.Response> responses = Concurrently.run(10,
                i -> user.api().patch(SESSIONS + "/" + session, "{\"metadata\":{\"k" + i + "\":" + i + "}}"));
        responses.forEach(r -> r.expect(200));
        Map<String, Object> after = user.api().get(SESSIONS + "/" + session).expect(200).json();
        Map<String, Object> expected = new HashMap<>(Map.of("base", true));
        IntStream.range(0, 10).forEach(i -> expected.put("k" + i, i));
        assertEquals(expected, after.get("metadata"), "no concurrent merge patch lost another's key");
        assertEquals(10, responses.stream().map(r -> integer(r.json().get("version"))).distinct().count(),
                "each patch produced its own version");
    }

    @Test
    void concurrentAppendsToDifferentSessionsAreIndependent() {
        TestUser user = TestUser.create();
        String a = user.api().createSession("{}");
        String b = user.api().createSession("{}");
        List<Api.Response> responses = Concurrently.run(20,
                i -> user.api().post(MessageApiTest.messages(i % 2 == 0 ? a : b), Json.message("user", "m" + i)));
        responses.forEach(r -> r.expect(201));
        for (String session : List.of(a, b)) {
            List<Long> seqs = responses.stream().filter(r -> session.equals(r.json().get("session_id")))
                    .map(r -> integer(r.json().get("seq"))).sorted().toList();
            assertEquals(PaginationTest.range(1, 10), seqs, "seqs are per session");
        }
    }

    @Test
    void concurrentPatchesWithTheSameIfMatchHaveOneWinner() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"title\":\"start\"}");
        String etag = user.api().get(SESSIONS + "/" + session).expect(200).header("ETag");
        List<Api.Response> responses = Concurrently.run(10, i -> user.api().patch(SESSIONS + "/" + session,
                "{\"title\":\"writer " + i + "\"}", Map.of("Content-Type", "application/merge-patch+json", "If-Match", etag)));
        List<Api.Response> won = responses.stream().filter(r -> r.status() == 200).toList();
        assertEquals(1, won.size(), "exactly one writer wins the race for version " + etag);
        responses.stream().filter(r -> r.status() != 200).forEach(r -> assertProblem(r, 412));
        assertEquals(won.get(0).json().get("title"), user.api().get(SESSIONS + "/" + session).json().get("title"));
    }

    @Test
    void deleteRacingWithAppendsLeavesNothingBehind() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        user.api().appendMessage(session, Json.message("user", "first"));
        List<Api.Response> responses = Concurrently.run(12, i -> i == 6
                ? user.api().delete(SESSIONS + "/" + session)
                : user.api().post(MessageApiTest.messages(session), Json.message("user", "m" + i)));
        for (int i = 0; i < responses.size(); i++) {
            Api.Response r = responses.get(i);
            if (i == 6) {
                r.expect(204);
            } else if (r.status() != 201) {
                assertProblem(r, 404);
            }
        }
        assertProblem(user.api().get(SESSIONS + "/" + session), 404);
        assertEquals(0, TestSql.messagesOf(session), "no message outlives its session");
    }
}
