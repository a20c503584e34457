package io.chatsessions.session;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.db.Database;
import io.chatsessions.db.SessionChanges;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.idempotency.StoredResponse;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.web.IfMatch;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Session use cases; owns their transactions. Returns sessions; the controller renders them. */
@Singleton
public class SessionService {

    private final Database database;
    private final SessionRepository sessions;
    private final IdempotencyService idempotency;
    private final JsonBodies json;
    private final ApiLimits limits;
    private final SessionChanges changes;

    public SessionService(Database database, SessionRepository sessions, IdempotencyService idempotency,
                          JsonBodies json, ApiLimits limits, SessionChanges changes) {
        this.database = database;
        this.changes = changes;
        this.sessions = sessions;
        this.idempotency = idempotency;
        this.json = json;
        this.limits = limits;
    }

    /** Creates the session once per Idempotency-Key; {@code render}'s response is stored in the same transaction. */
    public Mono<IdempotencyService.Replayable> create(String userId, SessionInput session, IdempotentRequest request,
                                                      Function<Session, StoredResponse> render) {
        return idempotency.execute(userId, request, connection -> sessions.insert(connection, userId, session).map(render));
    }

    public Mono<Session> get(String userId, UUID id) {
        return database.withConnection(c -> sessions.find(c, id, userId))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")));
    }

    /** A page of sessions, most recently updated first, and the cursor after it (null on the last page). */
    public record Page(List<Session> items, SessionCursor next) {
    }

    public Mono<Page> list(String userId, boolean archived, int limit, SessionCursor cursor) {
        return database.withConnection(c -> sessions.list(c, userId, archived, limit + 1, cursor).collectList())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<Session> page = more ? rows.subList(0, limit) : rows;
                    return new Page(page, more ? SessionCursor.after(page.get(page.size() - 1)) : null);
                });
    }

    /** Applies a merge patch under a row lock, so concurrent patches of metadata never lose each other's keys. */
    public Mono<Session> patch(String userId, UUID id, IfMatch ifMatch, SessionPatch patch) {
        return database.inTransaction(c -> sessions.findForUpdate(c, id, userId)
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                        .flatMap(current -> {
                            checkPrecondition(current, ifMatch);
                            if (patch.isEmpty()) {
                                return Mono.just(current);
                            }
                            return sessions.update(c, userId, patch.applyTo(current, json, limits))
                                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")));
                        }))
                .doOnSuccess(session -> changes.changed(id));
    }

    public Mono<Void> delete(String userId, UUID id, IfMatch ifMatch) {
        if (ifMatch == null) {
            return database.withConnection(c -> sessions.delete(c, id, userId))
                    .flatMap(deleted -> deleted == 0 ? Mono.<Void>error(ProblemException.notFound("session")) : Mono.empty())
                    .doOnSuccess(done -> changes.changed(id));
        }
        return database.inTransaction(c -> sessions.findForUpdate(c, id, userId)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                .flatMap(current -> {
                    checkPrecondition(current, ifMatch);
                    return sessions.delete(c, id, userId);
                })).then()
                .doOnSuccess(done -> changes.changed(id));
    }

    private static void checkPrecondition(Session current, IfMatch ifMatch) {
        if (ifMatch != null && !ifMatch.matches(current.version())) {
            throw new ProblemException(ProblemType.PRECONDITION_FAILED,
                    "the session is at version " + current.version() + ", not the one in If-Match");
        }
    }
}
