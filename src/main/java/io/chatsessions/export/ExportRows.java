package io.chatsessions.export;

import io.chatsessions.message.Message;
import io.chatsessions.message.MessageRepository;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionRepository;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The reads of an export, in keyset batches so that no statement returns more than one batch: a session's messages by
 * seq over the (session_id, seq) unique index, a user's sessions as the session list orders them (per archived flag,
 * updated_at and id descending) over sessions_user_recency_idx. Each runs in the export's one snapshot.
 */
@Singleton
public class ExportRows {

    private static final String SESSION = "SELECT " + SessionRepository.COLUMNS + " FROM sessions WHERE id = $1 AND user_id = $2";

    private static final String MESSAGES_AFTER = "SELECT " + MessageRepository.COLUMNS + ", " + MessageRepository.FEEDBACK_COLUMNS + """

              FROM messages m
              LEFT JOIN message_feedback f ON f.message_id = m.id
             WHERE m.session_id = $1 AND m.seq > $2
             ORDER BY m.seq
             LIMIT $3""";

    private static final String SESSIONS_FIRST = "SELECT " + SessionRepository.COLUMNS + """
             FROM sessions
            WHERE user_id = $1 AND archived = $2
            ORDER BY updated_at DESC, id DESC
            LIMIT $3""";

    private static final String SESSIONS_AFTER = "SELECT " + SessionRepository.COLUMNS + """
             FROM sessions
            WHERE user_id = $1 AND archived = $2 AND (updated_at, id) < ($4, $5)
            ORDER BY updated_at DESC, id DESC
            LIMIT $3""";

    Mono<Session> session(Connection connection, UUID id, String userId) {
        return Flux.from(connection.createStatement(SESSION).bind(0, id).bind(1, userId).execute())
                .flatMap(result -> result.map(SessionRepository::map))
                .singleOrEmpty();
    }

    /** At most {@code limit} messages of the session above {@code afterSeq}, in seq order, with their feedback. */
    Mono<List<Message>> messagesAfter(Connection connection, UUID sessionId, int afterSeq, int limit) {
        return Flux.from(connection.createStatement(MESSAGES_AFTER).bind(0, sessionId).bind(1, afterSeq).bind(2, limit).execute())
                .concatMap(result -> result.map(row -> MessageRepository.map(row, 0, true)))
                .collectList();
    }

    /** At most {@code limit} of the user's sessions with this archived flag after {@code after} (null: from the first). */
    Mono<List<Session>> sessionsAfter(Connection connection, String userId, boolean archived, Session after, int limit) {
        Statement statement = connection.createStatement(after == null ? SESSIONS_FIRST : SESSIONS_AFTER)
                .bind(0, userId).bind(1, archived).bind(2, limit);
        if (after != null) {
            OffsetDateTime updatedAt = after.updatedAt();
            statement.bind(3, updatedAt).bind(4, after.id());
        }
        return Flux.from(statement.execute()).concatMap(result -> result.map(SessionRepository::map)).collectList();
    }
}
