package io.chatsessions.ratelimit;

import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 5 (throttle): requests with a bad token or none are limited per client address (here burst 10, one
 * more per 100 s), answered 429 + Retry-After problem+json once the burst is spent, while a valid user from the same address
 * keeps getting through and health stays unthrottled.
 */
class AnonymousRateLimitTest {

    private static final int BURST = 10;
    private static EmbeddedServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(), Map.of(
                "chat.rate-limit.enabled", true, "chat.rate-limit.requests-per-second", 1000, "chat.rate-limit.burst", 1000,
                "chat.rate-limit.anonymous.requests-per-second", 0.01, "chat.rate-limit.anonymous.burst", BURST));
    }

    @AfterAll
    static void stop() {
        server.getApplicationContext().close();
    }

    @Test
    void badTokensFromOneAddressGet429AfterTheBurstWhileAValidUserIsUnaffected() {
        Api bad = new Api(server.getURI(), Tokens.sign("another-secret-that-is-also-at-least-32-bytes-long", "mallory",
                Duration.ofHours(1), null, null));
        Api anonymous = new Api(server.getURI(), null);
        Api valid = new Api(server.getURI(), Tokens.sign(TestServer.SECRET, "alice-" + System.nanoTime(), Duration.ofHours(1), null, null));
        List<Integer> badStatuses = new ArrayList<>();
        List<Integer> validStatuses = new ArrayList<>();
        Api.Response limited = null;
        for (int i = 0; i < 4 * BURST; i++) {
            Api.Response response = (i % 2 == 0 ? bad : anonymous).get("/api/v1/sessions");
            badStatuses.add(response.status());
            if (response.status() == 429) {
                limited = response;
            }
            validStatuses.add(valid.get("/api/v1/sessions").status());
        }
        long refused = badStatuses.stream().filter(s -> s == 401).count();
        long throttled = badStatuses.stream().filter(s -> s == 429).count();
        assertEquals(4 * BURST, refused + throttled, "bad requests: " + badStatuses);
        assertTrue(refused >= BURST && refused <= BURST + 2, "about the burst answered 401 before 429: " + badStatuses);
        assertNotNull(limited, "no 429: " + badStatuses);
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1, "Retry-After: " + limited.header("Retry-After"));
        assertTrue(limited.header("Content-Type").startsWith("application/problem+json"), limited.header("Content-Type"));
        assertTrue(validStatuses.stream().noneMatch(s -> s == 429 || s == 401), "the valid user was limited: " + validStatuses);
        for (int i = 0; i < 5; i++) {
            int status = bad.send("GET", "/api/v1/sessions", null, Map.of("X-Forwarded-For", "203.0.113." + i)).status();
            assertEquals(429, status, "a forged X-Forwarded-For must not buy a fresh budget");
        }
        assertEquals(200, new Api(TestServer.managementUrl(server), null).get("/health/liveness").status(),
                "health (on the management port) is not throttled");
    }
}
