package io.chatsessions.reliability.support;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.Json;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API suite's core and concurrency cases as one call against any deployment shape (through PgBouncer, behind a
 * load balancer over several instances): the same assertions, whichever path a request takes.
 */
public final class CoreCases {

    private CoreCases() {
    }

    /** Create, append, batch, read, list and an idempotent replay, asserting status, seqs and the replay's bytes. */
    public static void crud(URI base) {
        Api api = Api.forUser(base, "core-" + UUID.randomUUID());
        String session = api.createSession("{\"title\":\"core\",\"metadata\":{\"k\":\"v\"}}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        assertEquals(1L, integer(api.appendMessage(session, Json.message("user", "first")).get("seq")));
        List<Map<String, Object>> batch = api.post(messages + ":batch",
                Json.batch(Json.message("user", "q"), Json.message("assistant", "a"))).expect(201).items();
        assertEquals(List.of(2L, 3L), batch.stream().map(m -> integer(m.get("seq"))).toList());
        Map<String, String> key = Map.of("Idempotency-Key", "core-" + UUID.randomUUID());
        Api.Response original = api.post(messages, Json.message("user", "once"), key).expect(201);
        Api.Response replay = api.post(messages, Json.message("user", "once"), key).expect(201);
        assertEquals("true", replay.header("Idempotent-Replayed"));
        assertEquals(original.body(), replay.body(), "a replay returns the first response byte for byte");
        List<Map<String, Object>> read = api.get(messages + "?limit=50").expect(200).items();
        assertEquals(List.of(1L, 2L, 3L, 4L), read.stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals("once", read.get(3).get("content"));
        Map<String, Object> got = api.get("/api/v1/sessions/" + session).expect(200).json();
        assertEquals(4L, integer(got.get("message_count")));
        List<Map<String, Object>> listed = api.get("/api/v1/sessions?limit=20").expect(200).items();
        assertEquals(List.of(session), listed.stream().map(s -> s.get("id")).toList());
    }

    /** {@code n} concurrent appends to one session: every one 201, seqs exactly 1..n, all stored. */
    public static void concurrentAppends(URI base, int n) {
        Api api = Api.forUser(base, "concurrent-" + UUID.randomUUID());
        String session = api.createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        List<Api.Response> responses = Concurrently.run(n, i -> api.post(messages, Json.message("user", "message " + i)));
        responses.forEach(r -> r.expect(201));
        List<Long> expected = LongStream.rangeClosed(1, n).boxed().toList();
        assertEquals(expected, responses.stream().map(r -> integer(r.json().get("seq"))).sorted().toList());
        List<Map<String, Object>> stored = api.get(messages + "?limit=" + Math.min(n, 200)).expect(200).items();
        assertEquals(expected, stored.stream().map(m -> integer(m.get("seq"))).toList());
        assertTrue(stored.stream().map(m -> m.get("id")).distinct().count() == n, "every append stored once");
    }
}
