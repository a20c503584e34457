package io.chatsessions.fork;

import io.chatsessions.db.Rows;
import io.chatsessions.db.UuidV7;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionRepository;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** SQL of a fork; its three statements run in one transaction (ForkService). */
@Singleton
public class ForkRepository {

    /**
     * The source session, row-locked FOR SHARE until the fork commits. Appends, session patches and deletes (and a
     * message completing, which bumps the session) UPDATE or DELETE this row, which conflicts with FOR SHARE, so none
     * of them commits between this read and the copy: the fork's title, metadata and message_count are those of the
     * instant its messages are copied at, and the source cannot vanish under the copy (which would leave a fork with
     * fewer messages than its message_count). Concurrent forks of one source share the lock and do not wait for each
     * other. The copy must be a later statement: in READ COMMITTED each statement takes its snapshot when it starts,
     * so only a statement after the lock is granted sees what committed while it waited.
     */
    static final String LOCK_SOURCE = "SELECT " + SessionRepository.COLUMNS + " FROM sessions WHERE id = $1 AND user_id = $2 FOR SHARE";

    static final String INSERT_FORK = """
            INSERT INTO sessions (id, user_id, title, metadata, archived, message_count, forked_from_session_id, forked_from_seq)
            VALUES ($1, $2, $3, $4, false, $5, $6, $5)
            RETURNING\s""" + SessionRepository.COLUMNS;

    /**
     * Copies messages 1..n of session $1 into session $2 in one statement: the new ids ($3, minted in Java, in seq
     * order) are joined by their ordinality to the source's seqs, over the (session_id, seq) unique index. Every stored
     * column is copied as it is (created_at, version, updated_at, completed_at included), so the copy reads exactly as
     * the original; feedback lives in its own table and is not copied. Answers how many rows were copied and the lowest
     * in-progress seq among them: the caller refuses the fork then, which rolls the copy back (a refusal is rare, so
     * this costs less than a separate check before every copy).
     */
    static final String COPY_MESSAGES = """
            WITH copied AS (
                INSERT INTO messages (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata,
                                      created_at, status, finish_reason, error, version, updated_at, completed_at)
                SELECT i.id, $2, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata,
                       m.created_at, m.status, m.finish_reason, m.error, m.version, m.updated_at, m.completed_at
                  FROM unnest($3::uuid[]) WITH ORDINALITY AS i(id, seq)
                  JOIN messages m ON m.session_id = $1 AND m.seq = i.seq
                RETURNING seq, status
            )
            SELECT count(*)::int, min(seq) FILTER (WHERE status = 'in_progress') FROM copied""";

    /** The caller's session, locked until the transaction ends; empty when it is not the caller's. */
    public Mono<Session> lockSource(Connection connection, UUID id, String userId) {
        return one(connection.createStatement(LOCK_SOURCE).bind(0, id).bind(1, userId));
    }

    /** The new session (id minted here, UUIDv7), forked from {@code source} at {@code lastSeq}; it has the source's metadata. */
    public Mono<Session> insertFork(Connection connection, String userId, Session source, String title, int lastSeq) {
        Statement statement = connection.createStatement(INSERT_FORK).bind(0, UuidV7.next()).bind(1, userId);
        Rows.bindNullable(statement, 2, title, String.class);
        Rows.bindJson(statement, 3, source.metadataJson());
        return one(statement.bind(4, lastSeq).bind(5, source.id()));
    }

    /** What {@link #COPY_MESSAGES} did: rows copied, and the lowest seq among them still in progress (null: none). */
    public record Copy(int copied, Integer firstInProgressSeq) {
    }

    public Mono<Copy> copyMessages(Connection connection, UUID sourceId, UUID forkId, int lastSeq) {
        UUID[] ids = new UUID[lastSeq];
        for (int i = 0; i < lastSeq; i++) {
            ids[i] = UuidV7.next();
        }
        Statement statement = connection.createStatement(COPY_MESSAGES).bind(0, sourceId).bind(1, forkId).bind(2, ids);
        return Flux.from(statement.execute())
                .flatMap(result -> result.map(row -> new Copy(Rows.integer(row, 0), Rows.integer(row, 1))))
                .single();
    }

    private static Mono<Session> one(Statement statement) {
        return Flux.from(statement.execute()).flatMap(result -> result.map(SessionRepository::map)).singleOrEmpty();
    }
}
