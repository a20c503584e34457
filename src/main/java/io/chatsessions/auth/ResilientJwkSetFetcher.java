package io.chatsessions.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.security.token.jwt.signature.jwks.JwkSetFetcher;
import io.micronaut.security.token.jwt.signature.jwks.JwksClient;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads JWKS key sets for token checks. Micronaut asks again every {@link AuthSettings#JWKS_REFRESH_SECONDS} seconds
 * (so a newly published key is accepted within seconds, without a restart); when the JWKS endpoint is down or slow,
 * this answers with the last key set it read instead of none, so tokens signed by known keys keep working.
 */
@Singleton
@Replaces(JwkSetFetcher.class)
public class ResilientJwkSetFetcher implements JwkSetFetcher<JWKSet> {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientJwkSetFetcher.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(2);

    private final JwksClient client;
    private final ConcurrentHashMap<String, JWKSet> lastGood = new ConcurrentHashMap<>();

    public ResilientJwkSetFetcher(JwksClient client) {
        this.client = client;
    }

    @Override
    public Optional<JWKSet> fetch(String url) {
        return Mono.from(fetch(null, url)).blockOptional();
    }

    @Override
    public Publisher<JWKSet> fetch(String providerName, String url) {
        if (url == null) {
            return Mono.empty();
        }
        return Mono.from(client.load(providerName, url))
                .timeout(LOAD_TIMEOUT)
                .map(ResilientJwkSetFetcher::parse)
                .doOnNext(keys -> lastGood.put(url, keys))
                .onErrorResume(failure -> {
                    JWKSet known = lastGood.get(url);
                    LOG.warn("JWKS {} could not be read ({}); {}", url, failure.toString(),
                            known == null ? "no keys known yet" : "keeping the last key set read");
                    return Mono.justOrEmpty(known);
                })
                .switchIfEmpty(Mono.defer(() -> Mono.justOrEmpty(lastGood.get(url))));
    }

    @Override
    public void clearCache(String url) {
        // the last good key set is the fallback for outages; it is replaced by the next successful read
    }

    private static JWKSet parse(String json) {
        try {
            return JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("not a JSON Web Key Set", e);
        }
    }
}
