-- Plans of the two 30-day reports of bench/analytics/run.sh: AnalyticsRepository's ANSWERS (group_by=query_type,day)
-- and SOURCES, copied here with their bind parameters as psql variables, under the limits the service sets
-- (AnalyticsRepository.LIMITS: no parallel workers; the statement timeout is left out so that a slow plan is shown whole).
--   psql -v from="'2026-11-01T00:00:00Z'" -v to="'2026-12-01T00:00:00Z'" -f bench/analytics/explain.sql
SET search_path = chat, public;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (ANALYZE, BUFFERS)
SELECT a.query_type, a.day, count(*),
       percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY a.latency_ms),
       avg(a.top_k)::float8,
       count(*) FILTER (WHERE a.with_sources), count(*) FILTER (WHERE a.cited),
       count(*) FILTER (WHERE a.rating = 'up'), count(*) FILTER (WHERE a.rating = 'down')
  FROM (SELECT m.query_type, (m.created_at AT TIME ZONE 'UTC')::date AS day, m.latency_ms, m.top_k,
               jsonb_array_length(m.sources) > 0 AS with_sources, m.sources @> '[{"cited": true}]' AS cited, f.rating
          FROM messages m
          LEFT JOIN message_feedback f ON f.message_id = m.id
         WHERE m.role = 'assistant' AND m.status = 'completed' AND m.created_at >= :from::timestamptz AND m.created_at < :to::timestamptz
        OFFSET 0) a
 GROUP BY 1, 2 ORDER BY 2, 1 NULLS LAST;
EXPLAIN (ANALYZE, BUFFERS)
WITH listed AS (
    SELECT e.id, e.created_at, e.rating, e.document_id, bool_or(e.cited) AS cited, max(e.title) AS title
      FROM (SELECT m.id, m.created_at, f.rating, s.value ->> 'document_id' AS document_id,
                   s.value -> 'cited' = 'true'::jsonb AS cited, s.value ->> 'title' AS title
              FROM messages m
             CROSS JOIN LATERAL jsonb_array_elements(m.sources) s
              LEFT JOIN message_feedback f ON f.message_id = m.id
             WHERE m.role = 'assistant' AND m.status = 'completed' AND m.created_at >= :from::timestamptz AND m.created_at < :to::timestamptz
               AND m.sources IS NOT NULL AND s.value ->> 'document_id' IS NOT NULL
            OFFSET 0) e
     GROUP BY e.id, e.created_at, e.rating, e.document_id)
SELECT document_id, (array_agg(title ORDER BY created_at DESC, id DESC) FILTER (WHERE title IS NOT NULL))[1],
       count(*), count(*) FILTER (WHERE cited),
       count(*) FILTER (WHERE rating = 'up'), count(*) FILTER (WHERE rating = 'down')
  FROM listed
 GROUP BY document_id
 ORDER BY count(*) DESC, document_id
 LIMIT 20;
