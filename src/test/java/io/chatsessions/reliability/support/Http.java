package io.chatsessions.reliability.support;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A client that never throws: every call ends in an {@link Outcome} with status (or the failure), body and latency,
 * which is what fault tests need to classify (answered, refused, timed out, reset).
 */
public final class Http {

    private final HttpClient client;

    public Http() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build());
    }

    public Http(HttpClient client) {
        this.client = client;
    }

    public HttpClient client() {
        return client;
    }

    public Outcome get(URI uri, String token, Duration timeout) {
        return send("GET", uri, token, null, Map.of(), timeout);
    }

    public Outcome postJson(URI uri, String token, String json, Map<String, String> headers, Duration timeout) {
        return send("POST", uri, token, json == null ? null : json.getBytes(StandardCharsets.UTF_8), withJson(headers), timeout);
    }

    public Outcome send(String method, URI uri, String token, byte[] body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Outcome(start, System.nanoTime(), response.statusCode(), response.headers().map(), response.body(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(start, System.nanoTime(), -1, Map.of(), new byte[0], e);
        } catch (IOException | RuntimeException e) {
            return new Outcome(start, System.nanoTime(), -1, Map.of(), new byte[0], e);
        }
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
        if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            return headers;
        }
        var merged = new java.util.HashMap<>(headers);
        merged.put("Content-Type", "application/json");
        return merged;
    }

    /** One call: status -1 when no response arrived ({@link #failure()} says why). Times are System.nanoTime(). */
    public record Outcome(long startNanos, long endNanos, int status, Map<String, List<String>> headers, byte[] bytes,
                          Throwable failure) {

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

        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String describe() {
            return status >= 0 ? "HTTP " + status + " " + abbreviate(body())
                    : "no response (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")";
        }

        private static String abbreviate(String text) {
            return text.length() > 300 ? text.substring(0, 300) + "..." : text;
        }
    }
}
