package io.chatsessions.idempotency;

import io.chatsessions.db.Rows;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/** SQL for {@code idempotency_keys}. */
@Singleton
public class IdempotencyRepository {

    /**
     * Claims a key for this request. An expired record (older than 24 h) or an abandoned claim (in flight longer than
     * any request can run, e.g. its pod was killed before commit) is taken over; a live record is left alone.
     */
    private static final String CLAIM = """
            INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, state)
            VALUES ($1, $2, $3, 'in_flight')
            ON CONFLICT (user_id, idempotency_key) DO UPDATE
               SET request_hash = EXCLUDED.request_hash, state = 'in_flight', created_at = now(),
                   response_status = NULL, response_location = NULL, response_body = NULL
             WHERE idempotency_keys.created_at < now() - interval '24 hours'
                OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at < now() - make_interval(secs => $4))
            RETURNING 1 AS claimed""";

    private static final String FIND = """
            SELECT request_hash, state, response_status, response_location, response_body
              FROM idempotency_keys
             WHERE user_id = $1 AND idempotency_key = $2""";

    private static final String COMPLETE = """
            UPDATE idempotency_keys
               SET state = 'completed', response_status = $3, response_location = $4, response_body = $5
             WHERE user_id = $1 AND idempotency_key = $2 AND state = 'in_flight'""";

    private static final String RELEASE = """
            DELETE FROM idempotency_keys WHERE user_id = $1 AND idempotency_key = $2 AND state = 'in_flight'""";

    private static final String PURGE_EXPIRED = """
            DELETE FROM idempotency_keys
             WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < now() - interval '24 hours' LIMIT $1)""";

    public Mono<Boolean> claim(Connection connection, String userId, String key, String requestHash, long abandonedAfterSeconds) {
        return Flux.from(connection.createStatement(CLAIM)
                        .bind(0, userId).bind(1, key).bind(2, requestHash).bind(3, (double) abandonedAfterSeconds)
                        .execute())
                .flatMap(result -> result.map(row -> Boolean.TRUE))
                .singleOrEmpty()
                .defaultIfEmpty(false);
    }

    public Mono<IdempotencyRecord> find(Connection connection, String userId, String key) {
        return Flux.from(connection.createStatement(FIND).bind(0, userId).bind(1, key).execute())
                .flatMap(result -> result.map(row -> {
                    boolean completed = "completed".equals(Rows.text(row, "state"));
                    StoredResponse response = completed
                            ? new StoredResponse(Rows.integer(row, "response_status"), Rows.text(row, "response_location"),
                                    Rows.text(row, "response_body").getBytes(StandardCharsets.UTF_8))
                            : null;
                    return new IdempotencyRecord(Rows.text(row, "request_hash"), completed, response);
                }))
                .singleOrEmpty();
    }

    public Mono<Long> complete(Connection connection, String userId, String key, StoredResponse response) {
        var statement = connection.createStatement(COMPLETE)
                .bind(0, userId).bind(1, key).bind(2, response.status());
        Rows.bindNullable(statement, 3, response.location(), String.class);
        // the column is text: the body is UTF-8 JSON, so the bytes come back exactly as stored
        statement.bind(4, new String(response.body(), StandardCharsets.UTF_8));
        return Flux.from(statement.execute()).flatMap(result -> result.getRowsUpdated()).reduce(0L, Long::sum);
    }

    public Mono<Long> release(Connection connection, String userId, String key) {
        return Flux.from(connection.createStatement(RELEASE).bind(0, userId).bind(1, key).execute())
                .flatMap(result -> result.getRowsUpdated()).reduce(0L, Long::sum);
    }

    public Mono<Long> purgeExpired(Connection connection, int batchSize) {
        return Flux.from(connection.createStatement(PURGE_EXPIRED).bind(0, batchSize).execute())
                .flatMap(result -> result.getRowsUpdated()).reduce(0L, Long::sum);
    }
}
