package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once a write is answered (200/201/204), the very next request sees it: the answer must not leave before the
 * commit. Each case repeats write-then-read many times, because a response that races its commit loses only sometimes.
 */
@MicronautTest(transactional = false)
class ReadYourWritesTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";
    private static final int ROUNDS = 40;

    private static void assertNoStaleReads(String what, List<String> stale) {
        assertTrue(stale.isEmpty(), what + ": " + stale.size() + " of " + ROUNDS + " reads right after the answer did not see the write, e.g. "
                + stale.subList(0, Math.min(3, stale.size())));
    }

    @Test
    void patchIsVisibleToTheNextRead() {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            Api api = TestUser.create().api();
            String id = api.createSession("{\"title\":\"before\"}");
            api.patch(SESSIONS + "/" + id, "{\"title\":\"after " + i + "\",\"archived\":true}").expect(200);
            Map<String, Object> read = api.get(SESSIONS + "/" + id).expect(200).json();
            if (!("after " + i).equals(read.get("title")) || !Boolean.TRUE.equals(read.get("archived"))) {
                stale.add("PATCH title='after " + i + "' then GET gave title=" + read.get("title"));
            }
        }
        assertNoStaleReads("PATCH /sessions/{id}", stale);
    }

    @Test
    void keyedCreateIsVisibleAndReplayableAtOnce() {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            Api api = TestUser.create().api();
            Map<String, String> key = Map.of("Idempotency-Key", "k-" + UUID.randomUUID());
            Api.Response first = api.post(SESSIONS, "{\"title\":\"x\"}", key).expect(201);
            Api.Response read = api.get(SESSIONS + "/" + first.json().get("id"));
            Api.Response replay = api.post(SESSIONS, "{\"title\":\"x\"}", key);
            if (read.status() != 200) {
                stale.add("POST /sessions (Idempotency-Key) 201 then GET gave " + read.status());
            }
            if (replay.status() != 201) {
                stale.add("POST /sessions 201 then the same request with the same key gave " + replay.status() + " " + replay.body());
            } else {
                assertArrayEquals(first.bytes(), replay.bytes());
            }
        }
        assertNoStaleReads("POST /sessions with Idempotency-Key", stale);
    }

    @Test
    void keyedAppendIsVisibleAndReplayableAtOnce() {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            Api api = TestUser.create().api();
            String session = api.createSession("{}");
            Map<String, String> key = Map.of("Idempotency-Key", "k-" + UUID.randomUUID());
            Api.Response first = api.post(MessageApiTest.messages(session), Json.message("user", "m" + i), key).expect(201);
            int seen = api.get(MessageApiTest.messages(session)).expect(200).items().size();
            Api.Response replay = api.post(MessageApiTest.messages(session), Json.message("user", "m" + i), key);
            if (seen != 1) {
                stale.add("POST messages (Idempotency-Key) 201 then GET messages listed " + seen);
            }
            if (replay.status() != 201) {
                stale.add("POST messages 201 then the same request with the same key gave " + replay.status() + " " + replay.body());
            } else {
                assertArrayEquals(first.bytes(), replay.bytes());
            }
        }
        assertNoStaleReads("POST messages with Idempotency-Key", stale);
    }

    @Test
    void keyedBatchIsVisibleAndReplayableAtOnce() {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            Api api = TestUser.create().api();
            String session = api.createSession("{}");
            Map<String, String> key = Map.of("Idempotency-Key", "k-" + UUID.randomUUID());
            String body = Json.batch(Json.message("user", "q" + i), Json.message("assistant", "a" + i));
            Api.Response first = api.post(MessageApiTest.batch(session), body, key).expect(201);
            int seen = api.get(MessageApiTest.messages(session)).expect(200).items().size();
            Api.Response replay = api.post(MessageApiTest.batch(session), body, key);
            if (seen != 2) {
                stale.add("POST messages:batch (Idempotency-Key) 201 then GET messages listed " + seen);
            }
            if (replay.status() != 201) {
                stale.add("POST messages:batch 201 then the same request with the same key gave " + replay.status() + " " + replay.body());
            } else {
                assertArrayEquals(first.bytes(), replay.bytes());
            }
        }
        assertNoStaleReads("POST messages:batch with Idempotency-Key", stale);
    }

    @Test
    void appendAndDeleteAreVisibleToTheNextRead() {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            Api api = TestUser.create().api();
            String session = api.createSession("{}");
            api.post(MessageApiTest.messages(session), Json.message("user", "x")).expect(201);
            long count = integer(api.get(SESSIONS + "/" + session).expect(200).json().get("message_count"));
            if (count != 1) {
                stale.add("POST messages 201 then GET session gave message_count=" + count);
            }
            String etag = api.get(SESSIONS + "/" + session).expect(200).header("ETag");
            api.send("DELETE", SESSIONS + "/" + session, null, Map.of("If-Match", etag)).expect(204);
            int status = api.get(SESSIONS + "/" + session).status();
            if (status != 404) {
                stale.add("DELETE (If-Match) 204 then GET gave " + status);
            }
        }
        assertNoStaleReads("append / DELETE", stale);
    }
}
