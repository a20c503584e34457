package io.chatsessions.message;

import io.chatsessions.db.Rows;
import io.chatsessions.feedback.Feedback;
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
    public static final String COLUMNS = "m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, "
            + "m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, "
            + "CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at";
    private static final int COLUMN_COUNT = 17;

    /** The message's feedback from {@code message_feedback f} (all NULL for none), after {@link #COLUMNS}. */
    public static final String FEEDBACK_COLUMNS = "f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, "
            + "f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at";

    /**
     * Appends n messages in one statement (one round trip, atomic). The UPDATE takes the session's row lock and
     * reserves seqs message_count+1 .. message_count+n, so concurrent appends to one session serialise on that lock
     * and get consecutive seqs in commit order with no gap; the INSERT reads the reserved range from the CTE.
     * It writes the owner (user_id) from the session row it already holds, so V3's messages_owner trigger (which
     * fires only WHEN NEW.user_id IS NULL) costs this path no per-row session lookup.
     * No row when the session does not exist or belongs to someone else.
     */
    static final String APPEND = """
            WITH session AS (
                UPDATE sessions
                   SET message_count = message_count + $3, version = version + 1,
                       updated_at = greatest(updated_at, clock_timestamp())
                 WHERE id = $1 AND user_id = $2
                RETURNING id, user_id, message_count
            )
            INSERT INTO messages AS m (id, session_id, user_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata,
                                       created_at, status, finish_reason, error)
            SELECT i.id, session.id, session.user_id, session.message_count - $3 + i.ord, i.role, i.content, i.sources::jsonb,
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
     * Patches an in_progress message in one statement (one round trip): the UPDATE's WHERE holds every condition
     * (owner, in_progress, If-Match versions, non-empty content when completed, the message size), so no row means one of
     * them failed and the caller classifies with a second read. The first %s takes the session's row lock before the
     * message's when the patch completes it (the order appends and session deletes take them in), and the completed
     * CTE then bumps the session's version and updated_at; a patch that leaves it in_progress touches only its row.
     * {@code $4} names the fields present (a present nullable field may set NULL); {@code $10} is the whole metadata
     * after the merge, or NULL to keep it. The size is content plus sources plus metadata in UTF-8 bytes, new values as
     * sent (compact JSON, as an append measures them) and kept ones as PostgreSQL writes the stored jsonb.
     */
    private static final String PATCH = """
            WITH owner AS (
                SELECT id FROM sessions WHERE id = $2 AND user_id = $3%s
            ), m AS (
                UPDATE messages AS m
                   SET content = coalesce($5::text, m.content),
                       sources = CASE WHEN 'sources' = ANY($4::text[]) THEN $6::text::jsonb ELSE m.sources END,
                       latency_ms = CASE WHEN 'latency_ms' = ANY($4::text[]) THEN $7::int ELSE m.latency_ms END,
                       top_k = CASE WHEN 'top_k' = ANY($4::text[]) THEN $8::int ELSE m.top_k END,
                       query_type = CASE WHEN 'query_type' = ANY($4::text[]) THEN $9::text ELSE m.query_type END,
                       metadata = coalesce($10::text::jsonb, m.metadata),
                       status = coalesce($11::text, m.status),
                       finish_reason = CASE WHEN 'finish_reason' = ANY($4::text[]) THEN $12::text ELSE m.finish_reason END,
                       error = CASE WHEN 'error' = ANY($4::text[]) THEN $13::text::jsonb ELSE m.error END,
                       version = m.version + 1,
                       updated_at = clock_timestamp(),
                       completed_at = CASE WHEN coalesce($11::text, m.status) <> 'in_progress' THEN clock_timestamp() END
                 WHERE m.id = $1 AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
                   AND (cardinality($14::int[]) = 0 OR m.version = ANY($14::int[]))
                   AND (coalesce($11::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce($5::text, m.content) <> '')
                   AND octet_length(coalesce($5::text, m.content))
                       + coalesce(octet_length(CASE WHEN 'sources' = ANY($4::text[]) THEN $6::text ELSE m.sources::text END), 0)
                       + octet_length(coalesce($10::text, m.metadata::text)) <= $15::int
                RETURNING m.*
            ), completed AS (
                UPDATE sessions AS s
                   SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
                  FROM m
                 WHERE s.id = m.session_id AND m.status <> 'in_progress'
            )
            SELECT\s""" + COLUMNS + " FROM m";
    private static final String PATCH_UPDATE = PATCH.formatted("");
    private static final String PATCH_COMPLETE = PATCH.formatted(" FOR NO KEY UPDATE");

    /**
     * The message locked for a read-modify-write (a metadata merge), its session locked first when the patch completes
     * it (the lock order of {@link #PATCH}).
     */
    private static final String FIND_FOR_PATCH = """
            WITH owner AS (
                SELECT id FROM sessions WHERE id = $2 AND user_id = $3%s
            )
            SELECT\s""" + COLUMNS + """

              FROM messages m
             WHERE m.id = $1 AND m.session_id = (SELECT id FROM owner)
               FOR UPDATE OF m""";
    private static final String FIND_FOR_UPDATE = FIND_FOR_PATCH.formatted("");
    private static final String FIND_FOR_COMPLETION = FIND_FOR_PATCH.formatted(" FOR NO KEY UPDATE");

    /**
     * Fails, once, up to $2 in_progress messages not updated for $1 milliseconds ({@code finish_reason: abandoned}), and
     * bumps their sessions' version and updated_at; returns the session id of each. The candidates come oldest first
     * from messages_in_progress_idx (every in-progress row, sorted here), their sessions locked with SKIP LOCKED: pods
     * sweeping at the same time take disjoint batches and never wait for each other, and the session lock comes before
     * the message's, as in an append, a completing PATCH and a session delete (a message lock taken first could
     * deadlock with a delete's cascade). The outer conditions are re-checked on the row the UPDATE locks, so a message
     * patched meanwhile (or already swept by another pod) is left alone: each abandoned message is failed exactly once.
     */
    private static final String SWEEP_ABANDONED = """
            WITH swept AS (
                UPDATE messages AS m
                   SET status = 'failed', finish_reason = 'abandoned', version = m.version + 1,
                       updated_at = clock_timestamp(), completed_at = clock_timestamp()
                 WHERE m.id IN (
                           SELECT c.id
                             FROM messages c
                             JOIN sessions s ON s.id = c.session_id
                            WHERE c.status = 'in_progress'
                              AND coalesce(c.updated_at, c.created_at) < now() - $1::bigint * interval '1 millisecond'
                            ORDER BY coalesce(c.updated_at, c.created_at)
                            LIMIT $2
                              FOR NO KEY UPDATE OF s SKIP LOCKED)
                   AND m.status = 'in_progress'
                   AND coalesce(m.updated_at, m.created_at) < now() - $1::bigint * interval '1 millisecond'
                RETURNING m.session_id
            ), sessions_touched AS (
                UPDATE sessions AS s
                   SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
                 WHERE s.id IN (SELECT session_id FROM swept)
            )
            SELECT session_id FROM swept""";

    /**
     * The appended messages in seq order, or empty when the session is not the caller's. Ids are minted here
     * (UUIDv7, so they sort by time like seqs).
     */
    public Mono<List<Message>> append(Connection connection, UUID sessionId, String userId, List<MessageInput> messages) {
        int n = messages.size();
        MessageColumns c = MessageColumns.of(messages);
        Statement statement = connection.createStatement(APPEND)
                .bind(0, sessionId).bind(1, userId).bind(2, n)
                .bind(3, c.ids()).bind(4, c.roles()).bind(5, c.contents()).bind(6, c.sources())
                .bind(7, c.latencies()).bind(8, c.topKs()).bind(9, c.queryTypes()).bind(10, c.metadata())
                .bind(11, c.statuses()).bind(12, c.finishReasons()).bind(13, c.errors());
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

    /**
     * The patched message (without feedback: one in progress has none), or empty when no row met the conditions of
     * {@link #PATCH}. {@code mergedMetadata} is the metadata to store (null keeps it); {@code versions} the If-Match
     * versions (empty for any).
     */
    public Mono<Message> patch(Connection connection, UUID sessionId, String userId, UUID messageId, MessagePatch patch,
                               String mergedMetadata, List<Integer> versions, int maxMessageBytes) {
        Statement statement = connection.createStatement(patch.completes() ? PATCH_COMPLETE : PATCH_UPDATE)
                .bind(0, messageId).bind(1, sessionId).bind(2, userId)
                .bind(3, patch.sets().toArray(String[]::new));
        Rows.bindNullable(statement, 4, patch.content(), String.class);
        Rows.bindNullable(statement, 5, patch.sources(), String.class);
        Rows.bindNullable(statement, 6, patch.latencyMs(), Integer.class);
        Rows.bindNullable(statement, 7, patch.topK(), Integer.class);
        Rows.bindNullable(statement, 8, patch.queryType(), String.class);
        Rows.bindNullable(statement, 9, mergedMetadata, String.class);
        Rows.bindNullable(statement, 10, patch.status(), String.class);
        Rows.bindNullable(statement, 11, patch.finishReason(), String.class);
        Rows.bindNullable(statement, 12, patch.error(), String.class);
        statement.bind(13, versions.toArray(Integer[]::new)).bind(14, maxMessageBytes);
        return Flux.from(statement.execute())
                .flatMap(result -> result.map(row -> map(row, 0, false)))
                .singleOrEmpty();
    }

    /** The message under a row lock (and its session's, when {@code completing}), or empty when it is not the caller's. */
    public Mono<Message> findForPatch(Connection connection, UUID sessionId, String userId, UUID messageId, boolean completing) {
        return Flux.from(connection.createStatement(completing ? FIND_FOR_COMPLETION : FIND_FOR_UPDATE)
                        .bind(0, messageId).bind(1, sessionId).bind(2, userId).execute())
                .flatMap(result -> result.map(row -> map(row, 0, false)))
                .singleOrEmpty();
    }

    /** One sweep batch (see {@link #SWEEP_ABANDONED}): the session id of every message it failed, one per message. */
    public Mono<List<UUID>> sweepAbandoned(Connection connection, java.time.Duration abandonAfter, int batch) {
        return Flux.from(connection.createStatement(SWEEP_ABANDONED).bind(0, abandonAfter.toMillis()).bind(1, batch).execute())
                .flatMap(result -> result.map(row -> Rows.uuid(row, 0)))
                .collectList();
    }

    /** A message from {@link #COLUMNS} starting at column {@code first}, and its feedback from the {@link #FEEDBACK_COLUMNS} after them. */
    public static Message map(Readable row, int first, boolean withFeedback) {
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
