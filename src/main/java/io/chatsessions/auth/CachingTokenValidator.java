package io.chatsessions.auth;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.generator.claims.JwtClaimsSetAdapter;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.JsonWebTokenParser;
import io.micronaut.security.token.jwt.validator.JwtAuthenticationFactory;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenSignatureValidator;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Checks bearer tokens the way Micronaut's Nimbus validator does (signature, then every claims validator: expiry,
 * not-before, issuer, audience, subject), but on the calling event loop instead of a hop to the blocking pool, and
 * remembers a token that passed in a {@link TokenCache} (never past its {@code exp}). A chat client
 * sends the same token on every call, so the signature and claims are checked about once per token per interval
 * instead of on every request; that is a quarter of the CPU of an append, and what keeps a flooding user's 429s
 * cheap. Micronaut's own validator is switched off ({@code micronaut.security.token.jwt.nimbus.reactive-validator}).
 */
@Singleton
public class CachingTokenValidator implements TokenValidator<HttpRequest<?>> {

    private final JsonWebTokenParser<JWT> parser;
    private final ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures;
    private final List<GenericJwtClaimsValidator<Object>> claimsValidators;
    private final JwtAuthenticationFactory authentications;
    private final TokenCache cache;

    public CachingTokenValidator(JsonWebTokenParser<JWT> parser,
                                 ReactiveJsonWebTokenSignatureValidator<SignedJWT> signatures,
                                 List<GenericJwtClaimsValidator<Object>> claimsValidators,
                                 JwtAuthenticationFactory authentications,
                                 TokenCache cache) {
        if (claimsValidators.isEmpty()) {
            // Without them an expired token would pass: refuse to start rather than run open.
            throw new IllegalStateException("no JWT claims validators found");
        }
        this.parser = parser;
        this.signatures = signatures;
        this.claimsValidators = claimsValidators;
        this.authentications = authentications;
        this.cache = cache;
    }

    List<GenericJwtClaimsValidator<Object>> claimsValidators() {
        return claimsValidators;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        Authentication known = cache.get(token);
        if (known != null) {
            return Mono.just(known);
        }
        Optional<JWT> parsed = parser.parse(token);
        if (parsed.isEmpty() || !(parsed.get() instanceof SignedJWT signed)) {
            return Mono.empty();
        }
        JWTClaimsSet claimsSet;
        try {
            claimsSet = signed.getJWTClaimsSet();
        } catch (ParseException unreadable) {
            return Mono.empty();
        }
        Claims claims = new JwtClaimsSetAdapter(claimsSet);
        Date expiresAt = claimsSet.getExpirationTime();
        // Claims first: they cost nothing, and an expired or foreign token never reaches the key set.
        for (GenericJwtClaimsValidator<Object> validator : claimsValidators) {
            if (!validator.validate(claims, request)) {
                return Mono.empty();
            }
        }
        return Mono.from(signatures.validateSignature(signed))
                .filter(Boolean::booleanValue)
                .flatMap(valid -> Mono.justOrEmpty(authentications.createAuthentication(signed)))
                .doOnNext(authentication -> cache.put(token, authentication, expiresAt));
    }
}
