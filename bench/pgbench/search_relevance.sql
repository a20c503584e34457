-- pgbench script of the search benchmark (bench/search/search.sh, see docs/BENCHMARKS.md): the first page (20) of
-- GET /api/v1/search?q=... by relevance (order=relevance), for one user (one statement, its own transaction).
--
-- The statement at the end of this file is the service's own SQL, quoted below from the constant named on the
-- "service-sql" line, with each bind parameter $N replaced by the expression on its "-- $N =>" line. The query comes
-- with -D: search_user (the JWT subject), search_terms and search_prefixes (text[] and boolean[] literals: what
-- SearchTerm.parse makes of q, e.g. '{"shipping cost"}' and '{f}'); no filter, no cursor (NULL).
-- src/test/java/io/chatsessions/bench/PgbenchSqlDriftTest.java fails when the service's SQL changes, so this file
-- cannot drift from it. Run with -M prepared: the service's driver also uses named prepared statements.
--
-- service-sql: io.chatsessions.search.SearchRepository#RELEVANCE
--   | WITH hits AS (
--   |     SELECT m.id, ts_rank(search_document(m.user_id, m.content), search_query($1, $2::text[], $3::boolean[])) AS rank
--   |       FROM messages m
--   |      WHERE search_document(m.user_id, m.content) @@ search_query($1, $2::text[], $3::boolean[]) AND m.user_id = $1
--   |    AND m.status <> 'in_progress'
--   |    AND ($4::text IS NULL OR m.role = $4::text)
--   |    AND ($5::uuid IS NULL OR m.session_id = $5::uuid)
--   |    AND ($6::timestamptz IS NULL OR m.created_at >= $6::timestamptz)
--   |    AND ($7::timestamptz IS NULL OR m.created_at < $7::timestamptz)
--   |     UNION ALL
--   |     SELECT m.id, ts_rank(search_document(s.user_id, s.title), search_query($1, $2::text[], $3::boolean[]))
--   |       FROM sessions s JOIN messages m ON m.session_id = s.id AND m.seq = 1
--   |      WHERE search_document(s.user_id, s.title) @@ search_query($1, $2::text[], $3::boolean[]) AND s.title IS NOT NULL AND s.user_id = $1
--   |    AND m.status <> 'in_progress'
--   |    AND ($4::text IS NULL OR m.role = $4::text)
--   |    AND ($5::uuid IS NULL OR m.session_id = $5::uuid)
--   |    AND ($6::timestamptz IS NULL OR m.created_at >= $6::timestamptz)
--   |    AND ($7::timestamptz IS NULL OR m.created_at < $7::timestamptz)
--   | ), best AS (
--   |     SELECT id, max(rank) AS rank FROM hits GROUP BY id
--   | )
--   | SELECT s.id, s.title, best.rank, m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at, f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at
--   |   FROM best
--   |   JOIN messages m ON m.id = best.id
--   |   JOIN sessions s ON s.id = m.session_id
--   |   LEFT JOIN message_feedback f ON f.message_id = m.id
--   | WHERE $8::real IS NULL OR (best.rank, m.id) < ($8::real, $9::uuid)
--   | ORDER BY best.rank DESC, m.id DESC
--   | LIMIT $10
--
-- $1 => :search_user
-- $2 => :search_terms
-- $3 => :search_prefixes
-- $4 => NULL
-- $5 => NULL
-- $6 => NULL
-- $7 => NULL
-- $8 => NULL
-- $9 => NULL
-- $10 => 20
--
WITH hits AS (
    SELECT m.id, ts_rank(search_document(m.user_id, m.content), search_query(:search_user, :search_terms::text[], :search_prefixes::boolean[])) AS rank
      FROM messages m
     WHERE search_document(m.user_id, m.content) @@ search_query(:search_user, :search_terms::text[], :search_prefixes::boolean[]) AND m.user_id = :search_user
   AND m.status <> 'in_progress'
   AND (NULL::text IS NULL OR m.role = NULL::text)
   AND (NULL::uuid IS NULL OR m.session_id = NULL::uuid)
   AND (NULL::timestamptz IS NULL OR m.created_at >= NULL::timestamptz)
   AND (NULL::timestamptz IS NULL OR m.created_at < NULL::timestamptz)
    UNION ALL
    SELECT m.id, ts_rank(search_document(s.user_id, s.title), search_query(:search_user, :search_terms::text[], :search_prefixes::boolean[]))
      FROM sessions s JOIN messages m ON m.session_id = s.id AND m.seq = 1
     WHERE search_document(s.user_id, s.title) @@ search_query(:search_user, :search_terms::text[], :search_prefixes::boolean[]) AND s.title IS NOT NULL AND s.user_id = :search_user
   AND m.status <> 'in_progress'
   AND (NULL::text IS NULL OR m.role = NULL::text)
   AND (NULL::uuid IS NULL OR m.session_id = NULL::uuid)
   AND (NULL::timestamptz IS NULL OR m.created_at >= NULL::timestamptz)
   AND (NULL::timestamptz IS NULL OR m.created_at < NULL::timestamptz)
), best AS (
    SELECT id, max(rank) AS rank FROM hits GROUP BY id
)
SELECT s.id, s.title, best.rank, m.id, m.session_id, m.seq, m.role, m.content, m.sources, m.latency_ms, m.top_k, m.query_type, m.metadata, m.created_at, m.status, m.finish_reason, m.error, m.version, coalesce(m.updated_at, m.created_at) AS updated_at, CASE WHEN m.status = 'in_progress' THEN NULL ELSE coalesce(m.completed_at, m.created_at) END AS completed_at, f.rating AS feedback_rating, f.reasons AS feedback_reasons, f.comment AS feedback_comment, f.sources AS feedback_sources, f.created_at AS feedback_created_at, f.updated_at AS feedback_updated_at
  FROM best
  JOIN messages m ON m.id = best.id
  JOIN sessions s ON s.id = m.session_id
  LEFT JOIN message_feedback f ON f.message_id = m.id
WHERE NULL::real IS NULL OR (best.rank, m.id) < (NULL::real, NULL::uuid)
ORDER BY best.rank DESC, m.id DESC
LIMIT 20;
