package io.chatsessions.auth;

import io.chatsessions.testsupport.TestServer;
import io.micronaut.security.token.jwt.validator.AudienceJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ExpirationJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.IssuerJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.NotBeforeJwtClaimsValidator;
import io.micronaut.security.token.validator.TokenValidator;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
            for (Class<?> required : Set.of(ExpirationJwtClaimsValidator.class, NotBeforeJwtClaimsValidator.class,
                    IssuerJwtClaimsValidator.class, AudienceJwtClaimsValidator.class)) {
                assertTrue(claimsChecks.contains(required), required.getSimpleName() + " missing from " + claimsChecks);
            }
        } finally {
            server.getApplicationContext().close();
        }
    }

}
