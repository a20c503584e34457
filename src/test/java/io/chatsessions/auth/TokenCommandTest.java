package io.chatsessions.auth;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.chatsessions.config.DurationConverter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCommandTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";

    @Test
    void printsATokenSignedWithTheSecret() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = TokenCommand.run(new String[]{"--user", "alice", "--ttl", "2h"},
                Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_ISSUER", "https://issuer.example"), new PrintStream(out), System.err);
        assertEquals(0, status);
        SignedJWT jwt = SignedJWT.parse(out.toString(StandardCharsets.UTF_8).trim());
        assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
        assertEquals("alice", jwt.getJWTClaimsSet().getSubject());
        assertEquals("https://issuer.example", jwt.getJWTClaimsSet().getIssuer());
    }

    @Test
    void refusesWithoutSecretOrUser() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertEquals(1, TokenCommand.run(new String[]{"--user", "alice"}, Map.of(), sink, sink));
        assertEquals(2, TokenCommand.run(new String[]{}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
        assertEquals(1, TokenCommand.run(new String[]{"--user", "a"}, Map.of("AUTH_JWT_SECRET", "short"), sink, sink));
    }

    @Test
    void refusesProductionSettingsUnlessToldItIsMeant() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        Map<String, String> kubernetes = Map.of("AUTH_JWT_SECRET", SECRET, "KUBERNETES_SERVICE_HOST", "10.0.0.1");
        assertEquals(1, TokenCommand.run(new String[]{"--user", "alice"}, kubernetes, sink, sink));
        assertEquals(0, TokenCommand.run(new String[]{"--user", "alice", "--i-know"}, kubernetes, sink, sink));
        Map<String, String> jwks = Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_JWKS_URL", "https://idp.example/jwks.json");
        assertEquals(1, TokenCommand.run(new String[]{"--user", "alice"}, jwks, sink, sink));
        assertEquals(1, TokenCommand.run(new String[]{"--user", "alice", "--i-know"}, jwks, sink, sink),
                "HS256 is off next to a JWKS: the service would refuse the token");
        Map<String, String> jwksAndHs256 = Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_JWKS_URL", "https://idp.example/jwks.json",
                "AUTH_HS256_ENABLED", "true");
        assertEquals(0, TokenCommand.run(new String[]{"--user", "alice", "--i-know"}, jwksAndHs256, sink, sink));
    }

    @Test
    void neverMintsPastTheLifetimeCap() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertEquals(2, TokenCommand.run(new String[]{"--user", "alice", "--ttl", "25h"}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
        assertEquals(2, TokenCommand.run(new String[]{"--user", "alice", "--ttl", "2h"},
                Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_MAX_TOKEN_TTL", "1h"), sink, sink));
        assertEquals(2, TokenCommand.run(new String[]{"--user", "alice", "--ttl", "0s"}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, TokenCommand.run(new String[]{"--user", "alice", "--ttl", "24h"}, Map.of("AUTH_JWT_SECRET", SECRET), new PrintStream(out), sink));
        var claims = SignedJWT.parse(out.toString(StandardCharsets.UTF_8).trim()).getJWTClaimsSet();
        assertEquals(Duration.ofHours(24).toMillis(), claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
    }

    @Test
    void parsesDurations() {
        assertEquals(Duration.ofMinutes(30), DurationConverter.parse("30m"));
        assertEquals(Duration.ofDays(7), DurationConverter.parse("7d"));
        assertEquals(Duration.ofHours(1), DurationConverter.parse("PT1H"));
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofSeconds(3), DurationConverter.parse("3"));
        for (String bad : new String[]{"", "1w", "h", "-1s", "PT", "99999999999999999999s"}) {
            assertThrows(IllegalArgumentException.class, () -> DurationConverter.parse(bad), bad);
        }
    }

    @Test
    void usageErrorsAreOneLineAndTheUsageExitTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertEquals(2, TokenCommand.run(new String[]{"--user", "alice", "--ttl", "soon"}, Map.of("AUTH_JWT_SECRET", SECRET), sink,
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("chat-sessions token: --ttl must look like 30m, 1h, 7d or PT1H\n"
                + "usage: chat-sessions token --user NAME [--ttl 1h] [--scope SCOPES] [--i-know]\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(2, TokenCommand.run(new String[]{"--user", "alice", "--bogus"}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
        assertEquals(2, TokenCommand.run(new String[]{"--user", "alice", "extra"}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
        assertEquals(2, TokenCommand.run(new String[]{"--user"}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
        assertEquals(2, TokenCommand.run(new String[]{"--user", " "}, Map.of("AUTH_JWT_SECRET", SECRET), sink, sink));
    }
}
