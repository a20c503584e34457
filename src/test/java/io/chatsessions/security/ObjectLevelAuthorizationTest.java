package io.chatsessions.security;

import io.chatsessions.testsupport.Api;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 6: a generated matrix of every endpoint and method (with bodies, headers and query variants) using
 * user A's session and message ids and user B's token. Each request is also sent with ids that do not exist.
 * Pass: B always gets exactly what a missing id gets (status, content type and body), which for every routed call is a
 * 404; B never sees A's data; A's rows are unchanged (fingerprint of every table row of A before and after).
 */
class ObjectLevelAuthorizationTest {

    private static final String MISSING_SESSION = "01900000-0000-7000-8000-000000000001";
    private static final String MISSING_MESSAGE = "01900000-0000-7000-8000-000000000002";

    record Call(String method, String path, String body, Map<String, String> headers, boolean routed) {
    }

    @Test
    void anotherUsersIdsAreIndistinguishableFromMissingOnes() {
        Servers.Dedicated server = Servers.shared();
        Http http = new Http();
        String userA = "authz-a-" + UUID.randomUUID();
        String userB = "authz-b-" + UUID.randomUUID();
        String tokenA = Servers.token(userA);
        String tokenB = Servers.token(userB);
        Api.Response created = http.postJson(server.url("/api/v1/sessions"), tokenA,
                "{\"title\":\"A's secret session\",\"metadata\":{\"secret\":\"a-secret-value\"}}", Map.of(), Duration.ofSeconds(10));
        assertEquals(201, created.status(), created.describe());
        String sessionA = Json.parse(created.bytes()).get("id").asText();
        String messageA = null;
        for (int i = 0; i < 3; i++) {
            Api.Response appended = http.postJson(server.url("/api/v1/sessions/" + sessionA + "/messages"), tokenA,
                    "{\"role\":\"user\",\"content\":\"a-secret-message " + i + "\"}", Map.of(), Duration.ofSeconds(10));
            assertEquals(201, appended.status(), appended.describe());
            messageA = Json.parse(appended.bytes()).get("id").asText();
        }
        Api.Response createdB = http.postJson(server.url("/api/v1/sessions"), tokenB, "{\"title\":\"B\"}", Map.of(), Duration.ofSeconds(10));
        String sessionB = Json.parse(createdB.bytes()).get("id").asText();
        Api.Response appendedB = http.postJson(server.url("/api/v1/sessions/" + sessionB + "/messages"), tokenB,
                "{\"role\":\"user\",\"content\":\"b\"}", Map.of(), Duration.ofSeconds(10));
        String messageB = Json.parse(appendedB.bytes()).get("id").asText();
        Map<String, String> before = fingerprintOf(server, userA);

        // Targets: {S} = A's session, {M} = A's message; B's own ids mixed in where a mix could confuse a check.
        List<String[]> targets = List.of(
                new String[]{"/api/v1/sessions/{S}", "session"},
                new String[]{"/api/v1/sessions/{S}/messages", "messages"},
                new String[]{"/api/v1/sessions/{S}/messages?limit=200", "messages"},
                new String[]{"/api/v1/sessions/{S}/messages?before_seq=3&limit=1", "messages"},
                new String[]{"/api/v1/sessions/{S}/messages?after_seq=1", "messages"},
                new String[]{"/api/v1/sessions/{S}/messages:batch", "batch"},
                new String[]{"/api/v1/sessions/{S}/messages/{M}", "message"},
                new String[]{"/api/v1/sessions/" + sessionB + "/messages/{M}", "message"},
                new String[]{"/api/v1/sessions/{S}/messages/" + messageB, "message"});
        Map<String, List<String>> routedMethods = Map.of(
                "session", List.of("GET", "PATCH", "DELETE"),
                "messages", List.of("GET", "POST"),
                "batch", List.of("POST"),
                "message", List.of("GET"));
        List<String> methods = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
        Map<String, List<String>> bodies = new LinkedHashMap<>();
        bodies.put("PATCH", List.of("{\"title\":\"pwned\"}", "{\"archived\":true}", "{\"metadata\":{\"secret\":null}}", "{}",
                "{\"title\":1}", "not json"));
        bodies.put("POST", List.of("{\"role\":\"user\",\"content\":\"injected\"}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"injected\"}]}", "{\"role\":\"nope\"}", ""));
        bodies.put("PUT", List.of("{\"title\":\"pwned\"}"));
        List<Map<String, String>> headerVariants = List.of(Map.of(), Map.of("If-Match", "1"), Map.of("If-Match", "*"),
                Map.of("Idempotency-Key", "authz-" + UUID.randomUUID()), Map.of("Content-Type", "application/merge-patch+json"));

        List<Call> calls = new ArrayList<>();
        for (String[] target : targets) {
            for (String method : methods) {
                boolean routed = routedMethods.get(target[1]).contains(method)
                        || (method.equals("HEAD") && routedMethods.get(target[1]).contains("GET"));
                for (String body : bodies.getOrDefault(method, java.util.Collections.singletonList(null))) {
                    for (Map<String, String> headers : headerVariants) {
                        calls.add(new Call(method, target[0], body, headers, routed));
                    }
                }
            }
        }

        List<String> violations = new ArrayList<>();
        int compared = 0;
        for (Call call : calls) {
            String asA = call.path().replace("{S}", sessionA).replace("{M}", messageA);
            String missing = call.path().replace("{S}", MISSING_SESSION).replace("{M}", MISSING_MESSAGE);
            Api.Response attack = send(http, server, tokenB, asA, call);
            Api.Response control = send(http, server, tokenB, missing, call);
            compared++;
            String label = call.method() + " " + call.path() + " " + call.headers() + " body=" + call.body();
            if (attack.status() < 0 || control.status() < 0) {
                violations.add(label + ": no answer: " + attack.describe() + " / " + control.describe());
                continue;
            }
            if (attack.ok()) {
                violations.add(label + ": B got a " + attack.status() + " on A's ids: " + attack.describe());
            }
            String attackBody = normalise(attack.body(), sessionA, messageA);
            String controlBody = normalise(control.body(), MISSING_SESSION, MISSING_MESSAGE);
            if (attack.status() != control.status() || !attackBody.equals(controlBody)
                    || !String.valueOf(attack.header("Content-Type")).equals(String.valueOf(control.header("Content-Type")))) {
                violations.add(label + ": A's ids answered differently from missing ids:\n      A's:     " + attack.describe()
                        + "\n      missing: " + control.describe());
            }
            if (call.routed() && !call.method().equals("HEAD") && attack.status() != 404 && isValidRequest(call)) {
                violations.add(label + ": expected 404, got " + attack.describe());
            }
            if (attack.header("ETag") != null || attack.header("Location") != null) {
                violations.add(label + ": answer carries ETag/Location: " + attack.headers());
            }
            String raw = new String(attack.bytes(), StandardCharsets.UTF_8);
            if (raw.contains("a-secret") || raw.contains("A's secret") || (raw.contains(messageA) && !asA.contains(messageA))) {
                violations.add(label + ": A's data leaked: " + raw);
            }
        }

        Map<String, String> after = fingerprintOf(server, userA);
        if (!before.equals(after)) {
            violations.add("A's rows changed: before " + before + ", after " + after);
        }

        // B's list shows only B's session; the same Idempotency-Key as A's create is B's own.
        Api.Response list = http.get(server.url("/api/v1/sessions?limit=100"), tokenB, Duration.ofSeconds(10));
        for (JsonNode item : Json.parse(list.bytes()).get("items")) {
            if (!item.get("id").asText().equals(sessionB)) {
                violations.add("B's list shows a session that is not B's: " + item);
            }
        }
        String sharedKey = "shared-key-" + UUID.randomUUID();
        Api.Response keyA = http.postJson(server.url("/api/v1/sessions"), tokenA, "{\"title\":\"k\"}", Map.of("Idempotency-Key", sharedKey), Duration.ofSeconds(10));
        Api.Response keyB = http.postJson(server.url("/api/v1/sessions"), tokenB, "{\"title\":\"k\"}", Map.of("Idempotency-Key", sharedKey), Duration.ofSeconds(10));
        if (keyA.status() != 201 || keyB.status() != 201 || Json.parse(keyA.bytes()).get("id").equals(Json.parse(keyB.bytes()).get("id"))) {
            violations.add("Idempotency-Key is not scoped to the caller: A " + keyA.describe() + ", B " + keyB.describe());
        }
        http.send("DELETE", server.url("/api/v1/sessions/" + Json.parse(keyA.bytes()).get("id").asText()), tokenA, null, Map.of(), Duration.ofSeconds(10));

        Figures.report("6 object-level authorization", "%d generated calls (%d targets x %d methods x bodies x headers), each compared with "
                        + "missing ids; %d differences, A's rows unchanged: %s; %s",
                compared, targets.size(), methods.size(), violations.size(), before.equals(after), violations.isEmpty() ? "PASS" : "FAIL");
        assertTrue(violations.isEmpty(), "object-level authorization violations (" + violations.size() + "):\n  "
                + String.join("\n  ", violations.subList(0, Math.min(25, violations.size()))));
    }

