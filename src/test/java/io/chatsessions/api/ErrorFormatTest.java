package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9457 problem+json for every failure, with no internals; body-size limit 413. */
@MicronautTest(transactional = false)
class ErrorFormatTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";
    private static final int ONE_MIB = 1024 * 1024;

    /** A JSON body of exactly {@code size} bytes: {"title":"xxxx..."}. */
    private static byte[] titleBody(int size) {
        String prefix = "{\"title\":\"";
        String suffix = "\"}";
        String body = prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertEquals(size, bytes.length);
        return bytes;
    }

    /** A message body of exactly {@code size} bytes. */
    private static byte[] messageBody(int size) {
        String prefix = "{\"role\":\"user\",\"content\":\"";
        String suffix = "\"}";
        return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bodyOverOneMiBIs413OnEveryBodyEndpoint() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Map<String, String> json = Map.of("Content-Type", "application/json");
        assertProblem(user.api().sendBytes("POST", SESSIONS, titleBody(ONE_MIB + 1), json), 413);
        assertProblem(user.api().sendBytes("PATCH", SESSIONS + "/" + session, titleBody(ONE_MIB + 1),
                Map.of("Content-Type", "application/merge-patch+json")), 413);
        assertProblem(user.api().sendBytes("POST", MessageApiTest.messages(session), messageBody(ONE_MIB + 1), json), 413);
        String big = "{\"role\":\"user\",\"content\":\"" + "x".repeat(200_000) + "\"}";
        String batch = Json.batch(List.of(big, big, big, big, big, big));
        assertTrue(batch.length() > ONE_MIB);
        assertProblem(user.api().sendBytes("POST", MessageApiTest.batch(session), batch.getBytes(StandardCharsets.UTF_8), json), 413);
        assertProblem(user.api().sendBytes("POST", SESSIONS, titleBody(5 * ONE_MIB), json), 413);
        assertEquals(1, TestSql.sessionsOf(user.name()), "nothing written");
        assertEquals(0, TestSql.messagesOf(session));
    }

    @Test
    void chunkedBodyOverOneMiBIs413Too() throws Exception {
        // no Content-Length: the limit must hold while the body streams in
        TestUser user = TestUser.create();
        byte[] body = titleBody(2 * ONE_MIB);
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(user.api().base().resolve(SESSIONS))
                .timeout(java.time.Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + io.chatsessions.auth.Tokens.sign(io.chatsessions.testsupport.TestServer.SECRET,
                        user.name(), java.time.Duration.ofHours(1), null, null))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();
        java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertProblem(new Api.Response(response.statusCode(), response.headers().map(), response.body()), 413);
        assertEquals(0, TestSql.sessionsOf(user.name()));
    }

    @Test
    void bodyOfExactlyOneMiBIsNot413() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        // within the body limit, so the field rules answer: title too long, content too long
        assertValidationError(user.api().sendBytes("POST", SESSIONS, titleBody(ONE_MIB), Map.of("Content-Type", "application/json")), "title");
        assertValidationError(user.api().sendBytes("POST", MessageApiTest.messages(session), messageBody(ONE_MIB),
                Map.of("Content-Type", "application/json")), "content");
        String within = "{\"role\":\"user\",\"content\":\"" + "x".repeat(250_000) + "\"}";
        user.api().post(MessageApiTest.batch(session), Json.batch(within, within, within, within)).expect(201);
    }

    @Test
    void validationListsEveryBadField() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Map<String, Object> problem = assertValidationError(user.api().post(MessageApiTest.messages(session),
                "{\"role\":\"robot\",\"content\":\"x\",\"top_k\":0,\"latency_ms\":-1,\"unknown\":1}"), "role");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
        Set<String> fields = new java.util.HashSet<>();
        errors.forEach(e -> fields.add((String) e.get("field")));
        for (String expected : List.of("role", "top_k", "latency_ms", "unknown")) {
            assertTrue(fields.stream().anyMatch(f -> f.contains(expected)), "errors[] names " + expected + ": " + errors);
        }
    }

    @Test
    void malformedJsonProblemHasNoParserInternals() {
        TestUser user = TestUser.create();
        Api.Response response = user.api().post(SESSIONS, "{\"title\": \"unterminated");
        Map<String, Object> problem = assertProblem(response, 400);
        String detail = (String) problem.get("detail");
        assertTrue(!detail.contains("line:") && !detail.contains("column:") && !detail.contains("Source:"), detail);
    }

    @Test
    void everyContractStatusIsAProblem() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Api api = user.api();
        Set<String> types = new java.util.HashSet<>();

        types.add((String) assertProblem(api.post(SESSIONS, "{\"foo\":1}"), 400).get("type"));
        types.add((String) assertProblem(new Api(api.base(), null).get(SESSIONS), 401).get("type"));
        types.add((String) assertProblem(api.get(SESSIONS + "/" + UUID.randomUUID()), 404).get("type"));
        String key = "k-" + UUID.randomUUID();
        api.post(SESSIONS, "{}", Map.of("Idempotency-Key", key)).expect(201);
        types.add((String) assertProblem(api.post(SESSIONS, "{\"title\":\"other\"}", Map.of("Idempotency-Key", key)), 422).get("type"));
        types.add((String) assertProblem(api.patch(SESSIONS + "/" + session, "{\"title\":\"x\"}",
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", "\"12345\"")), 412).get("type"));
        types.add((String) assertProblem(api.sendBytes("POST", SESSIONS, titleBody(ONE_MIB + 1), Map.of("Content-Type", "application/json")), 413).get("type"));
        assertEquals(6, types.size(), "each kind of problem has its own type: " + types);
    }

    @Test
    void notFoundBodiesDoNotLeak() {
        TestUser user = TestUser.create();
        String id = UUID.randomUUID().toString();
        Api.Response missing = user.api().get(SESSIONS + "/" + id);
        Map<String, Object> problem = assertProblem(missing, 404);
        assertNull(problem.get("errors"));
        assertTrue(!missing.body().contains(user.name()), "the 404 does not echo the user");
    }

    @Test
    void frameworkErrorsAreProblemsToo() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        // no such route
        Api.Response noRoute = user.api().get("/api/v1/nothing-here");
        assertNotEquals(200, noRoute.status());
        assertProblem(noRoute, noRoute.status());
        // a route that does not take this method
        Api.Response wrongMethod = user.api().send("PUT", SESSIONS + "/" + session, "{}", Map.of("Content-Type", "application/json"));
        assertTrue(wrongMethod.status() == 405 || wrongMethod.status() == 404, "PUT: " + wrongMethod.status());
        assertProblem(wrongMethod, wrongMethod.status());
        // a body that is not JSON at all
        Api.Response text = user.api().post(MessageApiTest.messages(session), "hello", Map.of("Content-Type", "text/plain"));
        assertTrue(text.status() == 400 || text.status() == 415, "text/plain body: " + text.status());
        assertProblem(text, text.status());
        assertEquals(0, TestSql.messagesOf(session));
    }
}
