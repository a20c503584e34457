package io.chatsessions.importing;

import io.chatsessions.db.Rows;
import io.chatsessions.db.UuidV7;
import io.chatsessions.message.MessageColumns;
import io.chatsessions.message.MessageInput;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionRepository;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The import in one statement: the session and all its messages (unnest of arrays, as the batch append), so it is
 * all or nothing without a transaction spanning round trips; feedback carried over with its messages. New ids (UUIDv7), seqs 1..n in the given order.
 */
@Singleton
public class ImportRepository {

    private static final String IMPORT = """
            WITH session AS (
                INSERT INTO sessions (id, user_id, title, metadata, archived, message_count, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                RETURNING\s""" + SessionRepository.COLUMNS + """
            ), inserted AS (
                INSERT INTO messages (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata,
                                      created_at, status, finish_reason, error)
                SELECT i.id, session.id, i.ord, i.role, i.content, i.sources::jsonb, i.latency_ms, i.top_k, i.query_type,
                       i.metadata::jsonb, i.created_at, i.status, i.finish_reason, i.error::jsonb
                  FROM session,
                       unnest($9::uuid[], $10::text[], $11::text[], $12::text[], $13::int[], $14::int[], $15::text[],
                              $16::text[], $17::timestamptz[], $18::text[], $19::text[], $20::text[])
                           WITH ORDINALITY AS i(id, role, content, sources, latency_ms, top_k, query_type, metadata,
                                                created_at, status, finish_reason, error, ord)
            ), rated AS (
                -- The foreign key to messages is checked at the end of the statement, after "inserted" ran.
                INSERT INTO message_feedback (message_id, rating, reasons, comment, sources, created_at, updated_at)
                SELECT f.message_id, f.rating, f.reasons::jsonb, f.comment, f.sources::jsonb, f.created_at, f.updated_at
                  FROM unnest($21::uuid[], $22::text[], $23::text[], $24::text[], $25::text[], $26::timestamptz[], $27::timestamptz[])
                           AS f(message_id, rating, reasons, comment, sources, created_at, updated_at)
            )
            SELECT\s""" + SessionRepository.COLUMNS + " FROM session";

    /** In a transaction: its statement_timeout is set (SET LOCAL) to {@code timeout} first. */
    public Mono<Session> insert(Connection connection, String userId, ImportInput input, Duration timeout) {
        List<MessageInput> messages = input.messages();
        int n = messages.size();
        MessageColumns c = MessageColumns.of(messages);
        OffsetDateTime[] createdAt = input.messageCreatedAt().toArray(new OffsetDateTime[0]);
        Statement statement = connection.createStatement(IMPORT).bind(0, UuidV7.next()).bind(1, userId);
        Rows.bindNullable(statement, 2, input.title(), String.class);
        Rows.bindJson(statement, 3, input.metadata()).bind(4, input.archived()).bind(5, n)
                .bind(6, input.createdAt()).bind(7, input.updatedAt())
                .bind(8, c.ids()).bind(9, c.roles()).bind(10, c.contents()).bind(11, c.sources()).bind(12, c.latencies())
                .bind(13, c.topKs()).bind(14, c.queryTypes()).bind(15, c.metadata()).bind(16, createdAt).bind(17, c.statuses())
                .bind(18, c.finishReasons()).bind(19, c.errors());
        List<ImportInput.Rated> rated = input.feedback();
        int r = rated.size();
        UUID[] ratedIds = new UUID[r];
        String[] ratings = new String[r];
        String[] reasons = new String[r];
        String[] comments = new String[r];
        String[] ratedSources = new String[r];
        OffsetDateTime[] ratedAt = new OffsetDateTime[r];
        OffsetDateTime[] reratedAt = new OffsetDateTime[r];
        for (int i = 0; i < r; i++) {
            ImportInput.Rated f = rated.get(i);
            ratedIds[i] = c.ids()[f.index()];
            ratings[i] = f.feedback().rating();
            reasons[i] = f.feedback().reasonsJson();
            comments[i] = f.feedback().comment();
            ratedSources[i] = f.feedback().sourcesJson();
            ratedAt[i] = f.createdAt();
            reratedAt[i] = f.updatedAt();
        }
        statement.bind(20, ratedIds).bind(21, ratings).bind(22, reasons).bind(23, comments).bind(24, ratedSources)
                .bind(25, ratedAt).bind(26, reratedAt);
        Statement deadline = connection.createStatement("SELECT set_config('statement_timeout', $1, true)").bind(0, timeout.toMillis() + "ms");
        return Flux.from(deadline.execute()).flatMap(result -> result.map(row -> 1)).then()
                .thenMany(Flux.from(statement.execute()).flatMap(result -> result.map(SessionRepository::map))).single();
    }
}
