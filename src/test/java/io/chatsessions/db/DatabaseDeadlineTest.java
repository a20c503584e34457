package io.chatsessions.db;

import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.micronaut.data.r2dbc.operations.R2dbcOperations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A database that never answers must cost the caller a 503 at the deadline, and the abandoned call must be cancelled. */
class DatabaseDeadlineTest {

    private final Deadlines deadlines = new Deadlines();

    @AfterEach
    void stopWheel() {
        deadlines.stop();
    }

    @Test
    void aCallThatNeverAnswersBecomesA503AtTheDeadline() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Database database = new Database(operations(Mono.never().doOnCancel(() -> cancelled.set(true))), deadlines, Duration.ofMillis(200));

        long started = System.nanoTime();
        RuntimeException failure = assertThrows(RuntimeException.class, () -> database.withConnection(c -> Mono.never()).block(Duration.ofSeconds(5)));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        ProblemException problem = assertInstanceOf(ProblemException.class, failure);
        assertEquals(ProblemType.SERVICE_UNAVAILABLE, problem.type());
        assertTrue(problem.retryAfterSeconds() > 0);
        assertTrue(tookMillis >= 190 && tookMillis < 4_000, "answered after " + tookMillis + " ms");
        assertTrue(cancelled.get(), "the stalled call was not cancelled");
    }

    @Test
    void aCallThatAnswersInTimeKeepsItsValue() {
        Database database = new Database(operations(Mono.just("row")), deadlines, Duration.ofMillis(100));

        assertEquals("row", database.withConnection(c -> Mono.just("row")).block(Duration.ofSeconds(5)));
    }

    @Test
    void aDeadlineFiresOnceAndCancellingItKeepsItQuiet() {
        assertEquals(Duration.ofMillis(20).toNanos(), deadlines.after(Duration.ofMillis(20)).block(Duration.ofSeconds(5)));
        AtomicBoolean fired = new AtomicBoolean();
        Mono.firstWithSignal(Mono.just(0L), deadlines.after(Duration.ofMillis(20)).doOnNext(v -> fired.set(true)))
                .block(Duration.ofSeconds(5));
        // Outlive the cancelled deadline by a wheel of its own, then look.
        assertEquals(Duration.ofMillis(60).toNanos(), deadlines.after(Duration.ofMillis(60)).block(Duration.ofSeconds(5)));
        assertFalse(fired.get());
    }

    /** R2dbcOperations whose withConnection returns {@code result} (the callback is not called: there is no connection). */
    private static R2dbcOperations operations(Mono<?> result) {
        return (R2dbcOperations) Proxy.newProxyInstance(R2dbcOperations.class.getClassLoader(), new Class<?>[]{R2dbcOperations.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("withConnection")) {
                        return result;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
