package io.chatsessions.message;

import io.chatsessions.analytics.AnswerLatencyMetrics;
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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Message use cases: append (one or a batch) and paged reads. Returns messages; the controller renders them. */
@Singleton
public class MessageService {

    private final Database database;
    private final MessageRepository messages;
    private final IdempotencyService idempotency;
    private final ApiLimits limits;
    private final SessionChanges changes;
    private final JsonBodies json;
    private final AnswerLatencyMetrics answerLatency;

    public MessageService(Database database, MessageRepository messages, IdempotencyService idempotency, ApiLimits limits,
                          SessionChanges changes, JsonBodies json, AnswerLatencyMetrics answerLatency) {
        this.database = database;
        this.answerLatency = answerLatency;
        this.json = json;
        this.changes = changes;
        this.messages = messages;
        this.idempotency = idempotency;
        this.limits = limits;
    }

    /**
     * Appends the messages atomically, once per Idempotency-Key: {@code render} turns the appended messages (in seq
     * order) into the response, which is stored in the same transaction so that a replay answers the same bytes.
     */
    public Mono<IdempotencyService.Replayable> append(String userId, UUID sessionId, List<MessageInput> batch,
                                                      IdempotentRequest request, Function<List<Message>, StoredResponse> render) {
        // Set only when this call appended (a replay does not): the answers it stored are observed after the commit.
        AtomicReference<List<Message>> stored = new AtomicReference<>(List.of());
        return idempotency.execute(userId, request, connection -> messages.append(connection, sessionId, userId, batch)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                .doOnNext(stored::set)
                .map(render))
                .doOnSuccess(appended -> {
                    changes.changed(sessionId);
                    stored.get().forEach(this::observe);
                });
    }

    /** Messages of one page in ascending seq, and whether more lie beyond it in the direction paged. */
    public record Page(List<Message> ascending, boolean hasMore) {
    }

    /**
     * At most {@code limit} messages, stopping before the one that would take the page past the page byte budget
     * (measured by {@link MessageJson#maxBytes}; it always holds one): has_more then says so, and the client pages on
     * from its edge.
     */
    public Mono<Page> page(String userId, UUID sessionId, Integer beforeSeq, Integer afterSeq, int limit) {
        if (beforeSeq != null && afterSeq != null) {
            throw ProblemException.invalidField("before_seq", "cannot be combined with after_seq");
        }
        MessageRepository.Direction direction = beforeSeq != null ? MessageRepository.Direction.BEFORE
                : afterSeq != null ? MessageRepository.Direction.AFTER : MessageRepository.Direction.NEWEST;
        Integer seq = beforeSeq != null ? beforeSeq : afterSeq;
        return database.withConnection(c -> messages.page(c, sessionId, userId, direction, seq, limit,
                        limits.maxPageBytes(), MessageJson::maxBytes))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                .map(rows -> {
                    List<Message> ascending = new ArrayList<>(rows.messages());
                    ascending.sort(Comparator.comparingInt(Message::seq));
                    // seqs are 1..message_count without gaps, so what lies beyond this page follows from the edges
                    boolean hasMore = !ascending.isEmpty() && (direction == MessageRepository.Direction.AFTER
                            ? ascending.get(ascending.size() - 1).seq() < rows.messageCount()
                            : ascending.get(0).seq() > 1);
                    return new Page(ascending, hasMore);
                });
    }

    public Mono<Message> get(String userId, UUID sessionId, UUID messageId) {
        return database.withConnection(c -> messages.find(c, sessionId, userId, messageId))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("message")));
    }

    /**
     * Patches an in_progress message. Without metadata (the streaming case: content, or content and status) it is one
     * statement, and only when that changes no row a second read says why (404, 409 message-final, 412, 400). A metadata
     * patch is merged into the stored object (RFC 7396, recursive: not expressible in one UPDATE without a SQL function),
     * so it reads the row FOR UPDATE and writes it in one transaction; concurrent patches then never lose each other's keys.
     */
    public Mono<Message> patch(String userId, UUID sessionId, UUID messageId, IfMatch ifMatch, MessagePatch patch) {
        List<Integer> versions = ifMatch == null || ifMatch.any() ? List.of() : ifMatch.versions();
        Mono<Message> patched;
        if (!patch.sets("metadata")) {
            patched = database.withConnection(c -> messages.patch(c, sessionId, userId, messageId, patch, null, versions,
                            limits.maxMessageBytes()))
                    .switchIfEmpty(Mono.defer(() -> database.withConnection(c -> messages.find(c, sessionId, userId, messageId))
                            .switchIfEmpty(Mono.error(() -> ProblemException.notFound("message")))
                            .flatMap(current -> Mono.error(refusal(current, ifMatch, patch)))));
        } else {
            patched = database.inTransaction(c -> messages.findForPatch(c, sessionId, userId, messageId, patch.completes())
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("message")))
                    .flatMap(current -> {
                        checkPatchable(current, ifMatch);
                        String metadata = patch.mergedMetadata(current.metadataJson(), json, limits);
                        return messages.patch(c, sessionId, userId, messageId, patch, metadata, versions, limits.maxMessageBytes())
                                .switchIfEmpty(Mono.error(() -> refusal(current, ifMatch, patch)));
                    }));
        }
        return patched.doOnNext(message -> {
            changes.changed(sessionId);
            if (patch.completes()) {
                observe(message);
            }
        });
    }

    private void observe(Message message) {
        answerLatency.stored(message.role(), message.status(), message.latencyMs(), message.queryType());
    }

    /** 409 for a final message, 412 for a stale If-Match. */
    private static void checkPatchable(Message current, IfMatch ifMatch) {
        if (!current.inProgress()) {
            throw new ProblemException(ProblemType.MESSAGE_FINAL,
                    "the message is " + current.status() + ": only an in_progress message can be patched");
        }
        if (ifMatch != null && !ifMatch.matches(current.version())) {
            throw new ProblemException(ProblemType.PRECONDITION_FAILED,
                    "the message is at version " + current.version() + ", not the one in If-Match");
        }
    }

    /** Why the patch statement changed no row of {@code current} (read after it): the first condition it fails. */
    private ProblemException refusal(Message current, IfMatch ifMatch, MessagePatch patch) {
        try {
            checkPatchable(current, ifMatch);
        } catch (ProblemException problem) {
            return problem;
        }
        String content = patch.content() != null ? patch.content() : current.content();
        String status = patch.status() != null ? patch.status() : current.status();
        if (content.isEmpty() && Message.COMPLETED.equals(status) && !"tool".equals(current.role())) {
            return ProblemException.invalidField("content", "must not be empty when the message is completed (only tool messages may be)");
        }
        return ProblemException.invalidField("message",
                "must be at most " + limits.maxMessageBytes() + " bytes of content, sources and metadata together");
    }

    /**
     * One batch of the abandoned-message sweep (see {@link AbandonedMessageSweeper}): the sessions of the messages it
     * failed, each told to {@link SessionChanges} after the commit.
     */
    public Mono<Integer> sweepAbandoned(java.time.Duration abandonAfter, int batch) {
        return database.withConnection(c -> messages.sweepAbandoned(c, abandonAfter, batch))
                .map(sessions -> {
                    sessions.stream().distinct().forEach(changes::changed);
                    return sessions.size();
                });
    }
}
