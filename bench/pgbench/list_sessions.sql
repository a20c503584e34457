-- pgbench script of the chat-sessions benchmark (bench/run.sh, see docs/BENCHMARKS.md): list a user's 20 most recently updated sessions, as GET /api/v1/sessions does it (it asks for 21 rows to know whether there is a next page).
--
-- The statement at the end of this file is the service's own SQL, quoted below from the constant named on the
-- "service-sql" line, with each bind parameter $N replaced by the expression on its "-- $N =>" line (pgbench
-- variables are integers, so UUIDs and user ids are computed from them by the helpers in bench/sql/functions.sql).
-- src/test/java/io/chatsessions/bench/PgbenchSqlDriftTest.java fails when the service's SQL changes, so this file
-- cannot drift from it. Run with -M prepared: the service's driver also uses named prepared statements.
--
-- service-sql: io.chatsessions.session.SessionRepository#LIST_FIRST
--   | SELECT id, user_id, title, metadata, archived, message_count, version, created_at, updated_at, forked_from_session_id, forked_from_seq
--   |   FROM sessions
--   |  WHERE user_id = $1 AND archived = $2
--   |  ORDER BY updated_at DESC, id DESC
--   |  LIMIT $3
--
-- $1 => bench.user_id(:u)
-- $2 => :archived
-- $3 => :limit
--
\set u random(:u_lo, :u_hi)
\set archived false
\set limit 21
SELECT id, user_id, title, metadata, archived, message_count, version, created_at, updated_at, forked_from_session_id, forked_from_seq
  FROM sessions
 WHERE user_id = bench.user_id(:u) AND archived = :archived
 ORDER BY updated_at DESC, id DESC
 LIMIT :limit;
