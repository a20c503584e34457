package io.chatsessions.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.chatsessions.security.JwksServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 7, against the local {@link JwksServer}: the JWKS fetch is bounded in size and in total time, keeps
 * the last good key set when an answer is unusable, and stops trusting that set after the maximum age.
 */
class ResilientJwksClientTest {

    private static RSAKey k1;
    private static RSAKey k2;
    private static ECKey ec1;
    private static JwksServer jwks;
    private final AtomicLong nanos = new AtomicLong();
    private ResilientJwksClient client;

    @BeforeAll
    static void keys() throws Exception {
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        ec1 = new ECKeyGenerator(Curve.P_256).keyID("ec1").generate();
        jwks = new JwksServer(List.of(k1));
    }

    @AfterAll
    static void stop() {
        jwks.close();
    }

    @BeforeEach
    void fresh() {
        jwks.publish(List.of(k1));
        jwks.drip(0);
        jwks.down(false);
        client = new ResilientJwksClient(Duration.ofSeconds(5), 64 * 1024, Duration.ofHours(1), nanos::get);
    }

    private Set<String> load() throws Exception {
        String json = Mono.from(client.load("default", jwks.url())).block(Duration.ofSeconds(30));
        return json == null ? null : JWKSet.parse(json).getKeys().stream().map(k -> k.getKeyID()).collect(Collectors.toSet());
    }

    @Test
    void anOversizedAnswerIsRefusedAndTheLastGoodKeysKept() throws Exception {
        assertEquals(Set.of("k1"), load());
        String padded = new JWKSet(List.of(k1.toPublicJWK(), k2.toPublicJWK())).toString(true);
        jwks.answer(padded.substring(0, padded.length() - 1) + ",\"padding\":\"" + "x".repeat(100 * 1024) + "\"}");
        assertEquals(Set.of("k1"), load(), "a 100 KiB answer over the 64 KiB cap must not replace the key set");
        jwks.publish(List.of(k1, k2));
        assertEquals(Set.of("k1", "k2"), load());
    }

    @Test
    void aDrippingAnswerTimesOutAsAWhole() throws Exception {
        assertEquals(Set.of("k1"), load());
        jwks.publish(List.of(k1, k2));
        jwks.drip(20); // ~1.6 KB at 50 bytes/s: headers at once, the body over half a minute
        long start = System.nanoTime();
        Set<String> keys = load();
        long took = System.nanoTime() - start;
        assertEquals(Set.of("k1"), keys, "the last good key set while the answer drips");
        assertTrue(took < Duration.ofSeconds(10).toNanos(), "the fetch took " + took / 1_000_000 + " ms (deadline 5 s)");
    }

    @Test
    void anUnparsableOrKeylessAnswerKeepsTheOldKeys() throws Exception {
        assertEquals(Set.of("k1"), load());
        for (String bad : List.of("{\"keys\": [ {\"kty\": \"RSA\", \"n\": ", "<html>Service Unavailable</html>", "{\"keys\": []}",
                "{\"keys\": \"none\"}", new JWKSet(List.of(new OctetSequenceKeyGenerator(256).keyID("oct").generate())).toString(false))) {
            jwks.answer(bad);
            assertEquals(Set.of("k1"), load(), "after answer " + bad.substring(0, Math.min(40, bad.length())));
        }
    }

    @Test
    void onlyRsaAndP256SigningKeysAreUsed() throws Exception {
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
        jwks.answer(new JWKSet(List.of(k1.toPublicJWK(), ec1.toPublicJWK(), oct, p384.toPublicJWK())).toString(false));
        assertEquals(Set.of("k1", "ec1"), load());
    }

    @Test
    void theLastGoodKeysAreTrustedOnlyUpToTheMaximumAge() throws Exception {
        assertEquals(Set.of("k1"), load());
        jwks.down(true);
        nanos.addAndGet(Duration.ofMinutes(59).toNanos());
        assertEquals(Set.of("k1"), load(), "within AUTH_JWKS_MAX_STALE the last good keys are used");
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertNull(load(), "past AUTH_JWKS_MAX_STALE no keys are trusted");
        jwks.down(false);
        assertEquals(Set.of("k1"), load(), "trusted again once the JWKS answers");
    }
}
