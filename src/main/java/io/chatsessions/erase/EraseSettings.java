package io.chatsessions.erase;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/** The settings of DELETE /me ({@code chat.erase.*}, from the {@code CHAT_ERASE_*} variables in application.yml). */
@Singleton
public class EraseSettings {

    private final int batchSize;
    private final Duration callBudget;
    private final Duration timeout;

    public EraseSettings(@Value("${chat.erase.batch-size:1000}") int batchSize,
                         @Value("${chat.erase.call-budget:PT1S}") Duration callBudget,
                         @Value("${chat.erase.timeout:PT2M}") Duration timeout) {
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("CHAT_ERASE_BATCH_SIZE must be between 1 and 100000, got " + batchSize);
        }
        if (callBudget.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("CHAT_ERASE_CALL_BUDGET must be 0 or more and CHAT_ERASE_TIMEOUT positive");
        }
        this.batchSize = batchSize;
        this.callBudget = callBudget;
        this.timeout = timeout;
    }

    /** Rows of sessions plus messages one transaction of the erase deletes at most (their feedback goes with them). */
    public int batchSize() {
        return batchSize;
    }

    /**
     * How long one CALL keeps starting batches. Well under DB_STATEMENT_TIMEOUT (3 s), which bounds the whole CALL: a
     * batch that starts just before the budget ends still has to finish within it.
     */
    public Duration callBudget() {
        return callBudget;
    }

    /** How long DELETE /me works before answering 503 (the erase is then finished by the next DELETE /me). */
    public Duration timeout() {
        return timeout;
    }
}