    /** A request that would succeed with the owner's token (so the only reason to refuse it is ownership). */
    private static boolean isValidRequest(Call call) {
        String body = call.body();
        String contentType = call.headers().get("Content-Type");
        if (contentType != null && !call.method().equals("PATCH")) {
            return false;
        }
        if (call.method().equals("PATCH")) {
            return body != null && body.startsWith("{") && !body.contains("\"title\":1") && !call.headers().containsKey("If-Match")
                    && !call.headers().containsKey("Idempotency-Key");
        }
        if (call.method().equals("POST")) {
            boolean batch = call.path().endsWith(":batch");
            return body != null && (batch ? body.contains("\"messages\"") : body.contains("\"content\":\"injected\"") && !body.contains("messages"));
        }
        return !call.headers().containsKey("If-Match") || call.method().equals("DELETE");
    }

    private static Api.Response send(Http http, Servers.Dedicated server, String token, String path, Call call) {
        Map<String, String> headers = new LinkedHashMap<>(call.headers());
        if (call.body() != null && !headers.containsKey("Content-Type")) {
            headers.put("Content-Type", call.method().equals("PATCH") ? "application/merge-patch+json" : "application/json");
        }
        byte[] body = call.body() == null ? null : call.body().getBytes(StandardCharsets.UTF_8);
        return http.send(call.method(), server.url(path), token, body, headers, Duration.ofSeconds(10));
    }

    private static String normalise(String body, String session, String message) {
        return body.replace(session, "{S}").replace(message, "{M}").replaceAll("request_id=[0-9a-f-]+", "")
                .replaceAll("\"(instance|request_id|trace_id)\"\\s*:\\s*\"[^\"]*\"", "\"$1\":\"*\"");
    }

    private static Map<String, String> fingerprintOf(Servers.Dedicated server, String user) {
        Map<String, String> result = new LinkedHashMap<>();
        result.put("sessions", String.valueOf(TestSql.rows(server.db(),
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM chat.sessions t WHERE user_id = ?", user).get(0)));
        result.put("messages", String.valueOf(TestSql.rows(server.db(), """
                SELECT count(*), md5(coalesce(string_agg(m::text, '|' ORDER BY m.id), '')) FROM chat.messages m
                  JOIN chat.sessions s ON s.id = m.session_id WHERE s.user_id = ?""", user).get(0)));
        result.put("idempotency_keys", String.valueOf(TestSql.rows(server.db(),
                "SELECT count(*) FROM chat.idempotency_keys WHERE user_id = ?", user).get(0)));
        return result;
    }
}
