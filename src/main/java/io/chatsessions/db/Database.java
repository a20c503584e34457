package io.chatsessions.db;

import io.chatsessions.error.ProblemException;
import io.micronaut.context.annotation.Value;
import io.micronaut.data.r2dbc.operations.R2dbcOperations;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs repository work on a pooled connection, with a deadline: when the database is gone or stalled the caller
 * gets a 503 within {@code chat.database.call-timeout}, never a hang.
 */
@Singleton
public class Database {

    private final R2dbcOperations operations;
    private final Deadlines deadlines;
    private final Duration callTimeout;

    public Database(R2dbcOperations operations, Deadlines deadlines, @Value("${chat.database.call-timeout:3500ms}") Duration callTimeout) {
        this.operations = operations;
        this.deadlines = deadlines;
        this.callTimeout = callTimeout;
    }

    /**
     * One or more statements in autocommit mode; a single statement is its own transaction. Like every method here it
     * completes only when the work's publisher completes (never on its first value), so a response is sent after the
     * commit, not after the first RETURNING row. Work that yields rows collects them into one value, so the deadline
     * covers the whole call rather than the gap between two rows.
     */
    public <T> Mono<T> withConnection(Function<Connection, Publisher<T>> work) {
        return guard(Flux.from(operations.withConnection(work::apply)).singleOrEmpty());
    }

    /** Statements in one transaction: committed when the publisher completes, rolled back when it fails. */
    public <T> Mono<T> inTransaction(Function<Connection, Publisher<T>> work) {
        return inTransaction(work, callTimeout);
    }

    /** As {@link #inTransaction(Function)} with a deadline of the caller's (work that sets its own statement_timeout). */
    public <T> Mono<T> inTransaction(Function<Connection, Publisher<T>> work, Duration deadline) {
        return guard(Flux.from(operations.withTransaction(status -> work.apply(status.getConnection()))).singleOrEmpty(), deadline);
    }

    private <T> Mono<T> guard(Mono<T> call) {
        return guard(call, callTimeout);
    }

    private <T> Mono<T> guard(Mono<T> call, Duration deadline) {
        return call.timeout(deadlines.after(deadline)).onErrorMap(Database::translate);
    }

    private static Throwable translate(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return new DatabaseWaitTimeout("the database did not answer in time; retry later", false);
        }
        ProblemException problem = DatabaseErrors.translate(failure);
        return problem != null ? problem : failure;
    }
}
