package io.chatsessions.testsupport;

import io.chatsessions.auth.Tokens;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The kit's black-box HTTP client for the API: real requests over TCP (Micronaut's {@code HttpClient} to the running
 * {@link ApiSuite}'s server, {@link MicronautHttp}; {@link Http} to other servers and processes), raw bodies, JSON decoded for
 * assertions, and expectations on the answer ({@code api.post(...).expect(201).expectHeader("Location", ...)}).
 */
public final class Api {

    private static final Http CLIENT = new Http(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    private final URI base;
    private final String token;

    public Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A client for a brand-new user on the shared test server. */
    public static Api newUser() {
        return forUser(TestServer.url(), "user-" + UUID.randomUUID());
    }

    public static Api forUser(URI base, String user) {
        return new Api(base, Tokens.sign(TestServer.SECRET, user, Duration.ofHours(1), null, null));
    }

    public Api withToken(String otherToken) {
        return new Api(base, otherToken);
    }

    public URI base() {
        return base;
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response post(String path, String json) {
        return send("POST", path, json, Map.of("Content-Type", "application/json"));
    }

    public Response post(String path, String json, Map<String, String> headers) {
        return send("POST", path, json, withJson(headers));
    }

    public Response patch(String path, String json) {
        return send("PATCH", path, json, Map.of("Content-Type", "application/merge-patch+json"));
    }

    public Response patch(String path, String json, Map<String, String> headers) {
        return send("PATCH", path, json, withJson(headers));
    }

    public Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public Response send(String method, String path, String body, Map<String, String> headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public Response sendBytes(String method, String path, byte[] body, Map<String, String> headers) {
        io.micronaut.http.client.HttpClient suiteClient = MicronautHttp.clientFor(base);
        Response response = suiteClient != null
                ? MicronautHttp.send(suiteClient, method, base.resolve(path), token, body, headers, Duration.ofSeconds(30))
                : CLIENT.send(method, base.resolve(path), token, body, headers, Duration.ofSeconds(30));
        if (response.failure() != null) {
            throw response.failure() instanceof IOException io ? new UncheckedIOException(io)
                    : new IllegalStateException(response.failure());
        }
        if (TestServer.isInProcess(base)) {
            OpenApiResponses.check(base, method, path, response);
        }
        return response;
    }

    // ---- shortcuts used by many tests

    public String createSession(String json) {
        Response created = post("/api/v1/sessions", json);
        created.expect(201);
        return (String) created.json().get("id");
    }

    public Map<String, Object> appendMessage(String sessionId, String json) {
        Response appended = post("/api/v1/sessions/" + sessionId + "/messages", json);
        appended.expect(201);
        return appended.json();
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
        return Http.withJson(headers);
    }

    /**
     * One answer: status, headers, raw body, or status -1 and {@link #failure()} when no answer arrived; times are
     * System.nanoTime(). {@link #json()} decodes an object body; the {@code expect...} methods fail with the body.
     */
    public record Response(int status, Map<String, List<String>> headers, byte[] bytes, Throwable failure,
                           long startNanos, long endNanos) {

        public Response(int status, Map<String, List<String>> headers, byte[] bytes) {
            this(status, headers, bytes, null, 0, 0);
        }

        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        public Map<String, Object> json() {
            try {
                return Json.MAPPER.readValue(bytes, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body(), e);
            }
        }

        /** The body as a JSON tree. */
        public JsonNode tree() {
            return Json.parse(bytes);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) json().get("items");
        }

        public long latencyNanos() {
            return endNanos - startNanos;
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public boolean refused() {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof ConnectException) {
                    return true;
                }
            }
            return false;
        }

        public boolean timedOut() {
            return failure instanceof HttpTimeoutException;
        }

        public String describe() {
            return status >= 0 ? "HTTP " + status + " " + abbreviate(body())
                    : "no response (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")";
        }

        public Response expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + describe());
            }
            return this;
        }

        /** The header has exactly this (first) value. */
        public Response expectHeader(String name, String expected) {
            if (!Objects.equals(expected, header(name))) {
                throw new AssertionError("expected header " + name + ": " + expected + " but got " + header(name)
                        + " (" + describe() + ")");
            }
            return this;
        }

        /** The header is absent. */
        public Response expectNoHeader(String name) {
            return expectHeader(name, null);
        }

        /** The JSON object body's top-level field equals this value (as decoded: String, Integer, Boolean, Map, List, null). */
        public Response expectJson(String field, Object expected) {
            Map<String, Object> json = json();
            if (!json.containsKey(field) || !Objects.equals(expected, json.get(field))) {
                throw new AssertionError("expected \"" + field + "\": " + expected + " but got "
                        + (json.containsKey(field) ? json.get(field) : "no such field") + " in " + abbreviate(body()));
            }
            return this;
        }

        /** application/problem+json with this problem type. */
        public Response expectProblem(int expectedStatus, String type) {
            expect(expectedStatus);
            String contentType = header("Content-Type");
            if (contentType == null || !contentType.startsWith("application/problem+json")) {
                throw new AssertionError("expected application/problem+json but got " + contentType + " (" + describe() + ")");
            }
            return expectJson("type", type);
        }

        private static String abbreviate(String text) {
            return text.length() > 300 ? text.substring(0, 300) + "..." : text;
        }
    }
}
