package io.chatsessions.message;

import io.chatsessions.db.Rows;
import io.chatsessions.feedback.Feedback;
import io.chatsessions.db.UuidV7;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.ToLongFunction;

/** SQL for {@code messages}. Reads and writes go through the owning session row, filtered by user_id. */
@Singleton
public class MessageRepository {

    /**
     * Every statement returns these columns of {@code messages m} in this order ({@link #map} reads them by position).
     * NULL updated_at means never updated, NULL completed_at on a final message means created final (see V2).
     */
    static final String COLUMNS = "m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, "
            + "m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, "
            + "CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at";
    private static final int COLUMN_COUNT = 17;

    /** The message's feedback from {@code message_feedback f} (all NULL for none), after {@link #COLUMNS}. */
    static final String FEEDBACK_COLUMNS = "f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, "
            + "f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at";

    /**
     * Appends n messages in one statement (one round trip, atomic). The UPDATE takes the session's row lock and
     * reserves seqs message_count+1 .. message_count+n, so concurrent appends to one session serialise on that lock
     * and get consecutive seqs in commit order with no gap; the INSERT reads the reserved range from the CTE.
     * No row when the session does not exist or belongs to someone else.
     */
    static final String APPEND = """
            WITH session AS (
                UPDATE sessions
                   SET message_count = message_count + $3, version = version + 1,
                       updated_at = greatest(updated_at, clock_timestamp())
                 WHERE id = $1 AND user_id = $2
                RETURNING id, message_count
            )
            INSERT INTO messages AS m (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata, created_at,
                                       status, finish_reason, error)
            SELECT i.id, session.id, session.message_count - $3 + i.ord, i.role, i.content, i.sources::jsonb,
                   i.latency_ms, i.top_k, i.query_type, i.metadata::jsonb, clock_timestamp(), i.status, i.finish_reason, i.error::jsonb
              FROM session,
                   unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[], $11::text[],
                          $12::text[], $13::text[], $14::text[])
                       WITH ORDINALITY AS i(id, role, content, sources, latency_ms, top_k, query_type, metadata,
                                            status, finish_reason, error, ord)
            RETURNING\s""" + COLUMNS;

    // A page and the session's message_count in one statement; no row at all means no such session for this user.
    private static final String PAGE_PREFIX = """
            SELECT s.message_count, p.*
              FROM sessions s
              LEFT JOIN LATERAL (
                  SELECT\s""" + COLUMNS + ", " + FEEDBACK_COLUMNS + """
                     FROM messages m
                     LEFT JOIN message_feedback f ON f.message_id = m.id
                   WHERE m.session_id = s.id""";
    private static final String PAGE_SUFFIX = """
              ) p ON true
             WHERE s.id = $1 AND s.user_id = $2""";

    static final String PAGE_NEWEST = PAGE_PREFIX + " ORDER BY m.seq DESC LIMIT $3\n" + PAGE_SUFFIX;
    static final String PAGE_BEFORE = PAGE_PREFIX + " AND m.seq < $4 ORDER BY m.seq DESC LIMIT $3\n" + PAGE_SUFFIX;
    static final String PAGE_AFTER = PAGE_PREFIX + " AND m.seq > $4 ORDER BY m.seq ASC LIMIT $3\n" + PAGE_SUFFIX;

    static final String FIND = "SELECT " + COLUMNS + ", " + FEEDBACK_COLUMNS + """

              FROM messages m
              JOIN sessions s ON s.id = m.session_id
              LEFT JOIN message_feedback f ON f.message_id = m.id
             WHERE m.id = $1 AND m.session_id = $2 AND s.user_id = $3""";

