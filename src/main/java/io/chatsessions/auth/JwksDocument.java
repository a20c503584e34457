package io.chatsessions.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;

/**
 * The keys of a JWKS answer this service may use, pinned per key type: RSA keys (for RS256) and EC P-256 keys (for
 * ES256), for signatures, whose {@code alg}, if given, is that algorithm. Symmetric ({@code oct}) keys and every other
 * type or curve are dropped, so no JWKS entry can make an HS256 or cross-type token verify.
 */
final class JwksDocument {

    private JwksDocument() {
    }

    /** The usable public keys as a JWKS document; throws when the body is not a JWKS or holds no usable key. */
    static String usableKeys(byte[] body) {
        JWKSet set;
        try {
            set = JWKSet.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IllegalStateException("not a JWKS document: " + e.getMessage());
        }
        List<JWK> usable = set.getKeys().stream().filter(JwksDocument::usable).map(JWK::toPublicJWK).toList();
        if (usable.isEmpty()) {
            throw new IllegalStateException("no RSA or EC P-256 signing key among " + set.getKeys().size() + " keys");
        }
        return new JWKSet(usable).toString(true);
    }

    private static boolean usable(JWK key) {
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return false;
        }
        if (key instanceof RSAKey) {
            return key.getAlgorithm() == null || JWSAlgorithm.RS256.equals(key.getAlgorithm());
        }
        if (key instanceof ECKey ec) {
            return Curve.P_256.equals(ec.getCurve()) && (key.getAlgorithm() == null || JWSAlgorithm.ES256.equals(key.getAlgorithm()));
        }
        return false;
    }
}
