package io.chatsessions.testsupport;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit's response validator itself: a conforming answer passes, each kind of violation is named. */
class OpenApiResponsesTest {

    private static final OpenApiResponses DOCUMENT = new OpenApiResponses("""
            openapi: 3.0.1
            info: {title: t, version: "1"}
            paths:
              /api/v1/things/{id}:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Thing"}
                    "404":
                      description: missing
                      content:
                        application/problem+json:
                          schema: {type: object, required: [type], properties: {type: {type: string}}}
              /api/v1/things/{id}:batch:
                post:
                  responses:
                    "204": {description: done}
            components:
              schemas:
                Thing:
                  type: object
                  required: [id, count]
                  additionalProperties: false
                  properties:
                    id: {type: string}
                    count: {type: integer, minimum: 0}
                    note: {type: string, nullable: true}
            """);

    private static Api.Response answer(int status, String contentType, String body) {
        return new Api.Response(status, contentType == null ? Map.of() : Map.of("Content-Type", List.of(contentType)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aConformingAnswerHasNoViolation() {
        assertEquals(List.of(), DOCUMENT.violations("GET", "/api/v1/things/7?x=1",
                answer(200, "application/json", "{\"id\":\"7\",\"count\":2,\"note\":null}")));
        assertEquals(List.of(), DOCUMENT.violations("GET", "/api/v1/things/7",
                answer(404, "application/problem+json", "{\"type\":\"urn:x\"}")));
        assertEquals(List.of(), DOCUMENT.violations("POST", "/api/v1/things/7:batch", answer(204, null, "")));
    }

    @Test
    void aBodyThatBreaksTheSchemaIsAViolation() {
        List<String> violations = DOCUMENT.violations("GET", "/api/v1/things/7",
                answer(200, "application/json", "{\"id\":7,\"count\":-1,\"extra\":true}"));
        assertEquals(3, violations.size(), violations.toString());
        assertTrue(violations.stream().allMatch(v -> v.startsWith("GET /api/v1/things/{id} 200: ")), violations.toString());
        String all = String.join("\n", violations);
        assertTrue(all.contains("id") && all.contains("count") && all.contains("extra"), all);
    }

    @Test
    void anUndocumentedStatusOrContentTypeIsAViolation() {
        List<String> status = DOCUMENT.violations("GET", "/api/v1/things/7", answer(503, "application/problem+json", "{}"));
        assertEquals(List.of("GET /api/v1/things/{id} 503: status 503 is not documented (documented: 200, 404)"), status);
        List<String> type = DOCUMENT.violations("GET", "/api/v1/things/7", answer(200, "text/plain", "7"));
        assertEquals(List.of("GET /api/v1/things/{id} 200: content type text/plain is not documented (documented: application/json)"), type);
    }

    @Test
    void aRequestTheDocumentHasNoOperationForIsNotChecked() {
        assertEquals(List.of(), DOCUMENT.violations("DELETE", "/api/v1/things/7", answer(405, "application/problem+json", "{}")));
        assertEquals(List.of(), DOCUMENT.violations("GET", "/elsewhere", answer(404, "text/plain", "no")));
    }

    @Test
    void strictModeFailsTheCallReportModeOnlyPrints() {
        String before = System.getProperty("chat.openapi.responses");
        try {
            System.clearProperty("chat.openapi.responses");
            assertEquals(OpenApiResponses.Mode.STRICT, OpenApiResponses.mode());
            System.setProperty("chat.openapi.responses", "report");
            assertEquals(OpenApiResponses.Mode.REPORT, OpenApiResponses.mode());
            System.setProperty("chat.openapi.responses", "off");
            assertEquals(OpenApiResponses.Mode.OFF, OpenApiResponses.mode());
        } finally {
            if (before == null) {
                System.clearProperty("chat.openapi.responses");
            } else {
                System.setProperty("chat.openapi.responses", before);
            }
        }
    }
}
