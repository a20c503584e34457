package io.chatsessions.auth;

import io.chatsessions.config.MissingSettingException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Issue 12 item 3: one trust path by default; HS256 next to a JWKS only when asked for. */
class AuthSettingsTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";
    private static final String JWKS = "https://idp.example/.well-known/jwks.json";

    @Test
    void aSecretAloneMeansHs256() {
        AuthSettings settings = AuthSettings.fromEnvironment(Map.of("AUTH_JWT_SECRET", SECRET));
        assertEquals(List.of("HS256"), settings.acceptedAlgorithms());
        assertEquals("HS256", settings.properties().get(AuthSettings.ACCEPTED_ALGORITHMS));
    }

    @Test
    void aJwksTurnsHs256OffUnlessEnabled() {
        AuthSettings both = AuthSettings.fromEnvironment(Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_JWKS_URL", JWKS));
        assertNull(both.jwtSecret());
        assertEquals(List.of("RS256", "ES256"), both.acceptedAlgorithms());
        assertFalse(both.properties().keySet().stream().anyMatch(k -> k.contains("signatures.secret")), both.properties().toString());

        AuthSettings enabled = AuthSettings.fromEnvironment(Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_JWKS_URL", JWKS, "AUTH_HS256_ENABLED", "true"));
        assertEquals(SECRET, enabled.jwtSecret());
        assertEquals(List.of("HS256", "RS256", "ES256"), enabled.acceptedAlgorithms());
    }

    @Test
    void inconsistentSettingsAreNamed() {
        assertThrows(MissingSettingException.class, () -> AuthSettings.fromEnvironment(Map.of("AUTH_JWKS_URL", JWKS, "AUTH_HS256_ENABLED", "true")));
        assertThrows(MissingSettingException.class, () -> AuthSettings.fromEnvironment(Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_HS256_ENABLED", "false")));
        assertThrows(IllegalArgumentException.class, () -> AuthSettings.fromEnvironment(Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_HS256_ENABLED", "yes")));
    }
}
