package io.chatsessions.testsupport;

import io.chatsessions.auth.Tokens;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A black-box HTTP client for the API: real requests over TCP, raw bodies, JSON decoded for assertions. */
public final class Api {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            return headers;
        }
        var merged = new java.util.HashMap<>(headers);
        merged.put("Content-Type", "application/json");
        return merged;
    }

    /** A response: status, headers, raw body; {@link #json()} decodes an object body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] bytes) {

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
                return ObjectMapper.getDefault().readValue(bytes, Argument.mapOf(String.class, Object.class));
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body(), e);
            }
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) json().get("items");
        }

        public Response expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body());
            }
            return this;
        }
    }
}
