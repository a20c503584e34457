package io.chatsessions.message;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Fails the in_progress messages nobody has updated for {@code chat.stream.abandon-after} (CHAT_STREAM_ABANDON_AFTER,
 * 5 minutes): the writer crashed or the tab closed mid-stream. Every pod runs it; the statement makes each message fail
 * exactly once whichever pod gets there (see MessageRepository.SWEEP_ABANDONED), in bounded batches repeated while one
 * comes back full.
 */
@Singleton
public class AbandonedMessageSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedMessageSweeper.class);
    static final int BATCH = 500;

    private final MessageService messages;
    private final Duration abandonAfter;

    public AbandonedMessageSweeper(MessageService messages, @Value("${chat.stream.abandon-after:5m}") Duration abandonAfter) {
        this.messages = messages;
        this.abandonAfter = abandonAfter;
    }

    @Scheduled(fixedDelay = "${chat.stream.sweep-interval:30s}", initialDelay = "${chat.stream.sweep-interval:30s}")
    void sweep() {
        try {
            long total = 0;
            int swept;
            do {
                swept = messages.sweepAbandoned(abandonAfter, BATCH).blockOptional().orElse(0);
                total += swept;
            } while (swept == BATCH);
            if (total > 0) {
                LOG.info("failed {} abandoned in_progress messages (not updated for {})", total, abandonAfter);
            }
        } catch (RuntimeException e) {
            LOG.warn("abandoned-message sweep failed, will retry: {}", e.toString());
        }
    }
}
