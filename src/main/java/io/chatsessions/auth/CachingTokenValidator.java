package io.chatsessions.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.generator.claims.JwtClaimsSetAdapter;
import io.micronaut.security.token.jwt.validator.ExpirationJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.JsonWebTokenParser;
import io.micronaut.security.token.jwt.validator.JwtAuthenticationFactory;
import io.micronaut.security.token.jwt.validator.NotBeforeJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenSignatureValidator;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Checks bearer tokens the way Micronaut's Nimbus validator does (signature, then every claims validator: issuer,
 * audience, subject), but on the calling event loop instead of a hop to the blocking pool, and remembers a token that
 * passed in a {@link TokenCache} (never past its {@code exp}). A chat client sends the same token on every call, so
 * the signature and claims are checked about once per token per interval instead of on every request; that is a
 * quarter of the CPU of an append, and what keeps a flooding user's 429s cheap. Micronaut's own validator is switched
 * off ({@code micronaut.security.token.jwt.nimbus.reactive-validator}).
 *
 * <p>Before anything else a token must have the one canonical compact-JWS shape and size ({@link TokenShape}), so
 * garbage costs a scan of at most {@code maxTokenBytes} characters and never reaches the parser or the cache. Then:
 * the header's {@code alg} must be one of the settings' algorithms (pinned per key type, see
 * {@link AuthSettings#acceptedAlgorithms()}), the time claims must pass {@link TokenLifetime} (with clock skew), the
 * remaining claims validators, and finally the signature.
 *
 * <p>The outcome is remembered on the request ({@link #OUTCOME}), so the client-address throttle, which validates
 * before Micronaut's security filter, and the security filter check a token once per request.
 */
@Singleton
public class CachingTokenValidator implements TokenValidator<HttpRequest<?>> {

    /** Request attribute holding the {@link Outcome} of this request's token check. */
    public static final String OUTCOME = "chat.auth.outcome";

    /** A token's check on one request: the authentication, or null when refused. */
    public record Outcome(String token, @Nullable Authentication authentication) {
    }

    private final JsonWebTokenParser<JWT> parser;
    private final ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures;
    private final List<GenericJwtClaimsValidator<Object>> claimsValidators;
    private final JwtAuthenticationFactory authentications;
    private final TokenCache cache;
    private final int maxTokenBytes;
    private final Set<JWSAlgorithm> algorithms;
    private final TokenLifetime lifetime;
    private final LongSupplier clock;

    @Inject
    public CachingTokenValidator(JsonWebTokenParser<JWT> parser,
                                 ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures,
                                 List<GenericJwtClaimsValidator<Object>> claimsValidators,
                                 JwtAuthenticationFactory authentications,
                                 TokenCache cache,
                                 @Value("${chat.auth.max-token-bytes:4096}") int maxTokenBytes,
                                 @Value("${" + AuthSettings.ACCEPTED_ALGORITHMS + ":}") String acceptedAlgorithms,
                                 @Value("${chat.auth.max-token-ttl:24h}") Duration maxTokenTtl,
                                 @Value("${chat.auth.clock-skew:30s}") Duration clockSkew) {
        this(parser, signatures, claimsValidators, authentications, cache, maxTokenBytes, acceptedAlgorithms,
                new TokenLifetime(maxTokenTtl, clockSkew), System::currentTimeMillis);
    }

    CachingTokenValidator(JsonWebTokenParser<JWT> parser,
                          ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures,
                          List<GenericJwtClaimsValidator<Object>> claimsValidators,
                          JwtAuthenticationFactory authentications,
                          TokenCache cache, int maxTokenBytes, String acceptedAlgorithms, TokenLifetime lifetime,
                          LongSupplier clock) {
        // TokenLifetime checks exp and nbf (with clock skew); Micronaut's validators would check them without.
        List<GenericJwtClaimsValidator<Object>> remaining = claimsValidators.stream()
                .filter(v -> !(v instanceof ExpirationJwtClaimsValidator) && !(v instanceof NotBeforeJwtClaimsValidator))
                .toList();
        if (remaining.isEmpty()) {
            // Without them a token without subject would pass: refuse to start rather than run open.
            throw new IllegalStateException("no JWT claims validators found");
        }
        if (maxTokenBytes <= 0) {
            throw new IllegalArgumentException("AUTH_MAX_TOKEN_BYTES must be positive");
        }
        this.parser = parser;
        this.signatures = signatures;
        this.claimsValidators = remaining;
        this.authentications = authentications;
        this.cache = cache;
        this.maxTokenBytes = maxTokenBytes;
        this.algorithms = Arrays.stream(acceptedAlgorithms.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                .map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
        this.lifetime = lifetime;
        this.clock = clock;
    }

    List<GenericJwtClaimsValidator<Object>> claimsValidators() {
        return claimsValidators;
    }

    TokenLifetime lifetime() {
        return lifetime;
    }

    Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        Optional<Outcome> known = request.getAttribute(OUTCOME, Outcome.class);
        if (known.isPresent() && known.get().token().equals(token)) {
            return Mono.justOrEmpty(known.get().authentication());
        }
        return check(token, request)
                .doOnNext(authentication -> request.setAttribute(OUTCOME, new Outcome(token, authentication)))
                .switchIfEmpty(Mono.fromRunnable(() -> request.setAttribute(OUTCOME, new Outcome(token, null))));
    }

    private Mono<Authentication> check(String token, HttpRequest<?> request) {
        if (!TokenShape.isCanonicalCompactJws(token, maxTokenBytes)) {
            return Mono.empty();
        }
        Authentication cached = cache.get(token);
        if (cached != null) {
            return Mono.just(cached);
        }
        Optional<JWT> parsed = parser.parse(token);
        if (parsed.isEmpty() || !(parsed.get() instanceof SignedJWT signed)
                || !algorithms.contains(signed.getHeader().getAlgorithm())) {
            return Mono.empty();
        }
        JWTClaimsSet claimsSet;
        try {
            claimsSet = signed.getJWTClaimsSet();
        } catch (ParseException unreadable) {
            return Mono.empty();
        }
        // Claims first: they cost nothing, and an expired or foreign token never reaches the key set.
        if (!lifetime.accepts(claimsSet, clock.getAsLong())) {
            return Mono.empty();
        }
        Claims claims = new JwtClaimsSetAdapter(claimsSet);
        for (GenericJwtClaimsValidator<Object> validator : claimsValidators) {
            if (!validator.validate(claims, request)) {
                return Mono.empty();
            }
        }
        return Mono.from(signatures.validateSignature(signed))
                .filter(Boolean::booleanValue)
                .flatMap(valid -> Mono.justOrEmpty(authentications.createAuthentication(signed)))
                .doOnNext(authentication -> cache.put(token, authentication, claimsSet.getExpirationTime()));
    }
}
