package io.chatsessions.auth;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void parsesDurations() {
        assertEquals(Duration.ofMinutes(30), TokenCommand.parseDuration("30m"));
        assertEquals(Duration.ofDays(7), TokenCommand.parseDuration("7d"));
        assertEquals(Duration.ofHours(1), TokenCommand.parseDuration("PT1H"));
    }
}
