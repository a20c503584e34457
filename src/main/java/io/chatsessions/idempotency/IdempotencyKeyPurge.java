package io.chatsessions.idempotency;

import io.chatsessions.db.Database;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes Idempotency-Key records older than 24 hours, in small batches so no sweep holds locks for long. */
@Singleton
public class IdempotencyKeyPurge {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyPurge.class);
    private static final int BATCH = 5_000;

    private final Database database;
    private final IdempotencyRepository keys;

    public IdempotencyKeyPurge(Database database, IdempotencyRepository keys) {
        this.database = database;
        this.keys = keys;
    }

    @Scheduled(fixedDelay = "${chat.idempotency.purge-interval:15m}", initialDelay = "1m")
    void purge() {
        try {
            long total = 0;
            long deleted;
            do {
                deleted = database.withConnection(c -> keys.purgeExpired(c, BATCH)).blockOptional().orElse(0L);
                total += deleted;
            } while (deleted == BATCH);
            if (total > 0) {
                LOG.info("purged {} expired Idempotency-Key records", total);
            }
        } catch (RuntimeException e) {
            LOG.warn("Idempotency-Key purge failed, will retry: {}", e.toString());
        }
    }
}
