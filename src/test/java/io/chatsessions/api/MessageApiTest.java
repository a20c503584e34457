package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static io.chatsessions.testsupport.ContractAsserts.assertMessageShape;
import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static io.chatsessions.testsupport.ContractAsserts.instant;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The message endpoints' success paths: append one, append a batch, read one, read the newest page. */
@MicronautTest(transactional = false)
class MessageApiTest implements ApiSuite {

    static final String SESSIONS = "/api/v1/sessions";

    static String messages(String sessionId) {
        return SESSIONS + "/" + sessionId + "/messages";
    }

    static String batch(String sessionId) {
        return SESSIONS + "/" + sessionId + "/messages:batch";
    }

    @Test
    void appendReturns201WithTheWholeMessage() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String body = """
                {"role":"assistant","content":"Lisbon is the capital of Portugal.",
                 "sources":[{"document_id":"doc-1","chunk_id":"c-7","title":"Portugal","url":"https://example.org/pt",
                             "score":0.87,"snippet":"Lisbon is...","page":3,"cited":true}],
                 "latency_ms":1234,"top_k":8,"query_type":"hybrid","metadata":{"model":"m-1","tokens":{"in":10,"out":20}}}""";
        Api.Response appended = user.api().post(messages(session), body).expect(201);
        assertTrue(appended.header("Content-Type").startsWith("application/json"));
        Map<String, Object> message = appended.json();
        assertMessageShape(message, session);
        assertEquals(1L, integer(message.get("seq")));
        assertEquals("assistant", message.get("role"));
        assertEquals("Lisbon is the capital of Portugal.", message.get("content"));
        assertEquals(List.of(Map.of("document_id", "doc-1", "chunk_id", "c-7", "title", "Portugal", "url", "https://example.org/pt",
                "score", 0.87, "snippet", "Lisbon is...", "page", 3, "cited", true)), message.get("sources"));
        assertEquals(1234L, integer(message.get("latency_ms")));
        assertEquals(8L, integer(message.get("top_k")));
        assertEquals("hybrid", message.get("query_type"));
        assertEquals(Map.of("model", "m-1", "tokens", Map.of("in", 10, "out", 20)), message.get("metadata"));

