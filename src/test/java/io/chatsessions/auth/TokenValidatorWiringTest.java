package io.chatsessions.auth;

import com.nimbusds.jose.JWSAlgorithm;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.security.token.jwt.validator.AudienceJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ExpirationJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.IssuerJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.NotBeforeJwtClaimsValidator;
import io.micronaut.security.token.validator.TokenValidator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens must be checked by {@link CachingTokenValidator} alone (Micronaut's validator switched off, or every miss
 * would be checked twice), and with every claims validator the settings ask for.
 */
class TokenValidatorWiringTest {

    @Test
    void theCachingValidatorIsTheOnlyOneAndRunsEveryClaimsCheck() {
        var server = TestServer.start(Map.of("AUTH_ISSUER", "https://issuer.example", "AUTH_AUDIENCE", "chat"), Map.of());
        try {
            var context = server.getApplicationContext();
            var validators = context.getBeansOfType(TokenValidator.class);
            assertEquals(1, validators.size(), "token validators: " + validators);
            var validator = (CachingTokenValidator) validators.iterator().next();

            Set<Class<?>> claimsChecks = validator.claimsValidators().stream()
                    .map(Object::getClass).collect(Collectors.toSet());
            for (Class<?> required : Set.of(IssuerJwtClaimsValidator.class, AudienceJwtClaimsValidator.class)) {
                assertTrue(claimsChecks.contains(required), required.getSimpleName() + " missing from " + claimsChecks);
            }
            // exp and nbf: TokenLifetime checks them with the clock skew (TokenLifetimeTest), Micronaut's validators without.
            assertEquals(new TokenLifetime(Duration.ofHours(24), Duration.ofSeconds(30)), validator.lifetime());
            assertFalse(claimsChecks.contains(ExpirationJwtClaimsValidator.class) || claimsChecks.contains(NotBeforeJwtClaimsValidator.class));
            assertEquals(Set.of(JWSAlgorithm.HS256), validator.algorithms());
        } finally {
            server.getApplicationContext().close();
        }
    }

}
