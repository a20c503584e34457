package io.chatsessions.auth;

import io.chatsessions.config.MissingSettingException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** How tokens are checked: {@code AUTH_JWT_SECRET} (HS256) and/or {@code AUTH_JWKS_URL}; issuer and audience when set. */
public record AuthSettings(String jwtSecret, String jwksUrl, String issuer, String audience) {

    public static final int MIN_SECRET_BYTES = 32;
    /** How long Micronaut keeps a JWKS key set before asking {@link ResilientJwkSetFetcher} again. */
    public static final int JWKS_REFRESH_SECONDS = 5;
    /** Used only by `./mvnw mn:run` with no settings; the packaged jar never falls back to it. */
    public static final String DEVELOPMENT_SECRET = "chat-sessions-local-development-secret-not-for-production";

    public AuthSettings {
        if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("AUTH_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
        }
    }

    public static AuthSettings fromEnvironment(Map<String, String> env) {
        AuthSettings settings = new AuthSettings(blankToNull(env.get("AUTH_JWT_SECRET")), blankToNull(env.get("AUTH_JWKS_URL")),
                blankToNull(env.get("AUTH_ISSUER")), blankToNull(env.get("AUTH_AUDIENCE")));
        if (settings.jwtSecret == null && settings.jwksUrl == null) {
            throw new MissingSettingException("missing auth setting AUTH_JWT_SECRET (HS256, at least 32 bytes) or AUTH_JWKS_URL");
        }
        return settings;
    }

    public static AuthSettings development() {
        return new AuthSettings(DEVELOPMENT_SECRET, null, null, null);
    }

    /** Micronaut Security properties for these settings. */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (jwtSecret != null) {
            properties.put("micronaut.security.token.jwt.signatures.secret.generator.secret", jwtSecret);
            properties.put("micronaut.security.token.jwt.signatures.secret.generator.jws-algorithm", "HS256");
        }
        if (jwksUrl != null) {
            properties.put("micronaut.security.token.jwt.signatures.jwks.default.url", jwksUrl);
            properties.put("micronaut.security.token.jwt.signatures.jwks.default.cache-expiration", JWKS_REFRESH_SECONDS);
        }
        if (issuer != null) {
            properties.put("micronaut.security.token.jwt.claims-validators.issuer", issuer);
        }
        if (audience != null) {
            properties.put("micronaut.security.token.jwt.claims-validators.audience", audience);
        }
        return properties;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
