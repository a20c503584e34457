package io.chatsessions.openapi;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limit the served OpenAPI document states is the one the service enforces: a request at the documented limit
 * succeeds and one past it is 400, with the default limits and with CHAT_LIMITS_* set to other values.
 */
class OpenApiLimitsTest {

    private static final String SCHEMAS = "components";
    private static EmbeddedServer tight;

    @BeforeAll
    static void startTightServer() {
        tight = TestServer.start(Map.of(), Map.of(
                "chat.limits.max-content-bytes", 1000,
                "chat.limits.max-sources", 3,
                "chat.limits.max-batch-messages", 4,
                "chat.limits.max-session-page", 7,
                "chat.limits.default-session-page", 2,
                "chat.limits.max-message-page", 9,
                "chat.limits.default-message-page", 3));
    }

    @AfterAll
    static void stopTightServer() {
        if (tight != null) {
            tight.getApplicationContext().close();
        }
    }

    @Test
    void defaultLimitsAreDocumentedAsEnforced() {
        Documented documented = checkAgainst(TestServer.url());
        assertEquals(new Documented(262144, 100, 100, 100, 20, 200, 50), documented);
    }

    @Test
    void configuredLimitsAreDocumentedAsEnforced() {
        Documented documented = checkAgainst(tight.getURI());
        assertEquals(new Documented(1000, 3, 4, 7, 2, 9, 3), documented);
    }

    @Test
    void fixedLimitsAreDocumentedAsEnforced() {
        ServedDocument document = ServedDocument.of(TestServer.url());
        int titleMax = document.number("maxLength", SCHEMAS, "schemas", "SessionWrite", "properties", "title");
        int topKMin = document.number("minimum", SCHEMAS, "schemas", "MessageWrite", "properties", "top_k");
        int topKMax = document.number("maximum", SCHEMAS, "schemas", "MessageWrite", "properties", "top_k");
        int latencyMin = document.number("minimum", SCHEMAS, "schemas", "MessageWrite", "properties", "latency_ms");
        int keyMax = document.number("maxLength", "paths", "/api/v1/sessions", "post", "parameters", "name=Idempotency-Key", "schema");

        Api api = Api.newUser();
        api.post("/api/v1/sessions", "{\"title\":\"" + "t".repeat(titleMax) + "\"}").expect(201);
        api.post("/api/v1/sessions", "{\"title\":\"" + "t".repeat(titleMax + 1) + "\"}").expect(400);
        String messages = "/api/v1/sessions/" + api.createSession("{}") + "/messages";
        api.post(messages, "{\"role\":\"assistant\",\"content\":\"a\",\"top_k\":" + topKMax + "}").expect(201);
        api.post(messages, "{\"role\":\"assistant\",\"content\":\"a\",\"top_k\":" + (topKMax + 1) + "}").expect(400);
        api.post(messages, "{\"role\":\"assistant\",\"content\":\"a\",\"top_k\":" + topKMin + "}").expect(201);
        api.post(messages, "{\"role\":\"assistant\",\"content\":\"a\",\"top_k\":" + (topKMin - 1) + "}").expect(400);
        api.post(messages, "{\"role\":\"assistant\",\"content\":\"a\",\"latency_ms\":" + latencyMin + "}").expect(201);
        api.post(messages, "{\"role\":\"assistant\",\"content\":\"a\",\"latency_ms\":" + (latencyMin - 1) + "}").expect(400);
        api.post("/api/v1/sessions", "{}", Map.of("Idempotency-Key", "k".repeat(keyMax))).expect(201);
        api.post("/api/v1/sessions", "{}", Map.of("Idempotency-Key", "k".repeat(keyMax + 1))).expect(400);
    }

    record Documented(int contentMaxLength, int sourcesMaxItems, int batchMaxItems, int sessionPageMaximum,
                      int sessionPageDefault, int messagePageMaximum, int messagePageDefault) {
    }

    private static Documented checkAgainst(URI service) {
        ServedDocument document = ServedDocument.of(service);
        assertFalse(document.text().contains("{limits."), "a limit token was left in the document");
        Documented d = new Documented(
                document.number("maxLength", SCHEMAS, "schemas", "MessageWrite", "properties", "content"),
                document.number("maxItems", SCHEMAS, "schemas", "MessageWrite", "properties", "sources"),
                document.number("maxItems", SCHEMAS, "schemas", "MessageBatchWrite", "properties", "messages"),
                document.number("maximum", "paths", "/api/v1/sessions", "get", "parameters", "name=limit", "schema"),
                document.number("default", "paths", "/api/v1/sessions", "get", "parameters", "name=limit", "schema"),
                document.number("maximum", "paths", "/api/v1/sessions/{sessionId}/messages", "get", "parameters", "name=limit", "schema"),
                document.number("default", "paths", "/api/v1/sessions/{sessionId}/messages", "get", "parameters", "name=limit", "schema"));
        assertEquals(1, document.number("minItems", SCHEMAS, "schemas", "MessageBatchWrite", "properties", "messages"));
        assertTrue(String.valueOf(document.at(SCHEMAS, "schemas", "MessageWrite", "properties", "content").get("description"))
                .contains(String.valueOf(d.contentMaxLength())), "the content description names the enforced limit");

        Api api = Api.forUser(service, "limits-" + UUID.randomUUID());
        String session = api.createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";

        api.post(messages, message("a".repeat(d.contentMaxLength()), "")).expect(201);
        api.post(messages, message("a".repeat(d.contentMaxLength() + 1), "")).expect(400);

        api.post(messages, message("x", sources(d.sourcesMaxItems()))).expect(201);
        api.post(messages, message("x", sources(d.sourcesMaxItems() + 1))).expect(400);

        api.post(messages + ":batch", batch(d.batchMaxItems())).expect(201);
        api.post(messages + ":batch", batch(d.batchMaxItems() + 1)).expect(400);
        api.post(messages + ":batch", batch(0)).expect(400);

        // Enough messages and sessions that the default and maximum page sizes are what bounds each page.
        int messageCount = 4 + d.batchMaxItems();
        while (messageCount <= Math.max(d.messagePageMaximum(), d.messagePageDefault())) {
            api.post(messages + ":batch", batch(d.batchMaxItems())).expect(201);
            messageCount += d.batchMaxItems();
        }
        assertEquals(d.messagePageDefault(), api.get(messages).expect(200).items().size());
        assertEquals(d.messagePageMaximum(), api.get(messages + "?limit=" + d.messagePageMaximum()).expect(200).items().size());
        api.get(messages + "?limit=" + (d.messagePageMaximum() + 1)).expect(400);

        for (int i = 1; i <= Math.max(d.sessionPageMaximum(), d.sessionPageDefault()); i++) {
            api.createSession("{}");
        }
        assertEquals(d.sessionPageDefault(), api.get("/api/v1/sessions").expect(200).items().size());
        assertEquals(d.sessionPageMaximum(), api.get("/api/v1/sessions?limit=" + d.sessionPageMaximum()).expect(200).items().size());
        api.get("/api/v1/sessions?limit=" + (d.sessionPageMaximum() + 1)).expect(400);
        return d;
    }

    private static String message(String content, String sources) {
        return "{\"role\":\"user\",\"content\":\"" + content + "\"" + (sources.isEmpty() ? "" : ",\"sources\":" + sources) + "}";
    }

    private static String sources(int count) {
        return IntStream.range(0, count).mapToObj(i -> "{\"document_id\":\"d" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static String batch(int count) {
        return IntStream.range(0, count).mapToObj(i -> message("m" + i, ""))
                .collect(Collectors.joining(",", "{\"messages\":[", "]}"));
    }
}
