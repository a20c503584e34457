-- pgbench script of the chat-sessions benchmark (bench/run.sh, see docs/BENCHMARKS.md): stream an answer, as a client does it through 7 requests, one transaction of pgbench per answer: create the assistant message in_progress with empty content (POST /api/v1/sessions/{id}/messages), 5 PATCHes of the growing content (PATCH .../messages/{message_id}), and the PATCH that completes it with its sources (status completed, finish_reason stop). Each statement is its own transaction (autocommit), as each request is in the service.
--
-- Each statement at the end of this file is the service's own SQL, quoted below from the constant named on its
-- "service-sql" line (a block that names a constant quoted above does not quote it again), with each bind parameter $N
-- replaced by the expression on its "-- $N =>" line (pgbench variables are integers, so UUIDs and user ids are computed
-- from them by the helpers in bench/sql/functions.sql). src/test/java/io/chatsessions/bench/PgbenchSqlDriftTest.java
-- fails when the service's SQL changes, so this file cannot drift from it. Run with -M prepared: the service's driver
-- also uses named prepared statements.
--
-- 1. create in_progress: the id comes back (\gset new_ stores the returned columns as :new_id, ...)
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
-- $4 => ARRAY[bench.uuid_v7()]
-- $5 => ARRAY['assistant']
-- $6 => ARRAY['']
-- $7 => ARRAY[NULL]
-- $8 => ARRAY[NULL]
-- $9 => ARRAY[NULL]
-- $10 => ARRAY[NULL]
-- $11 => ARRAY['{}']
-- $12 => ARRAY['in_progress']
-- $13 => ARRAY[NULL]
-- $14 => ARRAY[NULL]
--
-- 2. the content after 1 fifth of the answer (DataLoader cuts it at code points; the service gets the same text)
-- service-sql: io.chatsessions.message.MessageRepository#PATCH_UPDATE
--   | WITH owner AS (
--   |     SELECT id FROM sessions WHERE id = $2 AND user_id = $3
--   | ), m AS (
--   |     UPDATE messages AS m
--   |        SET content = coalesce($5::text, m.content),
--   |            sources = CASE WHEN 'sources' = ANY($4::text[]) THEN $6::text::jsonb ELSE m.sources END,
--   |            latency_ms = CASE WHEN 'latency_ms' = ANY($4::text[]) THEN $7::int ELSE m.latency_ms END,
--   |            top_k = CASE WHEN 'top_k' = ANY($4::text[]) THEN $8::int ELSE m.top_k END,
--   |            query_type = CASE WHEN 'query_type' = ANY($4::text[]) THEN $9::text ELSE m.query_type END,
--   |            metadata = coalesce($10::text::jsonb, m.metadata),
--   |            status = coalesce($11::text, m.status),
--   |            finish_reason = CASE WHEN 'finish_reason' = ANY($4::text[]) THEN $12::text ELSE m.finish_reason END,
--   |            error = CASE WHEN 'error' = ANY($4::text[]) THEN $13::text::jsonb ELSE m.error END,
--   |            version = m.version + 1,
--   |            updated_at = clock_timestamp(),
--   |            completed_at = CASE WHEN coalesce($11::text, m.status) <> 'in_progress' THEN clock_timestamp() END
--   |      WHERE m.id = $1 AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
--   |        AND (cardinality($14::int[]) = 0 OR m.version = ANY($14::int[]))
--   |        AND (coalesce($11::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce($5::text, m.content) <> '')
--   |        AND octet_length(coalesce($5::text, m.content))
--   |            + coalesce(octet_length(CASE WHEN 'sources' = ANY($4::text[]) THEN $6::text ELSE m.sources::text END), 0)
--   |            + octet_length(coalesce($10::text, m.metadata::text)) <= $15::int
--   |     RETURNING m.*
--   | ), completed AS (
--   |     UPDATE sessions AS s
--   |        SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
--   |       FROM m
--   |      WHERE s.id = m.session_id AND m.status <> 'in_progress'
--   | )
--   | SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m
--
-- $1 => :new_id
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => ARRAY['content']
-- $5 => :stream_content_1
-- $6 => NULL
-- $7 => NULL
-- $8 => NULL
-- $9 => NULL
-- $10 => NULL
-- $11 => NULL
-- $12 => NULL
-- $13 => NULL
-- $14 => '{}'
-- $15 => :max_message_bytes
--
-- 3. the content after 2 fifths of the answer (DataLoader cuts it at code points; the service gets the same text)
-- service-sql: io.chatsessions.message.MessageRepository#PATCH_UPDATE (quoted above)
--
-- $1 => :new_id
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => ARRAY['content']
-- $5 => :stream_content_2
-- $6 => NULL
-- $7 => NULL
-- $8 => NULL
-- $9 => NULL
-- $10 => NULL
-- $11 => NULL
-- $12 => NULL
-- $13 => NULL
-- $14 => '{}'
-- $15 => :max_message_bytes
--
-- 4. the content after 3 fifths of the answer (DataLoader cuts it at code points; the service gets the same text)
-- service-sql: io.chatsessions.message.MessageRepository#PATCH_UPDATE (quoted above)
--
-- $1 => :new_id
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => ARRAY['content']
-- $5 => :stream_content_3
-- $6 => NULL
-- $7 => NULL
-- $8 => NULL
-- $9 => NULL
-- $10 => NULL
-- $11 => NULL
-- $12 => NULL
-- $13 => NULL
-- $14 => '{}'
-- $15 => :max_message_bytes
--
-- 5. the content after 4 fifths of the answer (DataLoader cuts it at code points; the service gets the same text)
-- service-sql: io.chatsessions.message.MessageRepository#PATCH_UPDATE (quoted above)
--
-- $1 => :new_id
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => ARRAY['content']
-- $5 => :stream_content_4
-- $6 => NULL
-- $7 => NULL
-- $8 => NULL
-- $9 => NULL
-- $10 => NULL
-- $11 => NULL
-- $12 => NULL
-- $13 => NULL
-- $14 => '{}'
-- $15 => :max_message_bytes
--
-- 6. the content after 5 fifths of the answer (DataLoader cuts it at code points; the service gets the same text)
-- service-sql: io.chatsessions.message.MessageRepository#PATCH_UPDATE (quoted above)
--
-- $1 => :new_id
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => ARRAY['content']
-- $5 => :stream_content_5
-- $6 => NULL
-- $7 => NULL
-- $8 => NULL
-- $9 => NULL
-- $10 => NULL
-- $11 => NULL
-- $12 => NULL
-- $13 => NULL
-- $14 => '{}'
-- $15 => :max_message_bytes
--
-- 7. the completion: status, finish_reason and the citations and figures of the answer; the session row is locked first and bumped
-- service-sql: io.chatsessions.message.MessageRepository#PATCH_COMPLETE
--   | WITH owner AS (
--   |     SELECT id FROM sessions WHERE id = $2 AND user_id = $3 FOR NO KEY UPDATE
--   | ), m AS (
--   |     UPDATE messages AS m
--   |        SET content = coalesce($5::text, m.content),
--   |            sources = CASE WHEN 'sources' = ANY($4::text[]) THEN $6::text::jsonb ELSE m.sources END,
--   |            latency_ms = CASE WHEN 'latency_ms' = ANY($4::text[]) THEN $7::int ELSE m.latency_ms END,
--   |            top_k = CASE WHEN 'top_k' = ANY($4::text[]) THEN $8::int ELSE m.top_k END,
--   |            query_type = CASE WHEN 'query_type' = ANY($4::text[]) THEN $9::text ELSE m.query_type END,
--   |            metadata = coalesce($10::text::jsonb, m.metadata),
--   |            status = coalesce($11::text, m.status),
--   |            finish_reason = CASE WHEN 'finish_reason' = ANY($4::text[]) THEN $12::text ELSE m.finish_reason END,
--   |            error = CASE WHEN 'error' = ANY($4::text[]) THEN $13::text::jsonb ELSE m.error END,
--   |            version = m.version + 1,
--   |            updated_at = clock_timestamp(),
--   |            completed_at = CASE WHEN coalesce($11::text, m.status) <> 'in_progress' THEN clock_timestamp() END
--   |      WHERE m.id = $1 AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
--   |        AND (cardinality($14::int[]) = 0 OR m.version = ANY($14::int[]))
--   |        AND (coalesce($11::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce($5::text, m.content) <> '')
--   |        AND octet_length(coalesce($5::text, m.content))
--   |            + coalesce(octet_length(CASE WHEN 'sources' = ANY($4::text[]) THEN $6::text ELSE m.sources::text END), 0)
--   |            + octet_length(coalesce($10::text, m.metadata::text)) <= $15::int
--   |     RETURNING m.*
--   | ), completed AS (
--   |     UPDATE sessions AS s
--   |        SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
--   |       FROM m
--   |      WHERE s.id = m.session_id AND m.status <> 'in_progress'
--   | )
--   | SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m
--
-- $1 => :new_id
-- $2 => bench.session_id(:sid)
-- $3 => bench.user_id(:u)
-- $4 => ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']
-- $5 => NULL
-- $6 => :assistant_sources
-- $7 => :latency_ms
-- $8 => :top_k
-- $9 => :query_type
-- $10 => NULL
-- $11 => 'completed'
-- $12 => 'stop'
-- $13 => NULL
-- $14 => '{}'
-- $15 => :max_message_bytes
--
-- :max_message_bytes is the service's CHAT_LIMITS_MAX_MESSAGE_BYTES default (ApiLimits); the service binds it on every PATCH.
--
\set u random(:u_lo, :u_hi)
\set k random(:k_lo, :k_hi)
\set sid :u * 100000 + :k
\set n 1
\set max_message_bytes 327680
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
       unnest(ARRAY[bench.uuid_v7()]::uuid[], ARRAY['assistant']::text[], ARRAY['']::text[], ARRAY[NULL]::text[], ARRAY[NULL]::int[], ARRAY[NULL]::int[], ARRAY[NULL]::text[], ARRAY['{}']::text[],
              ARRAY['in_progress']::text[], ARRAY[NULL]::text[], ARRAY[NULL]::text[])
           WITH ORDINALITY AS i(id, role, content, sources, latency_ms, top_k, query_type, metadata,
                                status, finish_reason, error, ord)
RETURNING m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at
\gset new_
WITH owner AS (
    SELECT id FROM sessions WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u)
), m AS (
    UPDATE messages AS m
       SET content = coalesce(:stream_content_1::text, m.content),
           sources = CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.sources END,
           latency_ms = CASE WHEN 'latency_ms' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.latency_ms END,
           top_k = CASE WHEN 'top_k' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.top_k END,
           query_type = CASE WHEN 'query_type' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.query_type END,
           metadata = coalesce(NULL::text::jsonb, m.metadata),
           status = coalesce(NULL::text, m.status),
           finish_reason = CASE WHEN 'finish_reason' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.finish_reason END,
           error = CASE WHEN 'error' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.error END,
           version = m.version + 1,
           updated_at = clock_timestamp(),
           completed_at = CASE WHEN coalesce(NULL::text, m.status) <> 'in_progress' THEN clock_timestamp() END
     WHERE m.id = :new_id AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
       AND (cardinality('{}'::int[]) = 0 OR m.version = ANY('{}'::int[]))
       AND (coalesce(NULL::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce(:stream_content_1::text, m.content) <> '')
       AND octet_length(coalesce(:stream_content_1::text, m.content))
           + coalesce(octet_length(CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.sources::text END), 0)
           + octet_length(coalesce(NULL::text, m.metadata::text)) <= :max_message_bytes::int
    RETURNING m.*
), completed AS (
    UPDATE sessions AS s
       SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
      FROM m
     WHERE s.id = m.session_id AND m.status <> 'in_progress'
)
SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m;
WITH owner AS (
    SELECT id FROM sessions WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u)
), m AS (
    UPDATE messages AS m
       SET content = coalesce(:stream_content_2::text, m.content),
           sources = CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.sources END,
           latency_ms = CASE WHEN 'latency_ms' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.latency_ms END,
           top_k = CASE WHEN 'top_k' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.top_k END,
           query_type = CASE WHEN 'query_type' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.query_type END,
           metadata = coalesce(NULL::text::jsonb, m.metadata),
           status = coalesce(NULL::text, m.status),
           finish_reason = CASE WHEN 'finish_reason' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.finish_reason END,
           error = CASE WHEN 'error' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.error END,
           version = m.version + 1,
           updated_at = clock_timestamp(),
           completed_at = CASE WHEN coalesce(NULL::text, m.status) <> 'in_progress' THEN clock_timestamp() END
     WHERE m.id = :new_id AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
       AND (cardinality('{}'::int[]) = 0 OR m.version = ANY('{}'::int[]))
       AND (coalesce(NULL::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce(:stream_content_2::text, m.content) <> '')
       AND octet_length(coalesce(:stream_content_2::text, m.content))
           + coalesce(octet_length(CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.sources::text END), 0)
           + octet_length(coalesce(NULL::text, m.metadata::text)) <= :max_message_bytes::int
    RETURNING m.*
), completed AS (
    UPDATE sessions AS s
       SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
      FROM m
     WHERE s.id = m.session_id AND m.status <> 'in_progress'
)
SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m;
WITH owner AS (
    SELECT id FROM sessions WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u)
), m AS (
    UPDATE messages AS m
       SET content = coalesce(:stream_content_3::text, m.content),
           sources = CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.sources END,
           latency_ms = CASE WHEN 'latency_ms' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.latency_ms END,
           top_k = CASE WHEN 'top_k' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.top_k END,
           query_type = CASE WHEN 'query_type' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.query_type END,
           metadata = coalesce(NULL::text::jsonb, m.metadata),
           status = coalesce(NULL::text, m.status),
           finish_reason = CASE WHEN 'finish_reason' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.finish_reason END,
           error = CASE WHEN 'error' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.error END,
           version = m.version + 1,
           updated_at = clock_timestamp(),
           completed_at = CASE WHEN coalesce(NULL::text, m.status) <> 'in_progress' THEN clock_timestamp() END
     WHERE m.id = :new_id AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
       AND (cardinality('{}'::int[]) = 0 OR m.version = ANY('{}'::int[]))
       AND (coalesce(NULL::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce(:stream_content_3::text, m.content) <> '')
       AND octet_length(coalesce(:stream_content_3::text, m.content))
           + coalesce(octet_length(CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.sources::text END), 0)
           + octet_length(coalesce(NULL::text, m.metadata::text)) <= :max_message_bytes::int
    RETURNING m.*
), completed AS (
    UPDATE sessions AS s
       SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
      FROM m
     WHERE s.id = m.session_id AND m.status <> 'in_progress'
)
SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m;
WITH owner AS (
    SELECT id FROM sessions WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u)
), m AS (
    UPDATE messages AS m
       SET content = coalesce(:stream_content_4::text, m.content),
           sources = CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.sources END,
           latency_ms = CASE WHEN 'latency_ms' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.latency_ms END,
           top_k = CASE WHEN 'top_k' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.top_k END,
           query_type = CASE WHEN 'query_type' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.query_type END,
           metadata = coalesce(NULL::text::jsonb, m.metadata),
           status = coalesce(NULL::text, m.status),
           finish_reason = CASE WHEN 'finish_reason' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.finish_reason END,
           error = CASE WHEN 'error' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.error END,
           version = m.version + 1,
           updated_at = clock_timestamp(),
           completed_at = CASE WHEN coalesce(NULL::text, m.status) <> 'in_progress' THEN clock_timestamp() END
     WHERE m.id = :new_id AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
       AND (cardinality('{}'::int[]) = 0 OR m.version = ANY('{}'::int[]))
       AND (coalesce(NULL::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce(:stream_content_4::text, m.content) <> '')
       AND octet_length(coalesce(:stream_content_4::text, m.content))
           + coalesce(octet_length(CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.sources::text END), 0)
           + octet_length(coalesce(NULL::text, m.metadata::text)) <= :max_message_bytes::int
    RETURNING m.*
), completed AS (
    UPDATE sessions AS s
       SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
      FROM m
     WHERE s.id = m.session_id AND m.status <> 'in_progress'
)
SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m;
WITH owner AS (
    SELECT id FROM sessions WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u)
), m AS (
    UPDATE messages AS m
       SET content = coalesce(:stream_content_5::text, m.content),
           sources = CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.sources END,
           latency_ms = CASE WHEN 'latency_ms' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.latency_ms END,
           top_k = CASE WHEN 'top_k' = ANY(ARRAY['content']::text[]) THEN NULL::int ELSE m.top_k END,
           query_type = CASE WHEN 'query_type' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.query_type END,
           metadata = coalesce(NULL::text::jsonb, m.metadata),
           status = coalesce(NULL::text, m.status),
           finish_reason = CASE WHEN 'finish_reason' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.finish_reason END,
           error = CASE WHEN 'error' = ANY(ARRAY['content']::text[]) THEN NULL::text::jsonb ELSE m.error END,
           version = m.version + 1,
           updated_at = clock_timestamp(),
           completed_at = CASE WHEN coalesce(NULL::text, m.status) <> 'in_progress' THEN clock_timestamp() END
     WHERE m.id = :new_id AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
       AND (cardinality('{}'::int[]) = 0 OR m.version = ANY('{}'::int[]))
       AND (coalesce(NULL::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce(:stream_content_5::text, m.content) <> '')
       AND octet_length(coalesce(:stream_content_5::text, m.content))
           + coalesce(octet_length(CASE WHEN 'sources' = ANY(ARRAY['content']::text[]) THEN NULL::text ELSE m.sources::text END), 0)
           + octet_length(coalesce(NULL::text, m.metadata::text)) <= :max_message_bytes::int
    RETURNING m.*
), completed AS (
    UPDATE sessions AS s
       SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
      FROM m
     WHERE s.id = m.session_id AND m.status <> 'in_progress'
)
SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m;
WITH owner AS (
    SELECT id FROM sessions WHERE id = bench.session_id(:sid) AND user_id = bench.user_id(:u) FOR NO KEY UPDATE
), m AS (
    UPDATE messages AS m
       SET content = coalesce(NULL::text, m.content),
           sources = CASE WHEN 'sources' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN :assistant_sources::text::jsonb ELSE m.sources END,
           latency_ms = CASE WHEN 'latency_ms' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN :latency_ms::int ELSE m.latency_ms END,
           top_k = CASE WHEN 'top_k' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN :top_k::int ELSE m.top_k END,
           query_type = CASE WHEN 'query_type' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN :query_type::text ELSE m.query_type END,
           metadata = coalesce(NULL::text::jsonb, m.metadata),
           status = coalesce('completed'::text, m.status),
           finish_reason = CASE WHEN 'finish_reason' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN 'stop'::text ELSE m.finish_reason END,
           error = CASE WHEN 'error' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN NULL::text::jsonb ELSE m.error END,
           version = m.version + 1,
           updated_at = clock_timestamp(),
           completed_at = CASE WHEN coalesce('completed'::text, m.status) <> 'in_progress' THEN clock_timestamp() END
     WHERE m.id = :new_id AND m.session_id = (SELECT id FROM owner) AND m.status = 'in_progress'
       AND (cardinality('{}'::int[]) = 0 OR m.version = ANY('{}'::int[]))
       AND (coalesce('completed'::text, m.status) <> 'completed' OR m.role = 'tool' OR coalesce(NULL::text, m.content) <> '')
       AND octet_length(coalesce(NULL::text, m.content))
           + coalesce(octet_length(CASE WHEN 'sources' = ANY(ARRAY['status', 'finish_reason', 'sources', 'latency_ms', 'top_k', 'query_type']::text[]) THEN :assistant_sources::text ELSE m.sources::text END), 0)
           + octet_length(coalesce(NULL::text, m.metadata::text)) <= :max_message_bytes::int
    RETURNING m.*
), completed AS (
    UPDATE sessions AS s
       SET version = s.version + 1, updated_at = greatest(s.updated_at, clock_timestamp())
      FROM m
     WHERE s.id = m.session_id AND m.status <> 'in_progress'
)
SELECT m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at FROM m;
