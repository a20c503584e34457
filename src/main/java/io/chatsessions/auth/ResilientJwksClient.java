package io.chatsessions.auth;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.security.token.jwt.signature.jwks.JwksClient;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads JWKS documents for token checks. Micronaut caches the key set for {@link AuthSettings#JWKS_REFRESH_SECONDS}
 * seconds and then asks again, so a newly published key is accepted within seconds without a restart. When the JWKS
 * endpoint is down, slow or answers garbage, this returns the last document it read, so tokens signed by known keys
 * keep working through the outage.
 */
@Singleton
@Replaces(JwksClient.class)
public class ResilientJwksClient implements JwksClient {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientJwksClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ConcurrentHashMap<String, String> lastGood = new ConcurrentHashMap<>();

    @Override
    public Publisher<String> load(String providerName, String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
        return Mono.fromFuture(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .map(response -> {
                    if (response.statusCode() != 200 || !response.body().contains("\"keys\"")) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    lastGood.put(url, response.body());
                    return response.body();
                })
                .onErrorResume(failure -> {
                    String known = lastGood.get(url);
                    LOG.warn("JWKS {} could not be read ({}); {}", url, failure.toString(),
                            known == null ? "no keys known yet" : "keeping the last key set read");
                    return Mono.justOrEmpty(known);
                });
    }
}
