package io.chatsessions.session;

import io.chatsessions.db.Rows;
import io.chatsessions.db.UuidV7;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** SQL for {@code sessions}. Every statement filters on user_id: another user's session is indistinguishable from none. */
@Singleton
public class SessionRepository {

    /** Every statement returns these columns in this order ({@link #map} reads them by position); so does io.chatsessions.fork's. */
    public static final String COLUMNS = "id, user_id, title, metadata, archived, message_count, version, created_at, updated_at, "
            + "forked_from_session_id, forked_from_seq";

    private static final String INSERT = """
            INSERT INTO sessions (id, user_id, title, metadata, archived)
            VALUES ($1, $2, $3, $4, $5)
            RETURNING\s""" + COLUMNS;

    private static final String FIND = "SELECT " + COLUMNS + " FROM sessions WHERE id = $1 AND user_id = $2";

    private static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";

    // Keyset pages over sessions_user_recency_idx: newest first, ties broken by id, never OFFSET.
    private static final String LIST_FIRST = "SELECT " + COLUMNS + """
             FROM sessions
            WHERE user_id = $1 AND archived = $2
            ORDER BY updated_at DESC, id DESC
            LIMIT $3""";

    private static final String LIST_AFTER = "SELECT " + COLUMNS + """
             FROM sessions
            WHERE user_id = $1 AND archived = $2 AND (updated_at, id) < ($4, $5)
            ORDER BY updated_at DESC, id DESC
            LIMIT $3""";

    // The caller already holds the row lock of the user's own session; user_id is filtered again so that no code
    // path can ever change another user's row through this statement (defence in depth).
    static final String UPDATE = """
            UPDATE sessions
               SET title = $3, metadata = $4, archived = $5, version = version + 1,
                   updated_at = greatest(updated_at, clock_timestamp())
             WHERE id = $1 AND user_id = $2
            RETURNING\s""" + COLUMNS;

    private static final String DELETE = "DELETE FROM sessions WHERE id = $1 AND user_id = $2";

    /** The new session; its id is minted here (UUIDv7). */
    public Mono<Session> insert(Connection connection, String userId, SessionInput session) {
        return one(writable(connection.createStatement(INSERT).bind(0, UuidV7.next()).bind(1, userId),
                session.title(), session.metadata(), session.archived()));
    }

    public Mono<Session> find(Connection connection, UUID id, String userId) {
        return one(connection.createStatement(FIND).bind(0, id).bind(1, userId));
    }

    public Mono<Session> findForUpdate(Connection connection, UUID id, String userId) {
        return one(connection.createStatement(FIND_FOR_UPDATE).bind(0, id).bind(1, userId));
    }

    public Flux<Session> list(Connection connection, String userId, boolean archived, int limit, SessionCursor after) {
        Statement statement = connection.createStatement(after == null ? LIST_FIRST : LIST_AFTER)
                .bind(0, userId).bind(1, archived).bind(2, limit);
        if (after != null) {
            statement.bind(3, after.updatedAt()).bind(4, after.id());
        }
        return many(statement);
    }

    /** The updated session, or empty when it is not the user's. */
    public Mono<Session> update(Connection connection, String userId, Session changed) {
        return one(writable(connection.createStatement(UPDATE).bind(0, changed.id()).bind(1, userId),
                changed.title(), changed.metadataJson(), changed.archived()));
    }

    public Mono<Long> delete(Connection connection, UUID id, String userId) {
        return Flux.from(connection.createStatement(DELETE).bind(0, id).bind(1, userId).execute())
                .flatMap(result -> result.getRowsUpdated())
                .reduce(0L, Long::sum);
    }

    /** INSERT and UPDATE take the writable fields as $3, $4, $5. */
    private static Statement writable(Statement statement, String title, String metadataJson, boolean archived) {
        Rows.bindNullable(statement, 2, title, String.class);
        Rows.bindJson(statement, 3, metadataJson);
        return statement.bind(4, archived);
    }

    private static Mono<Session> one(Statement statement) {
        return many(statement).singleOrEmpty();
    }

    private static Flux<Session> many(Statement statement) {
        return Flux.from(statement.execute()).flatMap(result -> result.map(SessionRepository::map));
    }

    public static Session map(Readable row) {
        UUID forkedFrom = Rows.uuid(row, 9);
        return new Session(
                Rows.uuid(row, 0),
                Rows.text(row, 1),
                Rows.text(row, 2),
                Rows.json(row, 3),
                Rows.bool(row, 4),
                Rows.integer(row, 5),
                Rows.integer(row, 6),
                Rows.timestamp(row, 7),
                Rows.timestamp(row, 8),
                forkedFrom == null ? null : new ForkedFrom(forkedFrom, Rows.integer(row, 10)));
    }
}
