package io.chatsessions.events;

import io.chatsessions.db.SessionChanges;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 2,000 changes told at once go out as a few pg_notify calls, each payload under PostgreSQL's 8000 bytes, none lost. */
@MicronautTest(transactional = false)
class NotifyBatchingTest implements ApiSuite {

    @Inject
    SessionChanges changes;

    @Inject
    NotificationChannel channel;

    @Test
    void changesAreCoalescedIntoFewNotificationsWithinThePayloadLimit() throws Exception {
        try (Connection listener = TestSql.connect(TestServer.database()); Statement listen = listener.createStatement()) {
            listen.execute(channel.listenStatement());
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ids.add(UUID.randomUUID());
            }
            Concurrently.run(8, worker -> {
                for (int i = worker; i < ids.size(); i += 8) {
                    changes.changed(ids.get(i));
                }
                return null;
            });
            Set<String> received = new HashSet<>();
            int notifications = 0;
            int largest = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            PGConnection pg = listener.unwrap(PGConnection.class);
            while (received.size() < ids.size() && System.nanoTime() < deadline) {
                PGNotification[] batch = pg.getNotifications(500);
                if (batch == null) {
                    continue;
                }
                for (PGNotification notification : batch) {
                    notifications++;
                    largest = Math.max(largest, notification.getParameter().getBytes(StandardCharsets.UTF_8).length);
                    for (String id : notification.getParameter().split(",")) {
                        received.add(id);
                    }
                }
            }
            Set<String> expected = new HashSet<>();
            ids.forEach(id -> expected.add(id.toString()));
            assertTrue(received.containsAll(expected), "every changed session was notified (" + received.size() + " of 2000)");
            assertTrue(largest < 8000, "payload of " + largest + " bytes");
            assertTrue(notifications < 200, notifications + " notifications for 2000 changes: not coalesced");
            System.out.printf("2000 changes from 8 threads: %d notifications, largest payload %d bytes%n", notifications, largest);
        }
    }
}
