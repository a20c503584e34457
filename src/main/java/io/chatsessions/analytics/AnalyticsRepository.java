package io.chatsessions.analytics;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The analytics SQL: one aggregate statement per report, over the answers (assistant messages that are
 * {@code completed}) created in the range, each LEFT JOINed to its feedback (at most one row per message).
 *
 * <p>Percentiles are {@code percentile_cont}: the continuous percentile, linear interpolation between the two nearest
 * of the n sorted latencies at the 0-based position p * (n - 1); answers without {@code latency_ms} are left out
 * (null when a group has none). One sort gives all three ({@code percentile_cont(ARRAY[...])}).
 */
@Singleton
public class AnalyticsRepository {

    /**
     * The answers in the range, each reduced to the few narrow values the figures need before anything is sorted:
     * {@code percentile_cont} sorts its groups' rows, and rows that still carried {@code sources} (jsonb) made that sort
     * spill ~760 MB of temporary files for 1,000,000 answers (bench/analytics, docs/BENCHMARKS.md), whose writes
     * stalled the appends' WAL flushes. {@code OFFSET 0} keeps the planner from pulling the projection up past the sort.
     */
    private static final String ANSWERS_IN_RANGE = """
              FROM (SELECT m.query_type, (m.created_at AT TIME ZONE 'UTC')::date AS day, m.latency_ms, m.top_k,
                           jsonb_array_length(m.sources) > 0 AS with_sources, m.sources @> '[{"cited": true}]' AS cited, f.rating
                      FROM messages m
                      LEFT JOIN message_feedback f ON f.message_id = m.id
                     WHERE m.role = 'assistant' AND m.status = 'completed' AND m.created_at >= $1 AND m.created_at < $2
                    OFFSET 0) a""";

    /** {@code %1$s}: the group columns (each followed by a comma), {@code %2$s}: GROUP BY / ORDER BY of them. */
    private static final String ANSWERS = """
            SELECT %1$s count(*),
                   percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY a.latency_ms),
                   avg(a.top_k)::float8,
                   count(*) FILTER (WHERE a.with_sources),
                   count(*) FILTER (WHERE a.cited),
                   count(*) FILTER (WHERE a.rating = 'up'),
                   count(*) FILTER (WHERE a.rating = 'down')
            """ + ANSWERS_IN_RANGE + "\n%2$s";

    /**
     * A document counts once per answer that lists it in {@code sources} (citations), cited when any of its entries in
     * that answer says {@code "cited": true}; its title is the latest answer's non-null one. Each listed entry is
     * reduced to its document id, cited flag and title before the grouping sorts (as in {@link #ANSWERS_IN_RANGE}).
     */
    private static final String SOURCES = """
            WITH listed AS (
                SELECT e.id, e.created_at, e.rating, e.document_id, bool_or(e.cited) AS cited, max(e.title) AS title
                  FROM (SELECT m.id, m.created_at, f.rating, s.value ->> 'document_id' AS document_id,
                               s.value -> 'cited' = 'true'::jsonb AS cited, s.value ->> 'title' AS title
                          FROM messages m
                         CROSS JOIN LATERAL jsonb_array_elements(m.sources) s
                          LEFT JOIN message_feedback f ON f.message_id = m.id
                         WHERE m.role = 'assistant' AND m.status = 'completed' AND m.created_at >= $1 AND m.created_at < $2
                           AND m.sources IS NOT NULL AND s.value ->> 'document_id' IS NOT NULL
                        OFFSET 0) e
                 GROUP BY e.id, e.created_at, e.rating, e.document_id)
            SELECT document_id, (array_agg(title ORDER BY created_at DESC, id DESC) FILTER (WHERE title IS NOT NULL))[1],
                   count(*), count(*) FILTER (WHERE cited),
                   count(*) FILTER (WHERE rating = 'up'), count(*) FILTER (WHERE rating = 'down')
              FROM listed
             GROUP BY document_id
             ORDER BY count(*) DESC, document_id
             LIMIT $3""";

    /**
     * The transaction's limits, in one round trip: its own statement timeout, and no parallel workers, so that one
     * report keeps to one database backend (one core) whatever the range.
     */
    private static final String LIMITS = "SELECT set_config('statement_timeout', $1, true), "
            + "set_config('max_parallel_workers_per_gather', '0', true)";

    public Mono<Void> limit(Connection connection, Duration statementTimeout) {
        return Flux.from(connection.createStatement(LIMITS).bind(0, statementTimeout.toMillis() + "ms").execute())
                .flatMap(result -> result.map(row -> 1))
                .then();
    }

    public Mono<List<AnswerFigures>> answers(Connection connection, TimeRange range, Grouping grouping) {
        String columns = (grouping.byQueryType() ? "a.query_type, " : "") + (grouping.byDay() ? "a.day, " : "");
        String groups = switch (grouping) {
            case QUERY_TYPE -> "GROUP BY 1 ORDER BY 1 NULLS LAST";
            case DAY -> "GROUP BY 1 ORDER BY 1";
            case QUERY_TYPE_AND_DAY -> "GROUP BY 1, 2 ORDER BY 2, 1 NULLS LAST";
        };
        return Flux.from(connection.createStatement(ANSWERS.formatted(columns, groups))
                        .bind(0, utc(range.from())).bind(1, utc(range.to())).execute())
                .flatMap(result -> result.map(row -> answer(row, grouping)))
                .collectList();
    }

    public Mono<List<SourceFigures>> sources(Connection connection, TimeRange range, int limit) {
        return Flux.from(connection.createStatement(SOURCES)
                        .bind(0, utc(range.from())).bind(1, utc(range.to())).bind(2, limit).execute())
                .flatMap(result -> result.map(row -> new SourceFigures(row.get(0, String.class), row.get(1, String.class),
                        count(row, 2), count(row, 3), count(row, 4), count(row, 5))))
                .collectList();
    }

    private static AnswerFigures answer(Readable row, Grouping grouping) {
        int i = 0;
        String queryType = grouping.byQueryType() ? row.get(i++, String.class) : null;
        LocalDate day = grouping.byDay() ? row.get(i++, LocalDate.class) : null;
        long answers = count(row, i++);
        Double[] latency = row.get(i++, Double[].class);
        Double topK = row.get(i++, Double.class);
        return new AnswerFigures(queryType, day, answers,
                latency == null ? null : latency[0], latency == null ? null : latency[1], latency == null ? null : latency[2],
                topK, count(row, i++), count(row, i++), count(row, i++), count(row, i));
    }

    private static long count(Readable row, int index) {
        Long value = row.get(index, Long.class);
        return value == null ? 0 : value;
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
