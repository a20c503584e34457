-- Data of the analytics benchmark (bench/analytics/run.sh): 1,000,000 assistant answers over the last 30 days,
-- generated inside PostgreSQL straight into the service's tables (schema "chat", migrated by the jar beforehand; the
-- bench.* helpers of bench/sql/functions.sql loaded). psql -v users=10000 -f load.sql
--
-- Users 1..:users own 10 sessions each (ids bench.session_id(u * 100000 + k), as bench/pgbench/*.sql address them),
-- each of 10 turns: a user question (odd seq) and an assistant answer (even seq), so 10,000 users give 2,000,000
-- messages of which 1,000,000 are answers. A session starts at a uniformly random instant of the last 30 days, its
-- messages 30 s apart. Answers carry:
--   query_type  hybrid 40%, semantic 25%, keyword 15%, rerank 10%, sql 8%, none 2% (a bounded set)
--   latency_ms  log-normal around a median per query type (keyword 600 ms .. rerank 2,400 ms), 1% without one
--   top_k       3, 5, 8, 10 or 20
--   sources     1..5 documents of 2,000, skewed (a few documents are cited often), the first one cited
--   feedback    10% of the answers, down more often the slower the answer

\set ON_ERROR_STOP on
SET search_path = chat, public;
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';
-- a LATERAL of random() draws must run for every row: Memoize would replay one draw for every row of equal parameters
SET enable_memoize = off;

INSERT INTO sessions (id, user_id, title, message_count, created_at, updated_at)
SELECT bench.session_id(u * 100000 + k), bench.user_id(u), 'analytics bench ' || k, 20, start, start + interval '600 seconds'
  FROM (SELECT u, k, now() - interval '11 minutes' - interval '30 days' * random() AS start -- volatile: never pulled up
          FROM generate_series(1, :users) u, generate_series(1, 10) k) t;

-- Loaded without the search index and the session foreign key, both put back as they were once the rows are in
-- (a bulk build is far cheaper than 2,000,000 single-row updates of the GIN index: 73 us of search_document a row)
CREATE TEMP TABLE saved_index AS SELECT pg_get_indexdef('messages_search_idx'::regclass) AS definition;
DROP INDEX messages_search_idx;
ALTER TABLE messages DROP CONSTRAINT messages_session_id_fkey;

-- the questions (odd seqs)
INSERT INTO messages (id, session_id, user_id, seq, role, content, created_at)
SELECT bench.message_id(u * 100000 + k, g), s.id, s.user_id, g, 'user',
       'How do I configure the retry policy of the ingestion worker, question ' || g, s.created_at + interval '30 seconds' * g
  FROM generate_series(1, :users) u, generate_series(1, 10) k, generate_series(1, 19, 2) g,
       LATERAL (SELECT id, user_id, created_at FROM sessions WHERE id = bench.session_id(u * 100000 + k)) s;

-- the answers (even seqs); the LATERAL refers to g so that its random() draws are made for every answer
INSERT INTO messages (id, session_id, user_id, seq, role, content, sources, latency_ms, top_k, query_type, created_at)
SELECT bench.message_id(u * 100000 + k, g), s.id, s.user_id, g, 'assistant',
       'According to the administration guide the setting is applied per workspace, answer ' || g,
       a.sources, CASE WHEN a.r_latency >= 0.01 THEN a.latency_ms END, a.top_k, a.query_type,
       s.created_at + interval '30 seconds' * g
  FROM generate_series(1, :users) u, generate_series(1, 10) k, generate_series(2, 20, 2) g,
       LATERAL (SELECT id, user_id, created_at FROM sessions WHERE id = bench.session_id(u * 100000 + k)) s,
       LATERAL (
        SELECT q.query_type, (q.median * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::int AS latency_ms,
               (ARRAY[3, 5, 8, 10, 20])[1 + floor(random() * 5)::int] AS top_k, random() AS r_latency,
               (SELECT jsonb_agg(jsonb_build_object('document_id', 'doc-' || d.doc, 'chunk_id', 'doc-' || d.doc || '#' || d.n,
                                                    'title', 'Document ' || d.doc, 'score', round((0.95 - d.n * 0.05)::numeric, 2),
                                                    'cited', d.n = 1 OR random() < 0.3) ORDER BY d.n)
                  FROM (SELECT n, floor(2000 * power(random(), 3))::int AS doc
                          FROM generate_series(1, 1 + floor(random() * 5)::int + 0 * (u + k + g)) n) d) AS sources
          FROM (SELECT random() + 0 * (u + k + g) AS r) pick,
               LATERAL (SELECT * FROM (VALUES
                        ('hybrid', 1800, 0.00, 0.40), ('semantic', 1200, 0.40, 0.65), ('keyword', 600, 0.65, 0.80),
                        ('rerank', 2400, 0.80, 0.90), ('sql', 900, 0.90, 0.98), (NULL, 1500, 0.98, 1.01))
                        AS v(query_type, median, lo, hi) WHERE pick.r >= v.lo AND pick.r < v.hi) q) a;

INSERT INTO message_feedback (message_id, rating, created_at, updated_at)
SELECT id, CASE WHEN random() < 0.15 + least(coalesce(latency_ms, 1500), 6000) / 12000.0 THEN 'down' ELSE 'up' END,
       created_at + interval '1 minute', created_at + interval '1 minute'
  FROM messages
 WHERE role = 'assistant' AND session_id IN (SELECT id FROM sessions WHERE title LIKE 'analytics bench %') AND random() < 0.10;

ALTER TABLE messages ADD CONSTRAINT messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE;
SELECT definition FROM saved_index \gexec

VACUUM (ANALYZE) sessions, messages, message_feedback;
