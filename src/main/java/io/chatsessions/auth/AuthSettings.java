package io.chatsessions.auth;

import io.chatsessions.config.MissingSettingException;
import io.chatsessions.config.SecurityProperties;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How tokens are checked: {@code AUTH_JWT_SECRET} (HS256) and/or {@code AUTH_JWKS_URL} (RS256 with RSA keys, ES256 with
 * EC P-256 keys); issuer and audience when set. With a JWKS URL, HS256 is off unless {@code AUTH_HS256_ENABLED=true}:
 * a shared secret next to the identity provider's keys would be a second, weaker way to mint tokens. {@code jwtSecret}
 * is the secret in effect (null when HS256 is off).
 */
public record AuthSettings(String jwtSecret, String jwksUrl, String issuer, String audience) implements SecurityProperties {

    /** Micronaut property read by {@link CachingTokenValidator}: the JWS algorithms these settings accept. */
    public static final String ACCEPTED_ALGORITHMS = "chat.auth.accepted-algorithms";

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
        String secret = blankToNull(env.get("AUTH_JWT_SECRET"));
        String jwks = blankToNull(env.get("AUTH_JWKS_URL"));
        String hs256Setting = blankToNull(env.get("AUTH_HS256_ENABLED"));
        if (secret == null && jwks == null) {
            throw new MissingSettingException("missing auth setting AUTH_JWT_SECRET (HS256, at least 32 bytes) or AUTH_JWKS_URL");
        }
        boolean hs256 = hs256Setting == null ? jwks == null : parseBoolean("AUTH_HS256_ENABLED", hs256Setting);
        if (hs256 && secret == null) {
            throw new MissingSettingException("missing auth setting AUTH_JWT_SECRET (AUTH_HS256_ENABLED=true needs it)");
        }
        if (!hs256 && jwks == null) {
            throw new MissingSettingException("missing auth setting AUTH_JWKS_URL (AUTH_HS256_ENABLED=false leaves no way to check tokens)");
        }
        return new AuthSettings(hs256 ? secret : null, jwks, blankToNull(env.get("AUTH_ISSUER")), blankToNull(env.get("AUTH_AUDIENCE")));
    }

    public static AuthSettings development() {
        return new AuthSettings(DEVELOPMENT_SECRET, null, null, null);
    }

    /** Micronaut Security properties for these settings. */
    @Override
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(ACCEPTED_ALGORITHMS, String.join(",", acceptedAlgorithms()));
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

    /** Pinned per key type: HS256 for the secret, RS256 for RSA and ES256 for EC P-256 keys of the JWKS. */
    public List<String> acceptedAlgorithms() {
        List<String> algorithms = new ArrayList<>();
        if (jwtSecret != null) {
            algorithms.add("HS256");
        }
        if (jwksUrl != null) {
            algorithms.add("RS256");
            algorithms.add("ES256");
        }
        return algorithms;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
