package io.chatsessions.auth;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Duration;
import java.util.Date;

/**
 * The time claims, checked with a small clock skew: {@code exp} is required (a token without one would be valid
 * forever), {@code nbf} and {@code iat} must not be in the future, and the lifetime is capped: {@code exp - iat}, or
 * {@code exp - now} when there is no {@code iat} (then plus the skew, for an issuer whose clock runs ahead), must not
 * exceed {@code maxTtl}. Replaces Micronaut's expiry and not-before validators, which allow no skew.
 */
public record TokenLifetime(Duration maxTtl, Duration clockSkew) {

    public TokenLifetime {
        if (maxTtl.isNegative() || maxTtl.isZero() || clockSkew.isNegative()) {
            throw new IllegalArgumentException("AUTH_MAX_TOKEN_TTL must be positive and AUTH_CLOCK_SKEW not negative");
        }
    }

    public boolean accepts(JWTClaimsSet claims, long nowMillis) {
        Date expiresAt = claims.getExpirationTime();
        if (expiresAt == null) {
            return false;
        }
        long skew = clockSkew.toMillis();
        long exp = expiresAt.getTime();
        if (nowMillis > exp + skew) {
            return false;
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.getTime() > nowMillis + skew) {
            return false;
        }
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null) {
            return issuedAt.getTime() <= nowMillis + skew && exp - issuedAt.getTime() <= maxTtl.toMillis();
        }
        return exp - nowMillis <= maxTtl.toMillis() + skew;
    }
}
