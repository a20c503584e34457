package io.chatsessions.events;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chatsessions.db.SessionChanges;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /sessions/{id}/events: auth, the per-user limit, the snapshot rules, event ids and data, heartbeats, deletion. */
@MicronautTest(transactional = false)
@Property(name = "chat.events.heartbeat", value = "PT0.5S")
@Property(name = "chat.events.max-streams-per-user", value = "3")
class EventsApiTest implements ApiSuite {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    SessionChanges changes;

    static String events(String session) {
        return "/api/v1/sessions/" + session + "/events";
    }

    static String message(String session, Object id) {
        return "/api/v1/sessions/" + session + "/messages/" + id;
    }

    private static SseClient open(TestUser user, String path) {
        return open(user, path, Map.of());
    }

    private static SseClient open(TestUser user, String path, Map<String, String> headers) {
        SseClient client = SseClient.open(TestServer.url().resolve(path), token(user), headers);
        assertEquals(200, client.status(), "the stream opens");
        assertTrue(client.header("Content-Type").startsWith("text/event-stream"), client.header("Content-Type"));
        return client;
    }

    private static String token(TestUser user) {
        return io.chatsessions.auth.Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null);
    }

    private static String inProgress(TestUser user, String session, String content) {
        return (String) user.api().appendMessage(session, "{\"role\":\"assistant\",\"content\":\"" + content + "\",\"status\":\"in_progress\"}").get("id");
    }

    private static String completed(TestUser user, String session, String content) {
        return (String) user.api().appendMessage(session, "{\"role\":\"user\",\"content\":\"" + content + "\"}").get("id");
    }

    /** A streamed update as the lifecycle PATCH will make it, by SQL, then told to the feeds as the services do. */
    private void update(String messageId, String session, String content, String status) {
        TestSql.execute("UPDATE chat.messages SET content = ?, status = ?, version = version + 1, updated_at = clock_timestamp(), "
                + "completed_at = CASE WHEN ? = 'in_progress' THEN NULL ELSE clock_timestamp() END WHERE id = ?::uuid",
                content, status, status, messageId);
        if (!"in_progress".equals(status)) {
            // completion also bumps the session, as the contract's PATCH does
            TestSql.execute("UPDATE chat.sessions SET version = version + 1, updated_at = clock_timestamp() WHERE id = ?::uuid", session);
        }
        changes.changed(UUID.fromString(session));
    }

    @Test
    void withoutATokenIs401AndAnotherUsersSessionIs404LikeAMissingOne() {
        TestUser owner = TestUser.create();
        String session = owner.api().createSession("{}");
        new Api(TestServer.url(), null).get(events(session)).expect(401);
        TestUser other = TestUser.create();
        Api.Response foreign = other.api().get(events(session)).expectProblem(404, "urn:chat-sessions:problem:not-found");
        Api.Response missing = other.api().get(events(UUID.randomUUID().toString())).expect(404);
        assertEquals(Json.parse(missing.bytes()).get("detail"), Json.parse(foreign.bytes()).get("detail"));
        other.api().get(events("not-a-uuid")).expect(400);
        other.api().get(events(session) + "?after_seq=-1").expect(400);
    }

    @Test
    void liveEventsCarryTheMessageJsonOfAGetWithSeqDotVersionIds() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        try (SseClient stream = open(user, events(session))) {
            String id = inProgress(user, session, "");
            SseClient.Event created = stream.next(e -> e.name().startsWith("message."), WAIT);
            assertEquals("message.created", created.name());
            assertEquals("1.1", created.id());
            update(id, session, "Lis", "in_progress");
            SseClient.Event updated = stream.next(e -> e.name().startsWith("message."), WAIT);
            assertEquals("message.updated", updated.name());
            assertEquals("1.2", updated.id());
            assertEquals("Lis", Json.parse(updated.data()).get("content").asText());
            update(id, session, "Lisbon.", "completed");
            SseClient.Event done = stream.next(e -> e.name().startsWith("message."), WAIT);
            assertEquals("message.completed", done.name());
            assertEquals("1.3", done.id());
            assertEquals(Json.parse(user.api().get(message(session, id)).expect(200).bytes()), Json.parse(done.data()),
                    "the event's data is the message JSON a GET returns");
            SseClient.Event sessionUpdated = stream.next(e -> e.name().equals("session.updated"), WAIT);
            assertEquals(Json.parse(user.api().get("/api/v1/sessions/" + session).expect(200).bytes()).get("id"),
                    Json.parse(sessionUpdated.data()).get("id"));
        }
    }

    @Test
    void theSnapshotHoldsTheMessagesAboveAfterSeqAndEveryMessageInProgress() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String streaming = inProgress(user, session, "partial");      // seq 1, in progress
        completed(user, session, "two");                                // seq 2
        completed(user, session, "three");                              // seq 3
        completed(user, session, "four");                               // seq 4

        try (SseClient byDefault = open(user, events(session))) {
            assertEquals(List.of("1.1"), ids(byDefault.drain(Duration.ofMillis(300))), "default: only the one in progress");
        }
        try (SseClient after2 = open(user, events(session) + "?after_seq=2")) {
            assertEquals(List.of("1.1", "3.1", "4.1"), ids(after2.drain(Duration.ofMillis(300))));
        }
        try (SseClient resumed = open(user, events(session), Map.of("Last-Event-ID", "3.1"))) {
            assertEquals(List.of("1.1", "4.1"), ids(resumed.drain(Duration.ofMillis(300))), "the seq part of Last-Event-ID");
        }
        try (SseClient both = open(user, events(session) + "?after_seq=0", Map.of("Last-Event-ID", "3.1"))) {
            assertEquals(List.of("1.1", "2.1", "3.1", "4.1"), ids(both.drain(Duration.ofMillis(300))), "after_seq wins");
        }
        update(streaming, session, "partial answer", "completed");
        try (SseClient later = open(user, events(session))) {
            assertEquals(List.of(), ids(later.drain(Duration.ofMillis(300))), "nothing in progress any more");
        }
    }

    @Test
    void aSnapshotAndTheLiveEventsAfterItSendEachStateOnce() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String id = inProgress(user, session, "a");
        try (SseClient stream = open(user, events(session) + "?after_seq=0")) {
            for (int i = 0; i < 5; i++) {
                update(id, session, "a" + i, "in_progress");
            }
            update(id, session, "done", "completed");
            List<String> got = new ArrayList<>();
            while (!got.contains("1.7")) {
                got.add(stream.next(e -> e.name().startsWith("message."), WAIT).id());
            }
            assertEquals(got.stream().distinct().toList(), got, "no state twice: " + got);
            List<Integer> versions = got.stream().map(v -> Integer.parseInt(v.substring(2))).toList();
            assertEquals(versions.stream().sorted().toList(), versions, "versions only grow: " + got);
        }
    }

    @Test
    void heartbeatCommentsKeepTheStreamAlive() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        try (SseClient stream = open(user, events(session))) {
            assertEquals("heartbeat", stream.next(SseClient.Event::isComment, WAIT).data());
            assertEquals("heartbeat", stream.next(SseClient.Event::isComment, WAIT).data());
        }
    }

    @Test
    void deletingTheSessionSendsSessionDeletedAndEndsTheStream() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        try (SseClient stream = open(user, events(session))) {
            user.api().delete("/api/v1/sessions/" + session).expect(204);
            SseClient.Event deleted = stream.next(e -> e.name().equals("session.deleted"), WAIT);
            assertEquals(session, Json.parse(deleted.data()).get("id").asText());
            assertTrue(stream.next(WAIT).isEnd(), "the stream ends after session.deleted");
        }
    }

    @Test
    void atMostTheConfiguredStreamsPerUserThen429() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(open(user, events(session)));
            }
            Api.Response refused = user.api().get(events(session)).expectProblem(429, "urn:chat-sessions:problem:too-many-requests");
            assertTrue(Integer.parseInt(refused.header("Retry-After")) > 0);
            TestUser other = TestUser.create();  // another user is not limited by this one
            String theirs = other.api().createSession("{}");
            open(other, events(theirs)).close();
            open.remove(0).close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            SseClient again = null;
            while (again == null && System.nanoTime() < deadline) {
                SseClient attempt = SseClient.open(TestServer.url().resolve(events(session)), token(user), Map.of());
                if (attempt.status() == 200) {
                    again = attempt;
                } else {
                    attempt.close();
                }
            }
            assertTrue(again != null, "a closed stream gives its slot back");
            open.add(again);
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void theTokenMayComeAsAccessTokenOnThisRouteOnlyAndNeverReachesTheAccessLog() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        Logger access = (Logger) LoggerFactory.getLogger("chat-sessions.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try {
            String token = token(user);
            URI url = TestServer.url().resolve(events(session) + "?access_token=" + token);
            try (SseClient stream = SseClient.open(url, null, Map.of())) {
                assertEquals(200, stream.status());
                completed(user, session, "hello");
                assertEquals("message.created", stream.next(e -> e.name().startsWith("message."), WAIT).name());
            }
            new Api(TestServer.url(), null).get("/api/v1/sessions?access_token=" + token).expect(401);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (lines.list.stream().noneMatch(line -> line.getFormattedMessage().contains("/events")) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertFalse(lines.list.isEmpty(), "the access log has the requests");
            for (ILoggingEvent line : lines.list) {
                assertFalse(line.getFormattedMessage().contains(token), "the token is in the access log: " + line.getFormattedMessage());
            }
        } finally {
            access.detachAppender(lines);
        }
    }

    private static List<String> ids(List<SseClient.Event> events) {
        return events.stream().filter(e -> e.name().startsWith("message.")).map(SseClient.Event::id).toList();
    }
}
