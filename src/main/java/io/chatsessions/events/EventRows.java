package io.chatsessions.events;

import io.chatsessions.db.Database;
import io.chatsessions.db.Rows;
import io.chatsessions.feedback.Feedback;
import io.chatsessions.message.Message;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionRepository;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The reads of live events: a feed's read of what changed, and a stream's snapshot pages. Messages are read with the
 * same columns (and the same feedback join) as MessageRepository's reads, so that MessageJson writes the same JSON
 * for an event as for a GET (EventsApiTest compares them).
 */
@Singleton
public class EventRows {

    // As MessageRepository.COLUMNS / FEEDBACK_COLUMNS (package-private there), over the alias m of the lateral below.
    private static final String MESSAGE_COLUMNS = "m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, "
            + "m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, "
            + "coalesce(m.updated_at, m.created_at) AS updated_at, "
            + "CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at, "
            + "f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, "
            + "f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at";

    /**
     * A feed's one read: the session's version and message_count (no row: the session is gone) and the messages above
     * $2, those of the seqs in $3 (the ones it knows are in progress) and, for its first read ($4), all in progress.
     * Each branch is a range or point lookup on (session_id, seq), or the partial in-progress index.
     */
    static final String FEED_READ = "SELECT s.version AS session_version, s.message_count, s.user_id, " + MESSAGE_COLUMNS + """

              FROM sessions s
              LEFT JOIN LATERAL (
                  SELECT * FROM messages WHERE session_id = s.id AND seq > $2
                  UNION ALL
                  SELECT * FROM messages WHERE session_id = s.id AND seq = ANY($3::int[]) AND seq <= $2
                  UNION ALL
                  SELECT * FROM messages WHERE $4 AND session_id = s.id AND status = 'in_progress' AND seq <= $2
              ) m ON true
              LEFT JOIN message_feedback f ON f.message_id = m.id
             WHERE s.id = $1
             ORDER BY m.seq""";

    /**
     * A page of a stream's snapshot, of the caller's session only (no row: not found): the messages above $3 (default
     * the newest seq) and, on the first page ($5), those in progress at or below it; at most $4, in seq order.
     */
    static final String SNAPSHOT_PAGE = "SELECT s.message_count, " + MESSAGE_COLUMNS + """

              FROM sessions s
              LEFT JOIN LATERAL (
                  SELECT * FROM (
                      SELECT * FROM messages WHERE $5 AND session_id = s.id AND status = 'in_progress'
                                               AND seq <= coalesce($3, s.message_count)
                      UNION ALL
                      SELECT * FROM messages WHERE session_id = s.id AND seq > coalesce($3, s.message_count)
                  ) x ORDER BY seq LIMIT $4
              ) m ON true
              LEFT JOIN message_feedback f ON f.message_id = m.id
             WHERE s.id = $1 AND s.user_id = $2
             ORDER BY m.seq""";

    private static final int MESSAGE_COLUMN_COUNT = 17;

    /** What a feed read found: null session when it is gone. */
    record FeedRead(SessionState session, List<Message> messages) {
    }

    record SessionState(int version, int messageCount, String owner) {
    }

    /** A snapshot page: its messages, and whether it was full (so another page may follow). */
    record Page(List<Message> messages, boolean full) {
    }

    private final Database database;
    private final SessionRepository sessions;

    public EventRows(Database database, SessionRepository sessions) {
        this.database = database;
        this.sessions = sessions;
    }

    Mono<FeedRead> read(UUID sessionId, int aboveSeq, Collection<Integer> watchedSeqs, boolean inProgressToo) {
        return database.withConnection(connection -> {
            Statement statement = connection.createStatement(FEED_READ).bind(0, sessionId).bind(1, aboveSeq)
                    .bind(2, watchedSeqs.toArray(Integer[]::new)).bind(3, inProgressToo);
            return Flux.from(statement.execute()).flatMap(result -> result.map(row -> new Object[]{Rows.integer(row, 0), Rows.integer(row, 1), Rows.text(row, 2), message(row, 3)}))
                    .collectList()
                    .map(rows -> {
                        if (rows.isEmpty()) {
                            return new FeedRead(null, List.of());
                        }
                        List<Message> messages = new ArrayList<>();
                        for (Object[] row : rows) {
                            if (row[3] != null) {
                                messages.add((Message) row[3]);
                            }
                        }
                        return new FeedRead(new SessionState((Integer) rows.get(0)[0], (Integer) rows.get(0)[1], (String) rows.get(0)[2]), messages);
                    });
        }).defaultIfEmpty(new FeedRead(null, List.of()));
    }

    /** The session as its JSON writer takes it (for session.updated); empty when it is gone. */
    Mono<Session> session(UUID sessionId, String owner) {
        return database.withConnection(connection -> sessions.find(connection, sessionId, owner));
    }

    /** A snapshot page; empty when the session is not the caller's. */
    Mono<Page> snapshotPage(UUID sessionId, String owner, Integer aboveSeq, int limit, boolean inProgressToo) {
        return database.withConnection(connection -> {
            Statement statement = connection.createStatement(SNAPSHOT_PAGE).bind(0, sessionId).bind(1, owner);
            Rows.bindNullable(statement, 2, aboveSeq, Integer.class);
            statement.bind(3, limit).bind(4, inProgressToo);
            return Flux.from(statement.execute()).flatMap(result -> result.map(row -> java.util.Optional.ofNullable(message(row, 1))))
                    .collectList()
                    .filter(rows -> !rows.isEmpty())
                    .map(rows -> {
                        List<Message> messages = rows.stream().flatMap(java.util.Optional::stream).toList();
                        return new Page(messages, messages.size() >= limit);
                    });
        });
    }

    /** As MessageRepository.map with feedback; null for the LEFT JOIN's empty side. */
    private static Message message(Readable row, int first) {
        if (row.get(first, UUID.class) == null) {
            return null;
        }
        Feedback feedback = null;
        int f = first + MESSAGE_COLUMN_COUNT;
        if (Rows.text(row, f) != null) {
            feedback = new Feedback(Rows.text(row, f), Rows.json(row, f + 1), Rows.text(row, f + 2), Rows.json(row, f + 3),
                    Rows.timestamp(row, f + 4), Rows.timestamp(row, f + 5));
        }
        return new Message(
                Rows.uuid(row, first),
                Rows.uuid(row, first + 1),
                Rows.integer(row, first + 2),
                Rows.text(row, first + 3),
                Rows.text(row, first + 4),
                Rows.json(row, first + 5),
                Rows.integer(row, first + 6),
                Rows.integer(row, first + 7),
                Rows.text(row, first + 8),
                Rows.json(row, first + 9),
                Rows.timestamp(row, first + 10),
                Rows.text(row, first + 11),
                Rows.text(row, first + 12),
                Rows.json(row, first + 13),
                Rows.integer(row, first + 14),
                Rows.timestamp(row, first + 15),
                Rows.timestamp(row, first + 16),
                feedback);
    }
}
