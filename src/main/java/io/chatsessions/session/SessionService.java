package io.chatsessions.session;

import io.chatsessions.db.Database;
import io.chatsessions.db.UuidV7;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.StoredResponse;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.MergePatch;
import io.chatsessions.web.IfMatch;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Session use cases; owns their transactions. */
@Singleton
public class SessionService {

    public static final String BASE_PATH = "/api/v1/sessions";

    private final Database database;
    private final SessionRepository sessions;
    private final SessionRequests requests;
    private final IdempotencyService idempotency;
    private final JsonBodies json;
    private final SessionJson responses;

    public SessionService(Database database, SessionRepository sessions, SessionRequests requests,
                          IdempotencyService idempotency, JsonBodies json, SessionJson responses) {
        this.database = database;
        this.sessions = sessions;
        this.requests = requests;
        this.idempotency = idempotency;
        this.json = json;
        this.responses = responses;
    }

    public Mono<IdempotencyService.Replayable> create(String userId, String idempotencyKey, byte[] body) {
        NewSession session = requests.parseCreate(body);
        return idempotency.execute(userId, idempotencyKey, "POST", BASE_PATH, body,
                connection -> sessions.insert(connection, UuidV7.next(), userId, session)
                        .map(created -> new StoredResponse(201, BASE_PATH + "/" + created.id(),
                                new String(responses.one(created), StandardCharsets.UTF_8))));
    }

    public Mono<Session> get(String userId, UUID id) {
        return database.withConnection(c -> sessions.find(c, id, userId))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")));
    }

    /** The page as its response body. */
    public Mono<byte[]> list(String userId, boolean archived, int limit, SessionCursor cursor) {
        return database.withConnection(c -> sessions.list(c, userId, archived, limit + 1, cursor).collectList())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<Session> page = more ? rows.subList(0, limit) : rows;
                    String next = more ? SessionCursor.after(page.get(page.size() - 1)).encode() : null;
                    return responses.page(page, next);
                });
    }

    /** Applies a merge patch under a row lock, so concurrent patches of metadata never lose each other's keys. */
    public Mono<Session> patch(String userId, UUID id, IfMatch ifMatch, byte[] body) {
        SessionPatch patch = requests.parsePatch(body);
        return database.inTransaction(c -> sessions.findForUpdate(c, id, userId)
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                        .flatMap(current -> {
                            checkPrecondition(current, ifMatch);
                            if (patch.isEmpty()) {
                                return Mono.just(current);
                            }
                            String title = patch.setTitle() ? patch.title() : current.title();
                            String metadata = current.metadataJson();
                            if (patch.metadataPatch() != null) {
                                JsonNode merged = patch.metadataPatch().isNull()
                                        ? JsonNode.createObjectNode(java.util.Map.of())
                                        : MergePatch.apply(json.parseStored(current.metadataJson()), patch.metadataPatch());
                                metadata = requests.mergedMetadataJson(merged);
                            }
                            boolean archived = patch.archived() != null ? patch.archived() : current.archived();
                            return sessions.update(c, id, userId, title, metadata, archived)
                                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")));
                        }));
    }

    public Mono<Void> delete(String userId, UUID id, IfMatch ifMatch) {
        if (ifMatch == null) {
            return database.withConnection(c -> sessions.delete(c, id, userId))
                    .flatMap(deleted -> deleted == 0 ? Mono.error(ProblemException.notFound("session")) : Mono.empty());
        }
        return database.inTransaction(c -> sessions.findForUpdate(c, id, userId)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                .flatMap(current -> {
                    checkPrecondition(current, ifMatch);
                    return sessions.delete(c, id, userId);
                })).then();
    }

    private static void checkPrecondition(Session current, IfMatch ifMatch) {
        if (ifMatch != null && !ifMatch.matches(current.version())) {
            throw new ProblemException(ProblemType.PRECONDITION_FAILED,
                    "the session is at version " + current.version() + ", not the one in If-Match");
        }
    }
}
