package io.chatsessions.auth;

import io.chatsessions.testsupport.TestServer;
import io.micronaut.security.token.jwt.signature.jwks.JwksClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Micronaut must load JWKS through {@link ResilientJwksClient}, or cached keys would not survive an outage. */
class JwksClientWiringTest {

    @Test
    void theResilientClientIsTheOnlyOne() {
        var server = TestServer.start(Map.of("AUTH_JWKS_URL", "http://127.0.0.1:1/jwks.json"), Map.of());
        try {
            var fetchers = server.getApplicationContext().getBeansOfType(JwksClient.class);
            System.out.println("JWKS clients: " + fetchers.stream().map(f -> f.getClass().getName()).toList());
            assertEquals(1, fetchers.size());
            assertEquals(ResilientJwksClient.class, fetchers.iterator().next().getClass());
        } finally {
            server.getApplicationContext().close();
        }
    }
}