    /**
     * The appended messages in seq order, or empty when the session is not the caller's. Ids are minted here
     * (UUIDv7, so they sort by time like seqs).
     */
    public Mono<List<Message>> append(Connection connection, UUID sessionId, String userId, List<MessageInput> messages) {
        int n = messages.size();
        UUID[] ids = new UUID[n];
        String[] roles = new String[n];
        String[] contents = new String[n];
        String[] sources = new String[n];
        Integer[] latencies = new Integer[n];
        Integer[] topKs = new Integer[n];
        String[] queryTypes = new String[n];
        String[] metadata = new String[n];
        String[] statuses = new String[n];
        String[] finishReasons = new String[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            MessageInput m = messages.get(i);
            ids[i] = UuidV7.next();
            roles[i] = m.role();
            contents[i] = m.content();
            sources[i] = m.sources();
            latencies[i] = m.latencyMs();
            topKs[i] = m.topK();
            queryTypes[i] = m.queryType();
            metadata[i] = m.metadata();
            statuses[i] = m.status();
            finishReasons[i] = m.finishReason();
            errors[i] = m.error();
        }
        Statement statement = connection.createStatement(APPEND)
                .bind(0, sessionId).bind(1, userId).bind(2, n)
                .bind(3, ids).bind(4, roles).bind(5, contents).bind(6, sources)
                .bind(7, latencies).bind(8, topKs).bind(9, queryTypes).bind(10, metadata)
                .bind(11, statuses).bind(12, finishReasons).bind(13, errors);
        return Flux.from(statement.execute()).flatMap(result -> result.map(row -> map(row, 0, false)))
                .collectList()
                .filter(rows -> !rows.isEmpty())
                .map(rows -> {
                    if (rows.size() > 1) {
                        rows.sort(Comparator.comparingInt(Message::seq));
                    }
                    return rows;
                });
    }

    public enum Direction { NEWEST, BEFORE, AFTER }

    /**
     * The page, or empty when the session is not the caller's. Rows arrive nearest the cursor first (newest first for
     * NEWEST and BEFORE, oldest first for AFTER); they are kept while their {@code size} adds up to at most
     * {@code byteBudget} (the first is always kept), and the rest of the result is cancelled unread into memory.
     */
    public Mono<PageRows> page(Connection connection, UUID sessionId, String userId, Direction direction, Integer seq, int limit,
                               long byteBudget, ToLongFunction<Message> size) {
        String sql = switch (direction) {
            case NEWEST -> PAGE_NEWEST;
            case BEFORE -> PAGE_BEFORE;
            case AFTER -> PAGE_AFTER;
        };
        Statement statement = connection.createStatement(sql).bind(0, sessionId).bind(1, userId).bind(2, limit);
        if (direction != Direction.NEWEST) {
            statement.bind(3, seq);
        }
        return Flux.defer(() -> {
                    long[] taken = {0, 0}; // bytes, rows of this subscription
                    return Flux.from(statement.execute())
                            .concatMap(result -> result.map(row -> new PageRow(Rows.integer(row, 0),
                                    Rows.uuid(row, 1) == null ? null : map(row, 1, true))))
                            .takeWhile(row -> {
                                if (row.message() == null) {
                                    return true;
                                }
                                long bytes = size.applyAsLong(row.message());
                                if (taken[1] > 0 && taken[0] + bytes > byteBudget) {
                                    return false;
                                }
                                taken[0] += bytes;
                                taken[1]++;
                                return true;
                            });
                })
                .collectList()
                .flatMap(rows -> {
                    if (rows.isEmpty()) {
                        return Mono.empty();
                    }
                    List<Message> messages = new ArrayList<>(rows.size());
                    for (PageRow row : rows) {
                        if (row.message() != null) {
                            messages.add(row.message());
                        }
                    }
                    return Mono.just(new PageRows(rows.get(0).messageCount(), messages));
                });
    }

    public Mono<Message> find(Connection connection, UUID sessionId, String userId, UUID messageId) {
        return Flux.from(connection.createStatement(FIND).bind(0, messageId).bind(1, sessionId).bind(2, userId).execute())
                .flatMap(result -> result.map(row -> map(row, 0, true)))
                .singleOrEmpty();
    }

    /** A message from {@link #COLUMNS} starting at column {@code first}, and its feedback from the {@link #FEEDBACK_COLUMNS} after them. */
    static Message map(Readable row, int first, boolean withFeedback) {
        Feedback feedback = null;
        int f = first + COLUMN_COUNT;
        if (withFeedback && Rows.text(row, f) != null) {
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

    private record PageRow(int messageCount, Message message) {
    }

    /** Messages of one page in the order the SQL returned them, and the session's message count at that instant. */
    public record PageRows(int messageCount, List<Message> messages) {
    }
}
