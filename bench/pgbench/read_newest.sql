-- pgbench script of the chat-sessions benchmark (bench/run.sh, see docs/BENCHMARKS.md): read the newest 50 messages of a session, as GET /api/v1/sessions/{id}/messages does it.
--
-- The statement at the end of this file is the service's own SQL, quoted below from the constant named on the
-- "service-sql" line, with each bind parameter $N replaced by the expression on its "-- $N =>" line (pgbench
-- variables are integers, so UUIDs and user ids are computed from them by the helpers in bench/sql/functions.sql).
-- src/test/java/io/chatsessions/bench/PgbenchSqlDriftTest.java fails when the service's SQL changes, so this file
-- cannot drift from it. Run with -M prepared: the service's driver also uses named prepared statements.
--
-- service-sql: io.chatsessions.message.MessageRepository#PAGE_NEWEST
--   | SELECT s.message_count, p.*
--   |   FROM sessions s
--   |   LEFT JOIN LATERAL (
--   |       SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at, f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at  FROM messages m
--   |   LEFT JOIN message_feedback f ON f.message_id = m.id
--   | WHERE m.session_id = s.id ORDER BY m.seq DESC LIMIT $3
--   |  ) p ON true
--   | WHERE s.id = $1 AND s.user_id = $2
--
-- $1 => bench.session_id(:sid)
-- $2 => bench.user_id(:u)
-- $3 => :limit
--
-- :page is 50 (bench/src/DataLoader.java passes -D page=50, the service's default page) except in the scale check's
-- same-page-size cases, which ask both sides for 10.
--
\set u random(:u_lo, :u_hi)
\set k random(:k_lo, :k_hi)
\set sid :u * 100000 + :k
\set limit :page
SELECT s.message_count, p.*
  FROM sessions s
  LEFT JOIN LATERAL (
      SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at, f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at  FROM messages m
  LEFT JOIN message_feedback f ON f.message_id = m.id
WHERE m.session_id = s.id ORDER BY m.seq DESC LIMIT :limit
 ) p ON true
WHERE s.id = bench.session_id(:sid) AND s.user_id = bench.user_id(:u);
