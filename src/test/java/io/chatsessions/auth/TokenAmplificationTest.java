package io.chatsessions.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;

import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 1, the reproduction scaled down: one valid HS256 token sent in many spellings (a different run of
 * characters outside the base64url alphabet inside its signature, which the JOSE library skips) must be refused every
 * time and must not grow the token cache; over-long tokens are refused before parsing. The per-user rate limit is on,
 * as in production: before the fix most of these were answered 429 and cached anyway.
 */
class TokenAmplificationTest {

    private static final int SPELLINGS = 2_000;
    private static EmbeddedServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(), Map.of("chat.rate-limit.enabled", true, "chat.rate-limit.anonymous.enabled", false));
    }

    @AfterAll
    static void stop() {
        server.getApplicationContext().close();
    }

    private static TokenCache cache() {
        return server.getApplicationContext().getBean(TokenCache.class);
    }

    @Test
    void oneTokenInManySpellingsIsRefusedAndNeverCached() {
        String user = "amplify-" + System.nanoTime();
        String valid = Tokens.sign(TestServer.SECRET, user, Duration.ofHours(1), null, null);
        assertAuthenticated(new Api(server.getURI(), valid).get("/api/v1/sessions"));
        long cachedBefore = cache().size();
        int lastDot = valid.lastIndexOf('.');
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < SPELLINGS; i++) {
            String spelling = valid.substring(0, lastDot + 5) + noise(i) + valid.substring(lastDot + 5);
            int status = new Api(server.getURI(), spelling).get("/api/v1/sessions").status();
            statuses.merge(status, 1, Integer::sum);
        }
        assertEquals(Map.of(401, SPELLINGS), statuses, "statuses of " + SPELLINGS + " spellings of one token");
        assertEquals(cachedBefore, cache().size(), "the token cache grew");
    }

    @Test
    void aTokenOverTheSizeLimitIsRefused() throws Exception {
        String user = "big-" + System.nanoTime();
        String fits = signedWithPadding(user, 2_500);
        String tooBig = signedWithPadding(user, 3_800);
        assertTrue(fits.length() < 4096 && tooBig.length() > 5_000, fits.length() + " / " + tooBig.length());
        assertAuthenticated(new Api(server.getURI(), fits).get("/api/v1/sessions"));
        assertUnauthorized(new Api(server.getURI(), tooBig).get("/api/v1/sessions"));
    }

    /** Past authentication: 200, or 503 when the shared test machine's database is too slow for the deadline. */
    private static void assertAuthenticated(Api.Response response) {
        assertTrue(response.status() == 200 || response.status() == 503, "expected 200, got " + response.status() + ": " + response.body());
    }

    /** A run of 40 characters from {@code !~*$} that differs for every i. */
    private static String noise(int i) {
        String alphabet = "!~*$";
        StringBuilder run = new StringBuilder();
        for (int k = 0, n = i; k < 40; k++, n /= 4) {
            run.append(alphabet.charAt(n % 4));
        }
        return run.toString();
    }

    private static String signedWithPadding(String user, int paddingChars) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user).claim("padding", "p".repeat(paddingChars))
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(TestServer.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
