package io.chatsessions.events;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestSql;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two service processes on one database: a client streaming from A sees what is written through B (LISTEN/NOTIFY),
 * in order, resumes with Last-Event-ID after a disconnect, 50 streams at once get one write, and kill -9 of B mid-stream
 * loses no acknowledged update (the feed's heartbeat re-read heals a notification that was never sent).
 */
class EventsAcrossInstancesTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aClientOnOneInstanceSeesWritesThroughTheOther() throws Exception {
        DatabaseSettings db = Servers.freshDatabase();
        Map<String, String> env = new HashMap<>(ServiceProcess.environment(db));
        env.put("CHAT_EVENTS_HEARTBEAT", "PT1S");
        env.put("CHAT_EVENTS_MAX_STREAMS_PER_USER", "100");
        env.put("SHUTDOWN_GRACE_PERIOD", "30s");
        try (ServiceProcess a = ServiceProcess.start("events-a", ControllablePostgres.freePort(), env);
             ServiceProcess b = ServiceProcess.start("events-b", ControllablePostgres.freePort(), env)) {
            a.awaitReady(Duration.ofSeconds(120));
            b.awaitReady(Duration.ofSeconds(120));
            String user = "events-" + UUID.randomUUID();
            Api viaB = Api.forUser(b.url(), user);
            String token = Servers.token(user);
            String session = viaB.createSession("{}");
            URI events = a.url().resolve("/api/v1/sessions/" + session + "/events");

            // 1. created, updated x5, completed, in order, for writes through B
            try (SseClient stream = SseClient.open(events, token, Map.of())) {
                assertEquals(200, stream.status());
                String id = stream(viaB, session, 5, true);
                List<SseClient.Event> got = messageEvents(stream, "1.7");
                assertInOrder(got);
                assertEquals("message.completed", got.get(got.size() - 1).name());
                System.out.printf("one answer streamed through B (7 versions): the client on A got %s%n",
                        got.stream().map(e -> e.id() + " " + e.name()).toList());
                assertEquals(Json.parse(viaB.get("/api/v1/sessions/" + session + "/messages/" + id).expect(200).bytes()),
                        Json.parse(got.get(got.size() - 1).data()));
            }

            // 2. resume after a disconnect: the snapshot from Last-Event-ID, then live; nothing missing, the last seen at most repeated
            String second;
            String lastSeen;
            try (SseClient stream = SseClient.open(events, token, Map.of())) {
                second = (String) viaB.appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").get("id");
                patch(viaB, session, second, "{\"content\":\"Lis\"}");
                List<SseClient.Event> before = messageEvents(stream, "2.2");
                lastSeen = before.get(before.size() - 1).id();
            }
            patch(viaB, session, second, "{\"content\":\"Lisbon\"}");                       // 2.3 while disconnected
            try (SseClient resumed = SseClient.open(events, token, Map.of("Last-Event-ID", lastSeen))) {
                patch(viaB, session, second, "{\"content\":\"Lisbon.\",\"status\":\"completed\",\"finish_reason\":\"stop\"}"); // 2.4
                List<SseClient.Event> after = messageEvents(resumed, "2.4");
                List<String> ids = after.stream().map(SseClient.Event::id).toList();
                assertEquals("2.3", ids.get(0), "the snapshot: the state reached while disconnected, got " + ids);
                assertInOrder(after);
            }

            // 3. 50 concurrent streams on A, one write through B: all 50 have it
            List<SseClient> many = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    many.add(SseClient.open(events, token, Map.of()));
                }
                long written = System.nanoTime();
                viaB.appendMessage(session, "{\"role\":\"user\",\"content\":\"to all\"}");
                ExecutorService readers = Executors.newFixedThreadPool(8);
                List<Future<Long>> arrivals = new ArrayList<>();
                for (SseClient client : many) {
                    arrivals.add(readers.submit(() -> {
                        client.next(e -> "3.1".equals(e.id()) && e.name().equals("message.created"), WAIT);
                        return System.nanoTime() - written;
                    }));
                }
                List<Long> millis = new ArrayList<>();
                for (Future<Long> arrival : arrivals) {
                    millis.add(TimeUnit.NANOSECONDS.toMillis(arrival.get(30, TimeUnit.SECONDS)));
                }
                readers.shutdown();
                millis.sort(null);
                System.out.printf("50 streams on A, one append through B: all had it, p50 %d ms, max %d ms%n",
                        millis.get(24), millis.get(49));
            } finally {
                many.forEach(SseClient::close);
            }

            // 4. kill -9 of B mid-stream: every update B acknowledged reaches the client on A
            try (SseClient stream = SseClient.open(events, token, Map.of())) {
                String third = (String) viaB.appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").get("id");
                int acknowledged = 1;
                for (int i = 0; i < 20; i++) {
                    Api.Response patched = viaB.patch("/api/v1/sessions/" + session + "/messages/" + third, "{\"content\":\"t" + i + "\"}");
                    if (patched.status() == 200) {
                        acknowledged = Json.parse(patched.bytes()).get("version").asInt();
                    }
                    if (i == 10) {
                        b.kill();
                        break;
                    }
                }
                String lastAcknowledged = "4." + acknowledged;
                messageEvents(stream, lastAcknowledged);

                // a change committed with no notification at all (a pod that died between commit and notify)
                try (java.sql.Connection sql = TestSql.connect(db);
                     java.sql.PreparedStatement update = sql.prepareStatement("UPDATE chat.messages SET content = 'healed', version = version + 1 WHERE id = ?::uuid")) {
                    update.setString(1, third);
                    update.executeUpdate();
                }
                String healedId = "4." + (acknowledged + 1);
                SseClient.Event healed = stream.next(e -> e.name().startsWith("message.") && healedId.equals(e.id()), Duration.ofSeconds(10));
                assertEquals("healed", Json.parse(healed.data()).get("content").asText());
            }

            // 5. SIGTERM of A: readiness DOWN first while the stream still runs, then the stream ends (long before the
            //    grace period), so its client reconnects to another instance
            try (SseClient stream = SseClient.open(events, token, Map.of())) {
                assertEquals(200, stream.status());
                Http http = new Http();
                long terminated = System.nanoTime();
                a.terminate();
                long deadline = terminated + Duration.ofSeconds(10).toNanos();
                int readiness = 200;
                while (readiness == 200 && System.nanoTime() < deadline) {
                    readiness = http.get(a.managementUrl().resolve("/health/readiness"), null, Duration.ofSeconds(2)).status();
                }
                assertEquals(503, readiness, "readiness goes DOWN on SIGTERM");
                assertTrue(stream.seen().stream().noneMatch(SseClient.Event::isEnd), "the stream was still open when readiness went DOWN");
                stream.next(SseClient.Event::isEnd, Duration.ofSeconds(15));
                long endedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminated);
                System.out.printf("SIGTERM: readiness DOWN, then the stream ended %d ms after the signal (grace period 30 s)%n", endedAfter);
                assertTrue(endedAfter < 15_000, "the stream ended " + endedAfter + " ms after SIGTERM");
            }
        }
    }

    private static String stream(Api api, String session, int patches, boolean complete) {
        Api.Response created = api.post("/api/v1/sessions/" + session + "/messages", "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").expect(201);
        String id = (String) created.json().get("id");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= patches; i++) {
            text.append("part").append(i).append(' ');
            api.patch("/api/v1/sessions/" + session + "/messages/" + id, "{\"content\":\"" + text + "\"}",
                    Map.of("Content-Type", "application/merge-patch+json", "If-Match", "\"" + i + "\"")).expect(200);
        }
        if (complete) {
            patch(api, session, id, "{\"status\":\"completed\",\"finish_reason\":\"stop\"}");
        }
        return id;
    }

    private static void patch(Api api, String session, String id, String body) {
        api.patch("/api/v1/sessions/" + session + "/messages/" + id, body).expect(200);
    }

    /**
     * Each event's name follows from its data, and versions only grow. Events coalesce (notifications carry ids, the
     * feed reads the row as it is), so an intermediate version committed just before the next may be skipped; a
     * PATCH carries the whole text so far, so the client's text is never short of an acknowledged update.
     */
    private static void assertInOrder(List<SseClient.Event> events) {
        int previous = 0;
        for (SseClient.Event event : events) {
            var data = Json.parse(event.data());
            int version = data.get("version").asInt();
            assertEquals(data.get("seq").asInt() + "." + version, event.id());
            assertTrue(version > previous, "versions grow: " + events.stream().map(SseClient.Event::id).toList());
            previous = version;
            String expected = version == 1 ? "message.created"
                    : "in_progress".equals(data.get("status").asText()) ? "message.updated" : "message.completed";
            assertEquals(expected, event.name(), event.toString());
        }
    }

    /** Message events until the one with this id (inclusive). */
    private static List<SseClient.Event> messageEvents(SseClient stream, String untilId) {
        List<SseClient.Event> got = new ArrayList<>();
        while (got.isEmpty() || !untilId.equals(got.get(got.size() - 1).id())) {
            got.add(stream.next(e -> e.name().startsWith("message.") || e.isEnd(), WAIT));
        }
        return got;
    }
}
