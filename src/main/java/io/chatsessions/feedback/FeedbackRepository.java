package io.chatsessions.feedback;

import io.chatsessions.db.Rows;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** SQL for {@code message_feedback}. Every statement reaches the message through its session, filtered by user_id. */
@Singleton
public class FeedbackRepository {

    /** The caller's message that may take feedback, with its number of sources. */
    private static final String TARGET = """
            SELECT m.id, m.query_type
              FROM messages m
              JOIN sessions s ON s.id = m.session_id
             WHERE m.id = $1 AND m.session_id = $2 AND s.user_id = $3""";

    private static final String SOURCE_COUNT =
            "CASE WHEN jsonb_typeof(m.sources) = 'array' THEN jsonb_array_length(m.sources) ELSE 0 END";

    /**
     * Stores or replaces the feedback in one statement (one round trip): the target CTE admits only the caller's
     * assistant message that is not in progress and has every rated source index; the INSERT ... SELECT from it then
     * writes nothing for any other message, and ON CONFLICT keeps created_at while it replaces the rest. No row means
     * refused; {@link #classify} says why. Returns the rated message's query_type (for the metric) after the row.
     */
    static final String PUT = "WITH target AS (\n" + TARGET + """

               AND m.role = 'assistant' AND m.status <> 'in_progress'
               AND (SELECT coalesce(max((e ->> 'index')::int), -1) FROM jsonb_array_elements($7::jsonb) e) <\s""" + SOURCE_COUNT + """

            ), saved AS (
                INSERT INTO message_feedback AS f (message_id, rating, reasons, comment, sources, created_at, updated_at)
                SELECT target.id, $4, $5::jsonb, $6, $7::jsonb, now(), now() FROM target
                ON CONFLICT (message_id) DO UPDATE
                   SET rating = EXCLUDED.rating, reasons = EXCLUDED.reasons, comment = EXCLUDED.comment,
                       sources = EXCLUDED.sources, updated_at = EXCLUDED.updated_at
                RETURNING f.rating, f.reasons, f.comment, f.sources, f.created_at, f.updated_at
            )
            SELECT saved.rating, saved.reasons, saved.comment, saved.sources, saved.created_at, saved.updated_at, target.query_type
              FROM saved, target""";

    /** Why a PUT stored nothing: the message's role, status and number of sources (no row: not the caller's message). */
    static final String CLASSIFY = "SELECT m.role, m.status, " + SOURCE_COUNT + """

              FROM messages m
              JOIN sessions s ON s.id = m.session_id
             WHERE m.id = $1 AND m.session_id = $2 AND s.user_id = $3""";

    /** Deletes the feedback of the caller's message in one statement: (is it the caller's message, was feedback deleted). */
    static final String DELETE = "WITH target AS (\n" + TARGET + """

            ), removed AS (
                DELETE FROM message_feedback f USING target WHERE f.message_id = target.id RETURNING f.message_id
            )
            SELECT (SELECT count(*) FROM target)::int, (SELECT count(*) FROM removed)::int""";

    /** The stored feedback and the rated message's query_type, or empty when the message may not take it. */
    public Mono<Saved> put(Connection connection, UUID sessionId, String userId, UUID messageId, FeedbackInput input) {
        var statement = connection.createStatement(PUT)
                .bind(0, messageId).bind(1, sessionId).bind(2, userId)
                .bind(3, input.rating()).bind(4, input.reasonsJson()).bind(6, input.sourcesJson());
        Rows.bindNullable(statement, 5, input.comment(), String.class);
        return Flux.from(statement.execute())
                .flatMap(result -> result.map(row -> new Saved(
                        new Feedback(Rows.text(row, 0), Rows.json(row, 1), Rows.text(row, 2), Rows.json(row, 3),
                                Rows.timestamp(row, 4), Rows.timestamp(row, 5)),
                        Rows.text(row, 6))))
                .singleOrEmpty();
    }

    /** The message's role, status and number of sources, or empty when it is not the caller's. */
    public Mono<Target> classify(Connection connection, UUID sessionId, String userId, UUID messageId) {
        return Flux.from(connection.createStatement(CLASSIFY).bind(0, messageId).bind(1, sessionId).bind(2, userId).execute())
                .flatMap(result -> result.map(row -> new Target(Rows.text(row, 0), Rows.text(row, 1), Rows.integer(row, 2))))
                .singleOrEmpty();
    }

    /** Whether the message is the caller's (feedback, if any, is then gone). */
    public Mono<Boolean> delete(Connection connection, UUID sessionId, String userId, UUID messageId) {
        return Flux.from(connection.createStatement(DELETE).bind(0, messageId).bind(1, sessionId).bind(2, userId).execute())
                .flatMap(result -> result.map(row -> Rows.integer(row, 0) > 0))
                .single();
    }

    public record Saved(Feedback feedback, String queryType) {
    }

    public record Target(String role, String status, int sourceCount) {
    }
}
