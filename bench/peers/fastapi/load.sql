-- The peer's copy of the benchmark data: run after the service's data is loaded (bench/sql/load.sql) and migrated,
--   psql -v ON_ERROR_STOP=1 [-v service_schema=chat] -f bench/peers/fastapi/load.sql
-- Drops and re-creates schema "peer" (schema.sql), then copies every session and message of the service's schema
-- with the same ids and timestamps, so the wrk scripts' session ids and tokens work against both. Indexes are built
-- after the copy (as a restore would), then the tables are analysed.
\set ON_ERROR_STOP on
\if :{?service_schema}
\else
\set service_schema chat
\endif
SET client_min_messages = warning;
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';

DROP SCHEMA IF EXISTS peer CASCADE;
\ir schema.sql

ALTER TABLE peer.messages DROP CONSTRAINT messages_session_id_fkey;
DROP INDEX peer.ix_messages_session_id_created_at;
DROP INDEX peer.ix_sessions_user_id;

INSERT INTO peer.sessions (id, user_id, created_at, updated_at, metadata)
SELECT id, user_id, created_at, updated_at, metadata::json
  FROM :"service_schema".sessions
 ORDER BY id;

INSERT INTO peer.messages (id, session_id, role, content, created_at, sources, latency_ms, top_k, query_type)
SELECT id, session_id, role, content, created_at, sources::json, latency_ms, top_k, query_type
  FROM :"service_schema".messages
 ORDER BY session_id, seq;

CREATE INDEX ix_sessions_user_id ON peer.sessions (user_id);
CREATE INDEX ix_messages_session_id_created_at ON peer.messages (session_id, created_at);
ALTER TABLE peer.messages ADD CONSTRAINT messages_session_id_fkey
    FOREIGN KEY (session_id) REFERENCES peer.sessions (id) ON DELETE CASCADE;

VACUUM (ANALYZE) peer.sessions;
VACUUM (ANALYZE) peer.messages;

SELECT (SELECT count(*) FROM peer.sessions) AS peer_sessions, (SELECT count(*) FROM peer.messages) AS peer_messages;
