package io.chatsessions.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The kit's one HTTP transport (java.net.http over real TCP, exact bytes both ways). It never throws: every call ends
 * in an {@link Api.Response} with the status, or status -1 and the failure, plus its latency, which is what fault tests
 * classify (answered, refused, timed out, reset). {@link Api} adds a base URL, a token and expectations on top.
 * Only tests that put arbitrary bytes on the wire use {@link RawHttp} instead.
 */
public final class Http {

    private static final HttpClient DEFAULT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final HttpClient client;

    public Http() {
        this(DEFAULT);
    }

    public Http(HttpClient client) {
        this.client = client;
    }

    public HttpClient client() {
        return client;
    }

    public Api.Response get(URI uri, String token, Duration timeout) {
        return send("GET", uri, token, null, Map.of(), timeout);
    }

    public Api.Response postJson(URI uri, String token, String json, Map<String, String> headers, Duration timeout) {
        return send("POST", uri, token, json == null ? null : json.getBytes(StandardCharsets.UTF_8), withJson(headers), timeout);
    }

    public Api.Response send(String method, URI uri, String token, byte[] body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Api.Response(response.statusCode(), response.headers().map(), response.body(), null, start, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Api.Response(-1, Map.of(), new byte[0], e, start, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return new Api.Response(-1, Map.of(), new byte[0], e, start, System.nanoTime());
        }
    }

    static Map<String, String> withJson(Map<String, String> headers) {
        if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            return headers;
        }
        Map<String, String> merged = new HashMap<>(headers);
        merged.put("Content-Type", "application/json");
        return merged;
    }
}
