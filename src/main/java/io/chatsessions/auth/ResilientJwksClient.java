package io.chatsessions.auth;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Value;
import io.micronaut.security.token.jwt.signature.jwks.JwksClient;
import jakarta.inject.Inject;
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
import java.util.function.LongSupplier;

/**
 * Reads JWKS documents for token checks. Micronaut caches the key set for {@link AuthSettings#JWKS_REFRESH_SECONDS}
 * seconds and then asks again, so a newly published key is accepted within seconds without a restart. A fetch is
 * bounded as a whole: at most {@code maxBytes} of body ({@link LimitedBody}) and {@code timeout} from request to the
 * last byte (a server dripping its body cannot hold a token check). When the endpoint is down, slow, too large or
 * answers something that is not a key set with a usable key ({@link JwksDocument}), this returns the last good key set,
 * so tokens signed by known keys keep working through the outage, but only for {@code maxStale} after that set was
 * read: past it no keys are trusted, and tokens checked against the JWKS are refused (401) until it answers again.
 */
@Singleton
@Replaces(JwksClient.class)
public class ResilientJwksClient implements JwksClient {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientJwksClient.class);

    private record KeySet(String json, long readAtNanos) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final long maxBytes;
    private final Duration maxStale;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, KeySet> lastGood = new ConcurrentHashMap<>();

    @Inject
    public ResilientJwksClient(@Value("${chat.auth.jwks-timeout:2s}") Duration timeout,
                               @Value("${chat.auth.jwks-max-bytes:1048576}") long maxBytes,
                               @Value("${chat.auth.jwks-max-stale:1h}") Duration maxStale) {
        this(timeout, maxBytes, maxStale, System::nanoTime);
    }

    ResilientJwksClient(Duration timeout, long maxBytes, Duration maxStale, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero() || maxBytes <= 0 || maxStale.isNegative()) {
            throw new IllegalArgumentException("JWKS timeout and size must be positive, AUTH_JWKS_MAX_STALE not negative");
        }
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.maxStale = maxStale;
        this.nanoClock = nanoClock;
    }

    @Override
    public Publisher<String> load(String providerName, String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        return Mono.fromFuture(() -> http.sendAsync(request, LimitedBody.handler(maxBytes)))
                .timeout(timeout)
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    String keys = JwksDocument.usableKeys(response.body());
                    lastGood.put(url, new KeySet(keys, nanoClock.getAsLong()));
                    return keys;
                })
                .onErrorResume(failure -> Mono.justOrEmpty(fallback(url, failure)));
    }

    private String fallback(String url, Throwable failure) {
        KeySet known = lastGood.get(url);
        if (known == null) {
            LOG.warn("JWKS {} could not be read ({}); no keys known yet", url, failure.toString());
            return null;
        }
        long age = nanoClock.getAsLong() - known.readAtNanos;
        if (age > maxStale.toNanos()) {
            LOG.error("JWKS {} could not be read ({}); the last key set read is {} s old, past AUTH_JWKS_MAX_STALE ({}):"
                    + " no keys are trusted until it answers", url, failure.toString(), age / 1_000_000_000L, maxStale);
            return null;
        }
        LOG.warn("JWKS {} could not be read ({}); keeping the last key set read ({} s ago)", url, failure.toString(),
                age / 1_000_000_000L);
        return known.json;
    }
}
