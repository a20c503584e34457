package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.db.Database;
import io.chatsessions.db.SessionChanges;
import io.chatsessions.error.ProblemException;
import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.idempotency.StoredResponse;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Message use cases: append (one or a batch) and paged reads. Returns messages; the controller renders them. */
@Singleton
public class MessageService {

    private final Database database;
    private final MessageRepository messages;
    private final IdempotencyService idempotency;
    private final ApiLimits limits;
    private final SessionChanges changes;

    public MessageService(Database database, MessageRepository messages, IdempotencyService idempotency, ApiLimits limits,
                          SessionChanges changes) {
        this.database = database;
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
        return idempotency.execute(userId, request, connection -> messages.append(connection, sessionId, userId, batch)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                .map(render))
                .doOnSuccess(appended -> changes.changed(sessionId));
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
}
