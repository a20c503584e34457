package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static io.chatsessions.testsupport.ContractAsserts.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every kind of bad request is a 400 problem naming the field, and writes nothing. */
@MicronautTest(transactional = false)
class ValidationTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";
    private static final String UUID_TEXT = "01936f6e-7c3a-7def-8abc-0123456789ab";
    private static final String OVER_16_KIB = "{\"k\":\"" + "x".repeat(16 * 1024) + "\"}";

    // ---- sessions

    static Stream<Arguments> badSessionBodies() {
        return Stream.of(
                arguments("{\"title\":5}", "title"),
                arguments("{\"title\":true}", "title"),
                arguments("{\"title\":{\"a\":1}}", "title"),
                arguments("{\"title\":\"" + "a".repeat(201) + "\"}", "title"),
                arguments("{\"title\":\"" + "😀".repeat(201) + "\"}", "title"),
                arguments("{\"metadata\":\"x\"}", "metadata"),
                arguments("{\"metadata\":[]}", "metadata"),
                arguments("{\"metadata\":1}", "metadata"),
                arguments("{\"metadata\":" + OVER_16_KIB + "}", "metadata"),
                arguments("{\"archived\":\"yes\"}", "archived"),
                arguments("{\"archived\":1}", "archived"),
                arguments("{\"foo\":1}", "foo"),
                arguments("{\"Title\":\"x\"}", "Title"),
                arguments("{\"title\":\"ok\",\"tags\":[]}", "tags"),
                arguments("{\"id\":\"" + UUID_TEXT + "\"}", "id"),
                arguments("{\"user_id\":\"someone\"}", "user_id"),
                arguments("{\"created_at\":\"2026-01-01T00:00:00Z\"}", "created_at"),
                arguments("{\"updated_at\":\"2026-01-01T00:00:00Z\"}", "updated_at"),
                arguments("{\"version\":7}", "version"),
                arguments("{\"message_count\":0}", "message_count"),
                arguments("{\"title\":\"ok\",\"id\":null}", "id"));
    }

    @ParameterizedTest
    @MethodSource("badSessionBodies")
    void createSessionRejects(String body, String field) {
        TestUser user = TestUser.create();
        assertValidationError(user.api().post(SESSIONS, body), field);
        assertEquals(0, TestSql.sessionsOf(user.name()), "nothing written");
    }

    static Stream<Arguments> badPatchBodies() {
        return Stream.of(
                arguments("{\"title\":5}", "title"),
                arguments("{\"title\":\"" + "a".repeat(201) + "\"}", "title"),
                arguments("{\"metadata\":\"x\"}", "metadata"),
                arguments("{\"metadata\":[1]}", "metadata"),
                arguments("{\"metadata\":" + OVER_16_KIB + "}", "metadata"),
                arguments("{\"archived\":\"no\"}", "archived"),
                arguments("{\"foo\":1}", "foo"),
                arguments("{\"title\":\"new\",\"foo\":1}", "foo"),
                arguments("{\"id\":\"" + UUID_TEXT + "\"}", "id"),
                arguments("{\"user_id\":\"someone\"}", "user_id"),
                arguments("{\"title\":\"new\",\"version\":9}", "version"),
                arguments("{\"created_at\":\"2026-01-01T00:00:00Z\"}", "created_at"),
                arguments("{\"updated_at\":\"2026-01-01T00:00:00Z\"}", "updated_at"),
                arguments("{\"message_count\":3}", "message_count"));
    }

    @ParameterizedTest
    @MethodSource("badPatchBodies")
    void patchSessionRejects(String body, String field) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"title\":\"original\",\"metadata\":{\"a\":1}}");
        byte[] before = user.api().get(SESSIONS + "/" + session).expect(200).bytes();
        assertValidationError(user.api().patch(SESSIONS + "/" + session, body), field);
        assertArrayEquals(before, user.api().get(SESSIONS + "/" + session).expect(200).bytes(), "nothing written");
    }

    @Test
    void patchThatWouldGrowMetadataPast16KiBIsRejected() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"metadata\":{\"a\":\"" + "x".repeat(10_000) + "\"}}");
        byte[] before = user.api().get(SESSIONS + "/" + session).expect(200).bytes();
        assertValidationError(user.api().patch(SESSIONS + "/" + session, "{\"metadata\":{\"b\":\"" + "y".repeat(10_000) + "\"}}"), "metadata");
        assertArrayEquals(before, user.api().get(SESSIONS + "/" + session).expect(200).bytes());
    }

    @Test
    void sessionLimitsAreInclusive() {
        TestUser user = TestUser.create();
        assertEquals("a".repeat(200), user.api().post(SESSIONS, "{\"title\":\"" + "a".repeat(200) + "\"}").expect(201).json().get("title"));
        assertEquals("😀".repeat(200), user.api().post(SESSIONS, "{\"title\":\"" + "😀".repeat(200) + "\"}").expect(201).json().get("title"),
                "200 characters, whatever their UTF-16 length");
        String metadata = exactly16KiBMetadata();
        assertEquals(16384, metadata.getBytes(StandardCharsets.UTF_8).length);
        user.api().post(SESSIONS, "{\"metadata\":" + metadata + "}").expect(201);
    }

    private static String exactly16KiBMetadata() {
        String prefix = "{\"k\":\"";
        String suffix = "\"}";
        return prefix + "x".repeat(16384 - prefix.length() - suffix.length()) + suffix;
    }

    // ---- messages

    static Stream<Arguments> badMessages() {
        String sources101 = "[" + String.join(",", Collections.nCopies(101, "{\"title\":\"t\"}")) + "]";
        return Stream.of(
                arguments("{\"content\":\"x\"}", "role"),
                arguments("{\"role\":\"admin\",\"content\":\"x\"}", "role"),
                arguments("{\"role\":\"User\",\"content\":\"x\"}", "role"),
                arguments("{\"role\":\"\",\"content\":\"x\"}", "role"),
                arguments("{\"role\":5,\"content\":\"x\"}", "role"),
                arguments("{\"role\":null,\"content\":\"x\"}", "role"),
                arguments("{\"role\":\"user\"}", "content"),
                arguments("{\"role\":\"tool\"}", "content"),
                arguments("{\"role\":\"user\",\"content\":null}", "content"),
                arguments("{\"role\":\"user\",\"content\":\"\"}", "content"),
                arguments("{\"role\":\"assistant\",\"content\":\"\"}", "content"),
                arguments("{\"role\":\"system\",\"content\":\"\"}", "content"),
                arguments("{\"role\":\"user\",\"content\":5}", "content"),
                arguments("{\"role\":\"user\",\"content\":[\"x\"]}", "content"),
                arguments(Json.message("user", "x".repeat(262145)), "content"),
                arguments(Json.message("user", "€".repeat(87382)), "content"),
                arguments(Json.message("user", "a\u0000b"), "content"),
                arguments("{\"role\":\"user\",\"content\":\"lone \\ud800 surrogate\"}", "content"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":\"x\"}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":{}}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":5}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":true}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":[1]}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":[\"doc\"]}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":[[]]}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":[null]}", "sources"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"sources\":" + sources101 + "}", "sources"),
                arguments(source("\"document_id\":1"), "document_id"),
                arguments(source("\"chunk_id\":true"), "chunk_id"),
                arguments(source("\"title\":[]"), "title"),
                arguments(source("\"url\":{}"), "url"),
                arguments(source("\"score\":\"0.9\""), "score"),
                arguments(source("\"score\":true"), "score"),
                arguments(source("\"snippet\":1"), "snippet"),
                arguments(source("\"page\":1.5"), "page"),
                arguments(source("\"page\":\"1\""), "page"),
                arguments(source("\"cited\":\"yes\""), "cited"),
                arguments(source("\"cited\":1"), "cited"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"latency_ms\":-1}", "latency_ms"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"latency_ms\":\"5\"}", "latency_ms"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"latency_ms\":1.5}", "latency_ms"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"latency_ms\":true}", "latency_ms"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"top_k\":0}", "top_k"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"top_k\":1001}", "top_k"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"top_k\":-3}", "top_k"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"top_k\":\"5\"}", "top_k"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"top_k\":2.5}", "top_k"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"query_type\":\"bad type\"}", "query_type"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"query_type\":\"a/b\"}", "query_type"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"query_type\":\"sémantique\"}", "query_type"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"query_type\":\"\"}", "query_type"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"query_type\":\"" + "a".repeat(65) + "\"}", "query_type"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"query_type\":5}", "query_type"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"metadata\":\"x\"}", "metadata"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"metadata\":[]}", "metadata"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"metadata\":5}", "metadata"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"metadata\":" + OVER_16_KIB + "}", "metadata"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"metadata\":{\"k\":\"a\\u0000b\"}}", "metadata"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"foo\":1}", "foo"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"Role\":\"user\"}", "Role"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"title\":\"t\"}", "title"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"id\":\"" + UUID_TEXT + "\"}", "id"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"seq\":1}", "seq"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"session_id\":\"" + UUID_TEXT + "\"}", "session_id"),
                arguments("{\"role\":\"user\",\"content\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\"}", "created_at"));
    }

    private static String source(String member) {
        return "{\"role\":\"assistant\",\"content\":\"x\",\"sources\":[{\"title\":\"ok\"},{" + member + "}]}";
    }

    @ParameterizedTest
    @MethodSource("badMessages")
    void appendRejects(String body, String field) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        byte[] before = user.api().get(SESSIONS + "/" + session).expect(200).bytes();
        assertValidationError(user.api().post(MessageApiTest.messages(session), body), field);
        assertEquals(0, TestSql.messagesOf(session), "nothing written");
        assertArrayEquals(before, user.api().get(SESSIONS + "/" + session).expect(200).bytes(), "session untouched");
    }

    /** The same bad messages inside a batch (one session, every case): 400 naming the field, nothing written. */
    @Test
    void batchRejectsTheSameMessages() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        List<org.junit.jupiter.api.function.Executable> checks = badMessages().map(arguments -> (org.junit.jupiter.api.function.Executable) () -> {
            String body = (String) arguments.get()[0];
            String field = (String) arguments.get()[1];
            try {
                assertValidationError(user.api().post(MessageApiTest.batch(session), Json.batch(Json.message("user", "fine"), body)), field);
            } catch (AssertionError e) {
                throw new AssertionError("batch with " + (body.length() > 120 ? body.substring(0, 120) + "..." : body) + ": " + e.getMessage(), e);
            }
        }).toList();
        org.junit.jupiter.api.Assertions.assertAll(checks);
        assertEquals(0, TestSql.messagesOf(session), "nothing written");
        assertEquals(0L, integer(user.api().get(SESSIONS + "/" + session).json().get("message_count")));
    }

    static Stream<Arguments> badBatches() {
        return Stream.of(
                arguments("{}", "messages"),
                arguments("{\"messages\":null}", "messages"),
                arguments("{\"messages\":{}}", "messages"),
                arguments("{\"messages\":\"x\"}", "messages"),
                arguments("{\"messages\":[]}", "messages"),
                arguments(Json.batch(IntStream.range(0, 101).mapToObj(i -> Json.message("user", "m" + i)).toList()), "messages"),
                arguments("{\"messages\":[5]}", "messages"),
                arguments("{\"messages\":[" + Json.message("user", "x") + "],\"extra\":1}", "extra"),
                arguments("{\"messages\":[" + Json.message("user", "x") + "],\"session_id\":\"" + UUID_TEXT + "\"}", "session_id"));
    }

    @ParameterizedTest
    @MethodSource("badBatches")
    void batchRejects(String body, String field) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        assertValidationError(user.api().post(MessageApiTest.batch(session), body), field);
        assertEquals(0, TestSql.messagesOf(session), "nothing written");
    }

    // ---- malformed JSON

    static Stream<Arguments> malformedBodies() {
        return Stream.of("{\"title\":", "{title:\"x\"}", "{\"a\":1,}", "{'a':1}", "[]", "[{}]", "\"text\"", "null", "42", "true",
                "{\"a\":1}}", "{\"a\":1} {\"b\":2}", "<xml/>", "{\"a\":NaN}").map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("malformedBodies")
    void malformedJsonIs400OnEveryBodyEndpoint(String body) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{\"title\":\"t\"}");
        byte[] before = user.api().get(SESSIONS + "/" + session).expect(200).bytes();
        assertProblem(user.api().post(SESSIONS, body), 400);
        assertProblem(user.api().patch(SESSIONS + "/" + session, body), 400);
        assertProblem(user.api().post(MessageApiTest.messages(session), body), 400);
        assertProblem(user.api().post(MessageApiTest.batch(session), body), 400);
        assertEquals(1, TestSql.sessionsOf(user.name()));
        assertEquals(0, TestSql.messagesOf(session));
        assertArrayEquals(before, user.api().get(SESSIONS + "/" + session).expect(200).bytes());
    }

    @Test
    void invalidUtf8Is400() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        byte[] prefix = "{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 4];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        body[prefix.length + 1] = (byte) 0x28;
        body[prefix.length + 2] = '"';
        body[prefix.length + 3] = '}';
        assertProblem(user.api().sendBytes("POST", MessageApiTest.messages(session), body, Map.of("Content-Type", "application/json")), 400);
        assertEquals(0, TestSql.messagesOf(session));
    }

    @Test
    void absurdlyDeepJsonIsRejectedCleanly() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertProblem(user.api().post(MessageApiTest.messages(session), "{\"role\":\"user\",\"content\":\"x\",\"metadata\":{\"a\":" + deep + "}}"), 400);
        assertProblem(user.api().post(SESSIONS, "{\"metadata\":{\"a\":" + deep + "}}"), 400);
        assertProblem(user.api().patch(SESSIONS + "/" + session, "{\"metadata\":{\"a\":" + deep + "}}"), 400);
        assertEquals(0, TestSql.messagesOf(session));
        assertEquals(1, TestSql.sessionsOf(user.name()));
    }

    @Test
    void emptyBodyIs400WhereABodyIsRequired() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        assertProblem(user.api().post(MessageApiTest.messages(session), ""), 400);
        assertProblem(user.api().post(MessageApiTest.batch(session), ""), 400);
        assertEquals(0, TestSql.messagesOf(session));
    }

    // ---- path and query parameters

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "123", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "01936f6e-7c3a-7def-8abc-0123456789a",
            "01936f6e7c3a7def8abc0123456789ab0", "01936f6e-7c3a-7def-8abc-0123456789abc"})
    void badUuidInPathIs400(String bad) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Api api = user.api();
        assertProblem(api.get(SESSIONS + "/" + bad), 400);
        assertProblem(api.patch(SESSIONS + "/" + bad, "{\"title\":\"x\"}"), 400);
        assertProblem(api.delete(SESSIONS + "/" + bad), 400);
        assertProblem(api.get(SESSIONS + "/" + bad + "/messages"), 400);
        assertProblem(api.post(SESSIONS + "/" + bad + "/messages", Json.message("user", "x")), 400);
        assertProblem(api.post(SESSIONS + "/" + bad + "/messages:batch", Json.batch(Json.message("user", "x"))), 400);
        assertProblem(api.get(SESSIONS + "/" + bad + "/messages/" + UUID_TEXT), 400);
        assertProblem(api.get(SESSIONS + "/" + session + "/messages/" + bad), 400);
        assertEquals(0, TestSql.messagesOfUser(user.name()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "AAAA", "czE6MTIzOmFiYw", "eyJpZCI6MX0", "%00%01", "s1:1:01936f6e-7c3a-7def-8abc-0123456789ab"})
    void badCursorIs400(String cursor) {
        TestUser user = TestUser.create();
        user.api().createSession("{}");
        assertValidationError(user.api().get(SESSIONS + "?cursor=" + cursor), "cursor");
    }

    @Test
    void tamperedCursorIs400() {
        TestUser user = TestUser.create();
        for (int i = 0; i < 3; i++) {
            user.api().createSession("{}");
        }
        String cursor = (String) user.api().get(SESSIONS + "?limit=1").expect(200).json().get("next_cursor");
        String truncated = cursor.substring(0, cursor.length() / 2);
        assertValidationError(user.api().get(SESSIONS + "?limit=1&cursor=" + truncated), "cursor");
        String foreign = Base64.getUrlEncoder().withoutPadding().encodeToString(("x" + cursor).getBytes(StandardCharsets.UTF_8));
        assertValidationError(user.api().get(SESSIONS + "?limit=1&cursor=" + foreign), "cursor");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "1e2", "99999999999"})
    void badSessionLimitIs400(String limit) {
        TestUser user = TestUser.create();
        assertValidationError(user.api().get(SESSIONS + "?limit=" + limit), "limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "201", "-1", "abc", "2.5"})
    void badMessageLimitIs400(String limit) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        assertValidationError(user.api().get(MessageApiTest.messages(session) + "?limit=" + limit), "limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"before_seq=abc", "after_seq=abc", "before_seq=-1", "after_seq=-5", "before_seq=1.5"})
    void badSeqCursorIs400(String query) {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        assertValidationError(user.api().get(MessageApiTest.messages(session) + "?" + query), query.substring(0, query.indexOf('=')));
    }

    @Test
    void bothSeqCursorsAtOnceIs400() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        PaginationTest.fill(user.api(), session, 5);
        assertProblem(user.api().get(MessageApiTest.messages(session) + "?before_seq=4&after_seq=1"), 400);
        assertProblem(user.api().get(MessageApiTest.messages(session) + "?limit=2&after_seq=1&before_seq=4"), 400);
    }

    @Test
    void badArchivedFilterIs400() {
        TestUser user = TestUser.create();
        assertValidationError(user.api().get(SESSIONS + "?archived=maybe"), "archived");
        assertValidationError(user.api().get(SESSIONS + "?archived=2"), "archived");
    }

    @Test
    void validLimitsAreAccepted() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        user.api().get(SESSIONS + "?limit=1").expect(200);
        user.api().get(SESSIONS + "?limit=100").expect(200);
        user.api().get(MessageApiTest.messages(session) + "?limit=1").expect(200);
        user.api().get(MessageApiTest.messages(session) + "?limit=200").expect(200);
        assertTrue(user.api().get(SESSIONS + "?archived=true").expect(200).items().isEmpty());
    }

    @Test
    void contentLimitCountsUtf8Bytes() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        // 87382 characters: far below 256 Ki characters, but 262146 bytes of UTF-8
        assertValidationError(user.api().post(MessageApiTest.messages(session), Json.message("user", "€".repeat(87382))), "content");
        assertEquals(0L, integer(user.api().get(SESSIONS + "/" + session).json().get("message_count")));
        assertEquals(List.of(), user.api().get(MessageApiTest.messages(session)).expect(200).items());
    }
}
