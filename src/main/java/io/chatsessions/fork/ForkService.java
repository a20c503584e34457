package io.chatsessions.fork;

import io.chatsessions.db.Database;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.idempotency.StoredResponse;
import io.chatsessions.session.Session;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.util.UUID;
import java.util.function.Function;

/**
 * Forks a session: a new session of the caller's with copies of the source's messages 1..up_to_seq, in one
 * transaction (lock the source, insert the fork, copy the messages), once per Idempotency-Key. No SessionChanges
 * notification: like a create, no stream can be open on a session that did not exist, and the source is unchanged.
 */
@Singleton
public class ForkService {

    private final Database database;
    private final ForkRepository forks;
    private final IdempotencyService idempotency;

    public ForkService(Database database, ForkRepository forks, IdempotencyService idempotency) {
        this.database = database;
        this.forks = forks;
        this.idempotency = idempotency;
    }

    /** The new session rendered by {@code render}, which (with a key) is stored in the fork's own transaction. */
    public Mono<IdempotencyService.Replayable> fork(String userId, UUID sourceId, ForkInput input, IdempotentRequest request,
                                                    Function<Session, StoredResponse> render) {
        Function<Connection, Mono<StoredResponse>> write = c -> fork(c, userId, sourceId, input).map(render);
        if (request.key() == null) {
            // IdempotencyService runs a keyless write in autocommit mode (right for one statement); a fork is three.
            return database.inTransaction(write::apply).map(response -> new IdempotencyService.Replayable(response, false));
        }
        return idempotency.execute(userId, request, write);
    }

    private Mono<Session> fork(Connection c, String userId, UUID sourceId, ForkInput input) {
        return forks.lockSource(c, sourceId, userId)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                .flatMap(source -> {
                    int lastSeq = input.lastSeq(source);
                    return forks.insertFork(c, userId, source, input.titleFor(source), lastSeq)
                            .flatMap(fork -> forks.copyMessages(c, source.id(), fork.id(), lastSeq).map(copy -> {
                                if (copy.firstInProgressSeq() != null) {
                                    throw new ProblemException(ProblemType.MESSAGE_IN_PROGRESS, "message " + copy.firstInProgressSeq()
                                            + " is still in progress: fork up to seq " + (copy.firstInProgressSeq() - 1)
                                            + ", or once it has completed");
                                }
                                if (copy.copied() != lastSeq) {
                                    // seqs are 1..message_count without gaps and the lock holds them still: never expected
                                    throw new IllegalStateException("copied " + copy.copied() + " of " + lastSeq + " messages");
                                }
                                return fork;
                            }));
                });
    }
}
