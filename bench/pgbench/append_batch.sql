-- pgbench script of the chat-sessions benchmark (bench/run.sh, see docs/BENCHMARKS.md): append a user message and the assistant's answer in one call, as POST /api/v1/sessions/{id}/messages:batch does it (one statement, its own transaction).
--
-- The statement at the end of this file is the service's own SQL, quoted below from the constant named on the
-- "service-sql" line, with each bind parameter $N replaced by the expression on its "-- $N =>" line (pgbench
-- variables are integers, so UUIDs and user ids are computed from them by the helpers in bench/sql/functions.sql).
-- src/test/java/io/chatsessions/bench/PgbenchSqlDriftTest.java fails when the service's SQL changes, so this file
-- cannot drift from it. Run with -M prepared: the service's driver also uses named prepared statements.
--
-- service-sql: io.chatsessions.message.MessageRepository#APPEND
--   | WITH session AS (
--   |     UPDATE sessions
--   |        SET message_count = message_count + $3, version = version + 1,
--   |            updated_at = greatest(updated_at, clock_timestamp())
--   |      WHERE id = $1 AND user_id = $2
--   |     RETURNING id, user_id, message_count
--   | )
--   | INSERT INTO messages AS m (id, session_id, user_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata,
--   |                            created_at, status, finish_reason, error)
--   | SELECT i.id, session.id, session.user_id, session.message_count - $3 + i.ord, i.role, i.content, i.sources::jsonb,
--   |        i.latency_ms, i.top_k, i.query_type, i.metadata::jsonb, clock_timestamp(), i.status, i.finish_reason, i.error::jsonb
--   |   FROM session,
--   |        unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[], $11::text[],
--   |               $12::text[], $13::text[], $14::text[])
--   |            WITH ORDINALITY AS i(id, role, content, sources, latency_ms, top_k, query_type, metadata,
--   |                                 status, finish_reason, error, ord)
--   | RETURNING m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at
--
-- $1 => bench.session_id(:sid)
-- $2 => bench.user_id(:u)
-- $3 => :n
-- $4 => ARRAY[bench.uuid_v7(), bench.uuid_v7()]
-- $5 => ARRAY['user', 'assistant']
-- $6 => ARRAY[:user_content, :assistant_content]
-- $7 => ARRAY[NULL, :assistant_sources]
-- $8 => ARRAY[NULL, :latency_ms]
-- $9 => ARRAY[NULL, :top_k]
-- $10 => ARRAY[NULL, :query_type]
-- $11 => ARRAY[:user_metadata, :assistant_metadata]
-- $12 => ARRAY['completed', 'completed']
-- $13 => ARRAY[NULL, NULL]
-- $14 => ARRAY[NULL, NULL]
--
\set u random(:u_lo, :u_hi)
\set k random(:k_lo, :k_hi)
\set sid :u * 100000 + :k
\set n 2
WITH session AS (
    UPDATE sessions
       SET message_count = message_count + :n, version = version + 1,
           updated_at = greatest(updated_at, clock_timestamp())
     WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u)
    RETURNING id, user_id, message_count
)
INSERT INTO messages AS m (id, session_id, user_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata,
                           created_at, status, finish_reason, error)
SELECT i.id, session.id, session.user_id, session.message_count - :n + i.ord, i.role, i.content, i.sources::jsonb,
       i.latency_ms, i.top_k, i.query_type, i.metadata::jsonb, clock_timestamp(), i.status, i.finish_reason, i.error::jsonb
  FROM session,
       unnest(ARRAY[bench.uuid_v7(), bench.uuid_v7()]::uuid[], ARRAY['user', 'assistant']::text[], ARRAY[:user_content, :assistant_content]::text[], ARRAY[NULL, :assistant_sources]::text[], ARRAY[NULL, :latency_ms]::int[], ARRAY[NULL, :top_k]::int[], ARRAY[NULL, :query_type]::text[], ARRAY[:user_metadata, :assistant_metadata]::text[],
              ARRAY['completed', 'completed']::text[], ARRAY[NULL, NULL]::text[], ARRAY[NULL, NULL]::text[])
           WITH ORDINALITY AS i(id, role, content, sources, latency_ms, top_k, query_type, metadata,
                                status, finish_reason, error, ord)
RETURNING m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at;
