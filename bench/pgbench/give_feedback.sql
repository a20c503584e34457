-- pgbench script of the chat-sessions benchmark (bench/run.sh, see docs/BENCHMARKS.md): give feedback, as PUT /api/v1/sessions/{id}/messages/{message_id}/feedback with {"rating":"up"} does it (one statement, its own transaction): on the answer at seq 2 of a random regular session (a completed assistant message of the loaded data); the first PUT on a message inserts, later ones replace (ON CONFLICT DO UPDATE), on both sides alike.
--
-- Each statement at the end of this file is the service's own SQL, quoted below from the constant named on its
-- "service-sql" line (a block that names a constant quoted above does not quote it again), with each bind parameter $N
-- replaced by the expression on its "-- $N =>" line (pgbench variables are integers, so UUIDs and user ids are computed
-- from them by the helpers in bench/sql/functions.sql). src/test/java/io/chatsessions/bench/PgbenchSqlDriftTest.java
-- fails when the service's SQL changes, so this file cannot drift from it. Run with -M prepared: the service's driver
-- also uses named prepared statements.
--
-- service-sql: io.chatsessions.feedback.FeedbackRepository#PUT
--   | WITH target AS (
--   | SELECT m.id, m.query_type
--   |   FROM messages m
--   |   JOIN sessions s ON s.id = m.session_id
--   |  WHERE m.id = $1 AND m.session_id = $2 AND s.user_id = $3
--   | AND m.role = 'assistant' AND m.status <> 'in_progress'
--   | AND (SELECT coalesce(max((e ->> 'index')::int), -1) FROM jsonb_array_elements($7::jsonb) e) < CASE WHEN jsonb_typeof(m.sources) = 'array' THEN jsonb_array_length(m.sources) ELSE 0 END
--   | ), saved AS (
--   |     INSERT INTO message_feedback AS f (message_id, rating, reasons, comment, sources, created_at, updated_at)
--   |     SELECT target.id, $4, $5::jsonb, $6, $7::jsonb, now(), now() FROM target
--   |     ON CONFLICT (message_id) DO UPDATE
--   |        SET rating = EXCLUDED.rating, reasons = EXCLUDED.reasons, comment = EXCLUDED.comment,
--   |            sources = EXCLUDED.sources, updated_at = EXCLUDED.updated_at
--   |     RETURNING f.rating, f.reasons, f.comment, f.sources, f.created_at, f.updated_at
--   | )
--   | SELECT saved.rating, saved.reasons, saved.comment, saved.sources, saved.created_at, saved.updated_at, target.query_type
--   |   FROM saved, target
--
-- $1 => bench.message_id(:sid, 2)
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => 'up'
-- $5 => '[]'
-- $6 => NULL
-- $7 => '[]'
--
-- $5 and $7 are what the service binds for a body without reasons and sources (empty JSON arrays); $6 is the absent comment.
--
\set u random(:u_lo, :u_hi)
\set k random(:k_lo, :k_hi)
\set sid :u * 100000 + :k
WITH target AS (
SELECT m.id, m.query_type
  FROM messages m
  JOIN sessions s ON s.id = m.session_id
 WHERE m.id = bench.message_id(:sid, 2) AND m.session_id = bench.session_id(:sid) AND s.user_id = bench.user_id(:u)
AND m.role = 'assistant' AND m.status <> 'in_progress'
AND (SELECT coalesce(max((e ->> 'index')::int), -1) FROM jsonb_array_elements('[]'::jsonb) e) < CASE WHEN jsonb_typeof(m.sources) = 'array' THEN jsonb_array_length(m.sources) ELSE 0 END
), saved AS (
    INSERT INTO message_feedback AS f (message_id, rating, reasons, comment, sources, created_at, updated_at)
    SELECT target.id, 'up', '[]'::jsonb, NULL, '[]'::jsonb, now(), now() FROM target
    ON CONFLICT (message_id) DO UPDATE
       SET rating = EXCLUDED.rating, reasons = EXCLUDED.reasons, comment = EXCLUDED.comment,
           sources = EXCLUDED.sources, updated_at = EXCLUDED.updated_at
    RETURNING f.rating, f.reasons, f.comment, f.sources, f.created_at, f.updated_at
)
SELECT saved.rating, saved.reasons, saved.comment, saved.sources, saved.created_at, saved.updated_at, target.query_type
  FROM saved, target;
