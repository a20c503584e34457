package io.chatsessions.erase;

import io.chatsessions.db.DatabaseErrors;
import io.chatsessions.error.ProblemException;
import io.micronaut.data.r2dbc.operations.R2dbcOperations;
import io.r2dbc.spi.R2dbcException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Erases a user (DELETE /me): CALLs erase_user until it reports done, each CALL on a pooled connection in autocommit
 * and bounded by {@link EraseSettings#callBudget()}, so no CALL meets the statement timeout and a pod holds a
 * connection for at most one CALL at a time. The work does not stop when the client goes away: once started it runs
 * to the end (or the timeout), so an erase begun is an erase finished. Not {@link io.chatsessions.db.Database}: its
 * deadline is one short call, an erase of 100,000 messages is many.
 */
@Singleton
public class EraseService {

    private static final Logger LOG = LoggerFactory.getLogger(EraseService.class);

    private final R2dbcOperations operations;
    private final EraseRepository repository;
    private final EraseSettings settings;

    EraseService(R2dbcOperations operations, EraseRepository repository, EraseSettings settings) {
        this.operations = operations;
        this.repository = repository;
        this.settings = settings;
    }

    public Mono<Erasure> erase(String userId) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        Mono<Erasure> work = step(userId, Erasure.NONE, deadline)
                .doOnNext(erased -> LOG.info("erase of a user: {}", erased.summary()));
        // toFuture subscribes now and is not cancelled with the response: a client that hangs up does not stop it.
        return Mono.defer(() -> Mono.fromFuture(work.toFuture()));
    }

    private Mono<Erasure> step(String userId, Erasure sofar, long deadline) {
        if (System.nanoTime() > deadline) {
            return Mono.error(ProblemException.unavailable("the erase did not finish in time; it resumes when DELETE /me is sent again",
                    DatabaseErrors.RETRY_AFTER_SECONDS));
        }
        int budget = (int) Math.min(Integer.MAX_VALUE, settings.callBudget().toMillis());
        return Mono.from(operations.withConnection(connection -> repository.call(connection, userId, settings.batchSize(), budget)))
                .onErrorResume(EraseService::lockWaitTimedOut, failure -> Mono.just(Erasure.NONE))
                .onErrorMap(EraseService::translate)
                .flatMap(part -> {
                    Erasure total = sofar.plus(part);
                    return total.done() ? Mono.just(total) : step(userId, total, deadline);
                });
    }

    /** A batch waited past lock_timeout for a row a writer held: that CALL rolled back its batch, the next one retries it. */
    private static boolean lockWaitTimedOut(Throwable failure) {
        return failure instanceof R2dbcException r2dbc && EraseSql.LOCK_NOT_AVAILABLE_STATE.equals(r2dbc.getSqlState());
    }

    private static Throwable translate(Throwable failure) {
        ProblemException problem = DatabaseErrors.translate(failure);
        return problem != null ? problem : failure;
    }
}
