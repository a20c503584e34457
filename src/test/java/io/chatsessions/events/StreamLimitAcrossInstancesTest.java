package io.chatsessions.events;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.Api;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CHAT_EVENTS_MAX_STREAMS_PER_USER counts a user's streams on every instance (advisory locks on each instance's LISTEN
 * connection): the limit holds across two service processes, a closed stream frees its slot for the other instance,
 * and an instance killed with -9 frees all of its slots.
 */
class StreamLimitAcrossInstancesTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theLimitCountsTheStreamsOfEveryInstance() throws Exception {
        DatabaseSettings db = Servers.freshDatabase();
        Map<String, String> env = new HashMap<>(ServiceProcess.environment(db));
        env.put("CHAT_EVENTS_HEARTBEAT", "PT1S"); // a closed client is noticed at the next heartbeat
        env.put("CHAT_EVENTS_MAX_STREAMS_PER_USER", "2");
        try (ServiceProcess a = ServiceProcess.start("slots-a", ControllablePostgres.freePort(), env);
             ServiceProcess b = ServiceProcess.start("slots-b", ControllablePostgres.freePort(), env)) {
            a.awaitReady(Duration.ofSeconds(120));
            b.awaitReady(Duration.ofSeconds(120));
            String user = "slots-" + UUID.randomUUID();
            String token = Servers.token(user);
            String session = Api.forUser(b.url(), user).createSession("{}");
            URI onA = a.url().resolve("/api/v1/sessions/" + session + "/events");
            URI onB = b.url().resolve("/api/v1/sessions/" + session + "/events");

            SseClient first = SseClient.open(onA, token, Map.of());
            SseClient second = SseClient.open(onA, token, Map.of());
            assertEquals(200, first.status());
            assertEquals(200, second.status());
            assertEquals(429, statusOfOneMore(onB, token), "the third stream of the user, on the other instance");
            assertEquals(429, statusOfOneMore(onA, token), "the third stream of the user, on the same instance");
            String other = "slots-other-" + UUID.randomUUID();
            String otherSession = Api.forUser(b.url(), other).createSession("{}");
            try (SseClient others = SseClient.open(b.url().resolve("/api/v1/sessions/" + otherSession + "/events"),
                    Servers.token(other), Map.of())) {
                assertEquals(200, others.status(), "another user's streams are counted apart");
            }

            first.close();
            SseClient onBAfterClose = openWithin(onB, token, "a stream closed on A frees its slot for B");
            assertEquals(429, statusOfOneMore(onB, token), "A's second stream and B's still hold both slots");

            a.kill();
            SseClient onBAfterKill = openWithin(onB, token, "a killed instance frees its slots");
            assertEquals(429, statusOfOneMore(onB, token), "now B holds both slots");
            onBAfterClose.close();
            onBAfterKill.close();
            second.close();
        }
    }

    private static int statusOfOneMore(URI events, String token) {
        try (SseClient stream = SseClient.open(events, token, Map.of())) {
            return stream.status();
        }
    }

    /** Opens a stream, retrying while it is refused with 429, until WAIT has passed. */
    private static SseClient openWithin(URI events, String token, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            SseClient stream = SseClient.open(events, token, Map.of());
            if (stream.status() == 200) {
                return stream;
            }
            stream.close();
            assertEquals(429, stream.status(), what + ": refused for another reason");
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": still 429 after " + WAIT);
            }
            Thread.sleep(100); // poll interval, not a synchronisation: the deadline above bounds the wait
        }
    }
}
