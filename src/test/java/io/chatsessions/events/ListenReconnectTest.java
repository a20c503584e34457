package io.chatsessions.events;

import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database drops the LISTEN connection (its backend is terminated): the instance re-opens it and its feeds
 * re-read, so a change notified while it was down still reaches the stream, long before the next heartbeat (60 s here).
 */
@MicronautTest(transactional = false)
@Property(name = "chat.events.heartbeat", value = "PT60S")
class ListenReconnectTest implements ApiSuite {

    // the LISTEN connection by its last statement: the LISTEN, or a stream slot taken on it since (StreamSlots)
    static final String LISTENER = "(query LIKE 'LISTEN %chat_sessions_events.chat%' OR query IN ('" + StreamSlots.TAKE + "', '"
            + StreamSlots.FREE + "'))";

    @Test
    void aDroppedListenConnectionIsReopenedAndTheFeedsCatchUp() throws Exception {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String token = Tokens.sign(TestServer.SECRET, user.name(), Duration.ofHours(1), null, null);
        try (SseClient stream = SseClient.open(TestServer.url().resolve("/api/v1/sessions/" + session + "/events"), token, Map.of())) {
            assertEquals(200, stream.status());
            long listeners = TestSql.number("SELECT count(*) FROM pg_stat_activity WHERE " + LISTENER);
            assertTrue(listeners >= 1, "a LISTEN connection is open");
            TestSql.executeAsSuperuser(TestServer.database(),
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + LISTENER);
            user.api().appendMessage(session, "{\"role\":\"user\",\"content\":\"while the listener was down\"}");
            SseClient.Event created = stream.next(e -> "message.created".equals(e.name()), Duration.ofSeconds(20));
            assertEquals("1.1", created.id());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long reopened = 0;
            while (reopened == 0 && System.nanoTime() < deadline) {
                reopened = TestSql.number("SELECT count(*) FROM pg_stat_activity WHERE " + LISTENER);
            }
            assertTrue(reopened >= 1, "the LISTEN connection was re-opened");
        }
    }
}
