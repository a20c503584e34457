package io.chatsessions.events;

import io.chatsessions.db.Database;
import io.chatsessions.db.NoSessionChanges;
import io.chatsessions.db.SessionChanges;
import io.micronaut.context.annotation.Replaces;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells every instance (this one included: it listens too) which sessions changed, after the commit. A NOTIFY inside
 * the write transaction would serialise commits (PostgreSQL holds a database-wide lock from NOTIFY's commit through
 * the WAL flush: 11,368 tps became 3,131 in pgbench), so the services call this after commit, and the ids are
 * coalesced: one {@code pg_notify} in flight at a time, the ids that arrive meanwhile go together in the next one
 * (payload at most 8000 bytes, PostgreSQL's limit). A notify lost to a crash or an outage is healed by the feeds'
 * heartbeat re-read.
 */
@Singleton
@Replaces(NoSessionChanges.class)
public class NotifyingSessionChanges implements SessionChanges {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyingSessionChanges.class);
    /** PostgreSQL refuses payloads of 8000 bytes or more. */
    static final int MAX_PAYLOAD_BYTES = 7999;
    private static final String NOTIFY = "SELECT pg_notify($1, $2)";

    private final Database database;
    private final NotificationChannel channel;
    private final Set<UUID> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean inFlight = new AtomicBoolean();

    public NotifyingSessionChanges(Database database, NotificationChannel channel) {
        this.database = database;
        this.channel = channel;
    }

    @Override
    public void changed(UUID sessionId) {
        pending.add(sessionId);
        sendNext();
    }

    private void sendNext() {
        while (!pending.isEmpty() && inFlight.compareAndSet(false, true)) {
            String payload = take();
            if (payload.isEmpty()) {
                inFlight.set(false);
                continue;
            }
            database.withConnection(connection -> Flux.from(connection.createStatement(NOTIFY)
                            .bind(0, channel.name()).bind(1, payload).execute())
                            .flatMap(result -> result.map((row, meta) -> 1)).then())
                    .doFinally(signal -> {
                        inFlight.set(false);
                        sendNext();
                    })
                    .subscribe(ignored -> { }, failure -> LOG.warn(
                            "pg_notify failed ({}); the feeds' heartbeat re-read catches up", failure.toString()));
            return;
        }
    }

    /** Takes pending ids, comma-separated, up to the payload limit; the rest wait for the next notify. */
    private String take() {
        StringBuilder payload = new StringBuilder();
        Iterator<UUID> ids = pending.iterator();
        while (ids.hasNext()) {
            String id = ids.next().toString();
            if (payload.length() + id.length() + 1 > MAX_PAYLOAD_BYTES) {
                break;
            }
            ids.remove();
            if (payload.length() > 0) {
                payload.append(',');
            }
            payload.append(id);
        }
        assert payload.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES;
        return payload.toString();
    }
}