        Api.Response got = user.api().get(messages(session) + "/" + message.get("id")).expect(200);
        assertEquals(message, got.json(), "GET returns the appended message");
        String location = appended.header("Location");
        if (location != null) {
            assertEquals(message, user.api().get(user.api().base().resolve(location).getPath()).expect(200).json(),
                    "Location, when sent, points at the message");
        }
    }

    @Test
    void jsonWithACharsetParameterIsAccepted() {
        TestUser user = TestUser.create();
        Map<String, String> json = Map.of("Content-Type", "application/json; charset=utf-8");
        String session = (String) user.api().post(SESSIONS, "{\"title\":\"ü\"}", json).expect(201).json().get("id");
        assertEquals("ü", user.api().post(messages(session), Json.message("user", "ü"), json).expect(201).json().get("content"));
        user.api().post(batch(session), Json.batch(Json.message("user", "ü")), json).expect(201);
        user.api().patch(SESSIONS + "/" + session, "{\"title\":\"é\"}", Map.of("Content-Type", "application/merge-patch+json; charset=UTF-8")).expect(200);
        assertEquals("é", user.api().get(SESSIONS + "/" + session).json().get("title"));
    }

    @Test
    void optionalFieldsDefault() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Map<String, Object> message = user.api().appendMessage(session, "{\"role\":\"user\",\"content\":\"hi\"}");
        assertMessageShape(message, session);
        assertNull(message.get("sources"));
        assertNull(message.get("latency_ms"));
        assertNull(message.get("top_k"));
        assertNull(message.get("query_type"));
        assertEquals(Map.of(), message.get("metadata"));

        Map<String, Object> explicitNulls = user.api().appendMessage(session,
                "{\"role\":\"user\",\"content\":\"hi\",\"sources\":null,\"latency_ms\":null,\"top_k\":null,\"query_type\":null}");
        assertNull(explicitNulls.get("sources"));
        assertNull(explicitNulls.get("latency_ms"));
        assertNull(explicitNulls.get("top_k"));
        assertNull(explicitNulls.get("query_type"));

        Map<String, Object> emptySources = user.api().appendMessage(session, "{\"role\":\"user\",\"content\":\"hi\",\"sources\":[]}");
        assertEquals(List.of(), emptySources.get("sources"), "an empty array of sources is kept as given");
    }

    @Test
    void everyRoleIsAcceptedAndToolContentMayBeEmpty() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        for (String role : List.of("user", "assistant", "system", "tool")) {
            assertEquals(role, user.api().appendMessage(session, Json.message(role, role + " says")).get("role"));
        }
        Map<String, Object> tool = user.api().appendMessage(session, Json.message("tool", ""));
        assertEquals("", tool.get("content"));
        assertEquals(5L, integer(tool.get("seq")));
    }

    @Test
    void boundaryValuesAreAccepted() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String queryType64 = "a".repeat(60) + "_.:-";
        Map<String, Object> low = user.api().appendMessage(session,
                "{\"role\":\"user\",\"content\":\"x\",\"latency_ms\":0,\"top_k\":1,\"query_type\":\"A\"}");
        assertEquals(0L, integer(low.get("latency_ms")));
        assertEquals(1L, integer(low.get("top_k")));
        Map<String, Object> high = user.api().appendMessage(session,
                "{\"role\":\"user\",\"content\":\"x\",\"latency_ms\":2147483647,\"top_k\":1000,\"query_type\":\"" + queryType64 + "\"}");
        assertEquals(1000L, integer(high.get("top_k")));
        assertEquals(queryType64, high.get("query_type"));
        String sources100 = "[" + String.join(",", java.util.Collections.nCopies(100, "{\"title\":\"t\"}")) + "]";
        Map<String, Object> many = user.api().appendMessage(session, "{\"role\":\"assistant\",\"content\":\"x\",\"sources\":" + sources100 + "}");
        assertEquals(100, ((List<?>) many.get("sources")).size());
    }

    @Test
    void contentOfExactly256KiBIsAccepted() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String content = "€".repeat(87381) + "a"; // 87381 * 3 + 1 = 262144 bytes of UTF-8
        assertEquals(262144, content.getBytes(StandardCharsets.UTF_8).length);
        Map<String, Object> message = user.api().appendMessage(session, Json.message("assistant", content));
        assertEquals(content, message.get("content"));
    }

    @Test
    void sourcesKeepUnknownKeysAndNullsAsGiven() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Map<String, Object> message = user.api().appendMessage(session, """
                {"role":"assistant","content":"x","sources":[
                  {"document_id":"d","custom":{"nested":[1,"two",{"three":3.5}]},"rank":1,"flag":false,"nothing":null},
                  {"title":null,"score":-1.25e-3,"page":0,"extra":"kept"},
                  {}]}""");
        List<Map<String, Object>> expected = List.of(
                new java.util.HashMap<>(Map.of("document_id", "d",
                        "custom", Map.of("nested", List.of(1, "two", Map.of("three", 3.5))),
                        "rank", 1, "flag", false)),
                new java.util.HashMap<>(Map.of("score", -1.25e-3, "page", 0, "extra", "kept")),
                Map.of());
        expected.get(0).put("nothing", null);
        expected.get(1).put("title", null);
        assertEquals(expected, message.get("sources"));
        assertEquals(message, user.api().get(messages(session) + "/" + message.get("id")).expect(200).json());
    }

    @Test
    void appendingBumpsUpdatedAtMessageCountAndVersion() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        TestSql.execute("UPDATE chat.sessions SET updated_at = now() - interval '1 hour' WHERE id = ?::uuid", session);
        Map<String, Object> before = user.api().get(SESSIONS + "/" + session).expect(200).json();

        Map<String, Object> message = user.api().appendMessage(session, Json.message("user", "first"));
        Map<String, Object> after = user.api().get(SESSIONS + "/" + session).expect(200).json();
        assertEquals(1L, integer(after.get("message_count")));
        assertTrue(integer(after.get("version")) > integer(before.get("version")), "appending bumps version");
        Instant updated = instant(after.get("updated_at"));
        assertTrue(updated.isAfter(instant(before.get("updated_at"))), "appending bumps updated_at");
        assertTrue(Duration.between(updated, instant(message.get("created_at"))).abs().toSeconds() < 5,
                "updated_at is the time of the append");
        assertEquals(before.get("created_at"), after.get("created_at"));

        user.api().appendMessage(session, Json.message("assistant", "second"));
        Map<String, Object> later = user.api().get(SESSIONS + "/" + session).expect(200).json();
        assertEquals(2L, integer(later.get("message_count")));
        assertTrue(integer(later.get("version")) > integer(after.get("version")));
        assertFalse(instant(later.get("updated_at")).isBefore(updated));
    }

    @Test
    void getOneMessage() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String other = user.api().createSession("{}");
        Map<String, Object> first = user.api().appendMessage(session, Json.message("user", "one"));
        Map<String, Object> second = user.api().appendMessage(session, Json.message("assistant", "two"));
        assertEquals(first, user.api().get(messages(session) + "/" + first.get("id")).expect(200).json());
        assertEquals(second, user.api().get(messages(session) + "/" + second.get("id")).expect(200).json());
        assertProblem(user.api().get(messages(other) + "/" + first.get("id")), 404);
        assertProblem(user.api().get(messages(session) + "/" + java.util.UUID.randomUUID()), 404);
    }

    @Test
    void unicodeRoundTripsByteForByte() {
        TestUser user = TestUser.create();
        String text = "emoji 👩‍💻🎉🇵🇹 | RTL مرحبا بالعالم שלום | Кириллица Привет | CJK 你好世界 日本語 한국어 | "
                + "combining e\u0301 vs é | zero-width a\u200Db | math 𝔸𝕓 | \"quotes\" \\ back\tslash\nnew line";
        String session = user.api().createSession("{\"title\":" + Json.quote(text.substring(0, 60))
                + ",\"metadata\":{" + Json.quote("ключ🔑") + ":" + Json.quote(text) + "}}");
        Map<String, Object> stored = user.api().get(SESSIONS + "/" + session).expect(200).json();
        assertArrayEquals(text.substring(0, 60).getBytes(StandardCharsets.UTF_8), ((String) stored.get("title")).getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("ключ🔑", text), stored.get("metadata"));

        String body = "{\"role\":\"user\",\"content\":" + Json.quote(text) + ",\"sources\":[{\"title\":" + Json.quote(text)
                + ",\"снippet_key\":" + Json.quote("日本") + "}]}";
        Map<String, Object> appended = user.api().appendMessage(session, body);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), ((String) appended.get("content")).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> read = user.api().get(messages(session)).expect(200).items().get(0);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), ((String) read.get("content")).getBytes(StandardCharsets.UTF_8),
                "content read back byte for byte (no normalisation, no mangling)");
        assertEquals(List.of(Map.of("title", text, "снippet_key", "日本")), read.get("sources"));
        assertEquals(text, TestSql.text("SELECT content FROM chat.messages WHERE id = ?::uuid", appended.get("id")), "stored as given");
    }

    @Test
    void batchAppendsConsecutiveSeqsInTheGivenOrder() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        user.api().appendMessage(session, Json.message("system", "be brief"));
        user.api().appendMessage(session, Json.message("user", "earlier"));
        Map<String, Object> before = user.api().get(SESSIONS + "/" + session).json();

        Api.Response response = user.api().post(batch(session), Json.batch(
                Json.message("user", "What is RAG?"),
                "{\"role\":\"assistant\",\"content\":\"Retrieval-augmented generation.\",\"sources\":[{\"url\":\"https://x\",\"score\":1}],"
                        + "\"latency_ms\":900,\"top_k\":5,\"query_type\":\"semantic\"}",
                Json.message("tool", ""))).expect(201);
        assertTrue(response.header("Content-Type").startsWith("application/json"));
        assertEquals(Set.of("items"), response.json().keySet());
        List<Map<String, Object>> items = response.items();
        assertEquals(3, items.size());
        items.forEach(m -> assertMessageShape(m, session));
        assertEquals(List.of(3L, 4L, 5L), items.stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(List.of("user", "assistant", "tool"), items.stream().map(m -> m.get("role")).toList());
        assertEquals(List.of("What is RAG?", "Retrieval-augmented generation.", ""), items.stream().map(m -> m.get("content")).toList());
        assertEquals(900L, integer(items.get(1).get("latency_ms")));
        assertEquals(3, items.stream().map(m -> m.get("id")).distinct().count());

        Map<String, Object> after = user.api().get(SESSIONS + "/" + session).json();
        assertEquals(5L, integer(after.get("message_count")));
        assertTrue(integer(after.get("version")) > integer(before.get("version")));
        List<Map<String, Object>> page = user.api().get(messages(session)).expect(200).items();
        assertEquals(items, page.subList(2, 5), "the batch reads back as returned");
    }

    @Test
    void batchOfOneHundredIsAccepted() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        List<String> batch = IntStream.rangeClosed(1, 100).mapToObj(i -> Json.message(i % 2 == 1 ? "user" : "assistant", "m" + i)).toList();
        List<Map<String, Object>> items = user.api().post(batch(session), Json.batch(batch)).expect(201).items();
        assertEquals(IntStream.rangeClosed(1, 100).mapToObj(i -> (long) i).toList(), items.stream().map(m -> integer(m.get("seq"))).toList());
        assertEquals(IntStream.rangeClosed(1, 100).mapToObj(i -> "m" + i).toList(), items.stream().map(m -> m.get("content")).toList());
        assertEquals(100L, integer(user.api().get(SESSIONS + "/" + session).json().get("message_count")));
    }

    @Test
    void batchIsAllOrNothing() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        user.api().appendMessage(session, Json.message("user", "existing"));
        Map<String, Object> before = user.api().get(SESSIONS + "/" + session).json();

        List<String> invalid = new ArrayList<>(List.of(Json.message("user", "ok 1"), Json.message("assistant", "ok 2"),
                Json.message("robot", "bad role"), Json.message("user", "ok 4")));
        assertValidationError(user.api().post(batch(session), Json.batch(invalid)), "role");

        for (String bad : List.of(
                "{\"role\":\"assistant\",\"content\":\"x\",\"top_k\":0}",
                "{\"role\":\"assistant\",\"content\":\"\"}",
                "{\"role\":\"assistant\",\"content\":\"x\",\"seq\":9}",
                "{\"role\":\"assistant\",\"content\":\"x\",\"sources\":[{\"score\":\"high\"}]}")) {
            Api.Response rejected = user.api().post(batch(session), Json.batch(Json.message("user", "fine"), bad));
            assertProblem(rejected, 400);
            assertValidationError(rejected, "messages");
        }
        assertEquals(before, user.api().get(SESSIONS + "/" + session).json(), "nothing written: count, version, updated_at unchanged");
        assertEquals(1, TestSql.messagesOf(session));
        assertEquals(1, user.api().get(messages(session)).items().size());
        assertEquals(2L, integer(user.api().appendMessage(session, Json.message("user", "next")).get("seq")), "no seq was consumed");
    }

    @Test
    void newestPageIsTheDefault() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Api.Response empty = user.api().get(messages(session)).expect(200);
        assertEquals(Set.of("items", "has_more"), empty.json().keySet());
        assertEquals(List.of(), empty.items());
        assertEquals(false, empty.json().get("has_more"));

        PaginationTest.fill(user.api(), session, 60);
        Api.Response page = user.api().get(messages(session)).expect(200);
        assertEquals(IntStream.rangeClosed(11, 60).mapToObj(i -> (long) i).toList(), PaginationTest.seqs(page),
                "default: the newest 50, ascending");
        assertEquals(true, page.json().get("has_more"));
        page.items().forEach(m -> assertMessageShape(m, session));
    }
}
