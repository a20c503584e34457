package io.chatsessions.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Signs HS256 tokens for local use (the `token` command and the development banner). */
public final class Tokens {

    private Tokens() {
    }

    public static String sign(String secret, String subject, Duration ttl, String issuer, String audience) {
        return sign(secret, subject, ttl, issuer, audience, null);
    }

    /** With a {@code scope} claim (space-separated) when {@code scope} is not null, e.g. the operators' scope. */
    public static String sign(String secret, String subject, Duration ttl, String issuer, String audience, String scope) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        if (scope != null) {
            claims.claim("scope", scope);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign token: " + e.getMessage(), e);
        }
    }
}
