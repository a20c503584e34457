package io.chatsessions.analytics;

import io.chatsessions.db.DatabaseErrors;
import io.chatsessions.db.Deadlines;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.micronaut.data.r2dbc.operations.R2dbcOperations;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs the reports so that operators cannot starve the API: at most {@code CHAT_ANALYTICS_MAX_CONCURRENT} at once per
 * instance (a semaphore in front of the API's pool: one more is refused at once with 503, never queued behind the
 * pool's other waiters), each in a transaction with its own {@code statement_timeout} and no parallel workers.
 * A second pool was the alternative; it would add connections to every instance's share of {@code max_connections}
 * (and to a PgBouncer's), and repeat every connection setting (TLS, hosts, failover) for two connections' worth of
 * work. The deadline of the whole call is the statement timeout plus one second (BEGIN, the limits, COMMIT).
 */
@Singleton
public class AnalyticsService {

    private static final String QUERY_CANCELED = "57014";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final R2dbcOperations operations;
    private final Deadlines deadlines;
    private final AnalyticsRepository repository;
    private final AnalyticsSettings settings;
    private final Semaphore running;

    public AnalyticsService(R2dbcOperations operations, Deadlines deadlines, AnalyticsRepository repository,
                            AnalyticsSettings settings) {
        this.operations = operations;
        this.deadlines = deadlines;
        this.repository = repository;
        this.settings = settings;
        this.running = new Semaphore(settings.maxConcurrent());
    }

    public Mono<List<AnswerFigures>> answers(TimeRange range, Grouping grouping) {
        return report(c -> repository.answers(c, range, grouping));
    }

    public Mono<List<SourceFigures>> sources(TimeRange range, int limit) {
        return report(c -> repository.sources(c, range, limit));
    }

    private <T> Mono<T> report(Function<Connection, Mono<T>> query) {
        return Mono.defer(() -> {
            if (!running.tryAcquire()) {
                return Mono.error(ProblemException.unavailable(settings.maxConcurrent()
                        + " analytics queries are running on this instance (CHAT_ANALYTICS_MAX_CONCURRENT); retry later", 1));
            }
            Duration timeout = settings.statementTimeout();
            return Flux.from(operations.withTransaction(status -> repository.limit(status.getConnection(), timeout)
                            .then(query.apply(status.getConnection()))))
                    .singleOrEmpty()
                    .timeout(deadlines.after(timeout.plusSeconds(1)))
                    .onErrorMap(failure -> translate(failure, timeout))
                    .doFinally(signal -> running.release());
        });
    }

    private static Throwable translate(Throwable failure, Duration timeout) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException r2dbc && QUERY_CANCELED.equals(r2dbc.getSqlState())) {
                return new ProblemException(ProblemType.ANALYTICS_TIMEOUT, "the analytics query ran longer than "
                        + "CHAT_ANALYTICS_STATEMENT_TIMEOUT (" + timeout.toMillis() + " ms) and was cancelled; ask for a shorter range");
            }
            if (t instanceof R2dbcException r2dbc && LOCK_NOT_AVAILABLE.equals(r2dbc.getSqlState())) {
                // lock_timeout (DB_LOCK_WAIT_TIMEOUT) stays the API's: a report waits no longer than a write for a table lock
                return new ProblemException(ProblemType.ANALYTICS_TIMEOUT, "the analytics query waited longer than "
                        + "DB_LOCK_WAIT_TIMEOUT for a table lock (a migration?) and was cancelled; retry later");
            }
        }
        if (failure instanceof TimeoutException) {
            return ProblemException.unavailable("the database did not answer in time; retry later", DatabaseErrors.RETRY_AFTER_SECONDS);
        }
        ProblemException problem = DatabaseErrors.translate(failure);
        return problem != null ? problem : failure;
    }
}
