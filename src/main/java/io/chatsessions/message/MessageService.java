package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.db.Database;
import io.chatsessions.error.ProblemException;
import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.StoredResponse;
import io.chatsessions.session.SessionService;
import io.netty.buffer.ByteBuf;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** Message use cases: append (one or a batch) and paged reads. */
@Singleton
public class MessageService {

    private final Database database;
    private final MessageRepository messages;
    private final MessageRequests requests;
    private final IdempotencyService idempotency;
    private final MessageJson json;
    private final ApiLimits limits;

    public MessageService(Database database, MessageRepository messages, MessageRequests requests,
                          IdempotencyService idempotency, MessageJson json, ApiLimits limits) {
        this.limits = limits;
        this.database = database;
        this.messages = messages;
        this.requests = requests;
        this.idempotency = idempotency;
        this.json = json;
    }

    public Mono<IdempotencyService.Replayable> appendOne(String userId, UUID sessionId, String idempotencyKey, byte[] body) {
        NewMessage message = requests.parseOne(body);
        String path = messagesPath(sessionId);
        return idempotency.execute(userId, idempotencyKey, "POST", path, body,
                connection -> append(connection, sessionId, userId, List.of(message))
                        .map(appended -> {
                            Message only = appended.get(0);
                            return new StoredResponse(201, path + "/" + only.id(), utf8(json.one(only)));
                        }));
    }

    public Mono<IdempotencyService.Replayable> appendBatch(String userId, UUID sessionId, String idempotencyKey, byte[] body) {
        List<NewMessage> batch = requests.parseBatch(body);
        return idempotency.execute(userId, idempotencyKey, "POST", messagesPath(sessionId) + ":batch", body,
                connection -> append(connection, sessionId, userId, batch)
                        .map(appended -> new StoredResponse(201, null, utf8(json.batch(appended)))));
    }

    /**
     * The page as response JSON (see {@link MessageJson}); shaped as {@link MessagePage}. It holds at most
     * {@code limit} messages and stops before the one that would take it past the page byte budget (but always holds
     * one): has_more then says so, and the client pages on from its edge.
     */
    public Mono<ByteBuf> page(String userId, UUID sessionId, Integer beforeSeq, Integer afterSeq, int limit) {
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
                    return json.page(ascending, hasMore);
                });
    }

    /** The message as response JSON, shaped as {@link MessageResponse}. */
    public Mono<byte[]> get(String userId, UUID sessionId, UUID messageId) {
        return database.withConnection(c -> messages.find(c, sessionId, userId, messageId))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("message")))
                .map(json::one);
    }

    private Mono<List<Message>> append(Connection connection, UUID sessionId, String userId, List<NewMessage> batch) {
        return messages.append(connection, sessionId, userId, batch)
                .collectList()
                .flatMap(rows -> {
                    if (rows.isEmpty()) {
                        return Mono.error(ProblemException.notFound("session"));
                    }
                    List<Message> sorted = new ArrayList<>(rows);
                    sorted.sort(Comparator.comparingInt(Message::seq));
                    return Mono.just(sorted);
                });
    }

    private static String utf8(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    static String messagesPath(UUID sessionId) {
        return SessionService.BASE_PATH + "/" + sessionId + "/messages";
    }
}
