-- Benchmark data set, generated inside PostgreSQL (no client round trips), straight into the service's tables
-- (schema "chat", created beforehand by `java -jar chat-sessions.jar migrate`). Run by bench/src/DataLoader.java as
--   psql -v users=10000 -v spu=10 -v list_small=10 -v list_large=10000 -v read_sizes='{10,10000,100000}' -f load.sql
--
-- Users 1..:users each own :spu sessions with 2..18 messages (10 on average), alternating a user question and an
-- assistant answer with RAG sources, so 10,000 users give 100,000 sessions and about 1,000,000 messages.
-- Scale-check users (never picked by the load runs):
--   user :users+1 owns :list_small sessions, user :users+2 owns :list_large sessions (list latency vs history),
--   user :users+3 owns one session per entry of :read_sizes, holding that many messages (read latency vs history).
-- message_count is the highest seq of each session, seqs are 1..n with no gaps, as the service keeps them.

\set ON_ERROR_STOP on
SET search_path = chat, public;
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SET work_mem = '64MB';

-- Word pools -------------------------------------------------------------------------------------------------------
CREATE TEMP TABLE topic AS
SELECT (ord - 1)::int AS i, name, regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g') AS slug
  FROM unnest(ARRAY[
        'the retry policy of the ingestion worker', 'single sign-on with Okta', 'the vector index', 'rate limits on the public API',
        'chunk size for PDF ingestion', 'hybrid search weighting', 'the nightly re-embedding job', 'tenant isolation',
        'webhook signatures', 'the billing export', 'cold-start latency', 'role-based access control', 'the audit log',
        'data retention settings', 'the Slack connector', 'citation formatting', 'the reranker model', 'streaming responses',
        'the connection pool', 'document deduplication', 'prompt templates', 'the evaluation harness', 'language detection',
        'PII redaction']) WITH ORDINALITY AS t(name, ord);

CREATE TEMP TABLE pool (g int PRIMARY KEY, role text, content text, sources jsonb, latency_ms int, top_k int, query_type text, metadata jsonb);

-- 1,000 user questions (g 0..999)
INSERT INTO pool (g, role, content, metadata)
SELECT g, 'user',
       format((ARRAY[
           'How do I configure %s when %s?',
           'Why does %s stop working after %s?',
           'Can you compare %s with what we had before %s? Keep it short, please.',
           'What is the recommended way to set up %s if %s?',
           'Our team saw errors from %s right after %s. What should we check first?',
           'Summarise what the documentation says about %s, especially for the case where %s.',
           'Is there a hard limit on %s when %s?',
           'Write a short checklist for rolling out %s in production, assuming %s.'])[1 + g % 8],
           tp.name,
           (ARRAY['we run in two regions', 'we upgraded to version 3.2 last night', 'a tenant has more than 10,000 documents',
                  'SSO was enabled last week', 'traffic doubles during the quarterly close', 'the index is rebuilt overnight',
                  'users upload scanned PDFs', 'the EU data residency rule applies', 'we migrate from the legacy search',
                  'the on-call engineer rotates weekly', 'our largest customer asked for an audit trail'])[1 + (g * 7) % 11])
       || CASE WHEN g % 3 = 0 THEN ' We are on the ' || (ARRAY['Team', 'Business', 'Enterprise'])[1 + g % 9 / 3] || ' plan.' ELSE '' END
       || CASE WHEN g % 5 = 0 THEN ' I already tried restarting the worker and it did not help.' ELSE '' END,
       jsonb_build_object('client', (ARRAY['web', 'ios', 'android', 'slack'])[1 + g % 4],
                          'locale', (ARRAY['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES'])[1 + g % 5])
  FROM generate_series(0, 999) g
  JOIN topic tp ON tp.i = (g * 5) % 24;

-- 1,000 assistant answers with 2..4 sources (g 1000..1999)
CREATE TEMP TABLE sentence AS
SELECT (ord - 1)::int AS i, s
  FROM unnest(ARRAY[
        'According to the administration guide, %s is configured per workspace rather than per user.',
        'The relevant setting is applied on the next deployment, so existing sessions keep the previous behaviour until then.',
        'If the problem started after an upgrade, compare the release notes for %s: the default changed in version 3.1.',
        'A common cause is a stale cache entry; clearing it from the admin console usually resolves the issue within a minute.',
        'For large tenants the documentation recommends batching the work into chunks of 500 items.',
        'You can verify the current value with the status endpoint, which reports the effective configuration.',
        'Note that %s interacts with the rate limiter, so bursts above the configured ceiling are queued, not dropped.',
        'The audit log records every change, including who made it and the previous value.',
        'In multi-region setups each region keeps its own copy, and changes replicate within about thirty seconds.',
        'If you need stricter guarantees, the enterprise plan adds a dedicated worker pool and a higher ceiling.',
        'The troubleshooting section lists three checks: credentials, network reachability and the clock skew between hosts.',
        'Scanned PDFs go through OCR first, which adds latency but improves recall for image-only pages.',
        'The recommended rollout is gradual: enable it for one team, watch the error rate for a day, then widen it.',
        'There is no hard limit, but performance degrades noticeably above a few million entries per tenant.',
        'Existing data is not migrated automatically; the documentation includes a one-off script for that.',
        'For compliance, retention applies to the stored content as well as to derived data such as embeddings.'])
       WITH ORDINALITY AS t(s, ord);

INSERT INTO pool (g, role, content, sources, latency_ms, top_k, query_type, metadata)
SELECT 1000 + g, 'assistant',
       'Here is what the documentation says about ' || tp.name || '. '
       || (SELECT string_agg(format(se.s, tp.name), ' ' ORDER BY j)
             FROM generate_series(1, 4 + g % 6) j
             JOIN sentence se ON se.i = (g * 7 + j * 5) % 16)
       || ' [1][2]',
       (SELECT jsonb_agg(jsonb_build_object(
                   'document_id', 'doc-' || (g * 13 + j * 101) % 5000,
                   'chunk_id', 'doc-' || (g * 13 + j * 101) % 5000 || '#' || (g + j * 7) % 40,
                   'title', initcap(tp.name) || ' — ' || (ARRAY['Administration guide', 'Release notes', 'Troubleshooting', 'FAQ', 'API reference'])[1 + (g + j) % 5],
                   'url', 'https://docs.example.com/' || tp.slug || '/' || (ARRAY['admin', 'release-notes', 'troubleshooting', 'faq', 'api'])[1 + (g + j) % 5],
                   'score', round((0.93 - j * 0.07 - (g % 10) * 0.004)::numeric, 3),
                   'snippet', left(format(se.s, tp.name), 160),
                   'page', 1 + (g * j) % 48,
                   'cited', j <= 2) ORDER BY j)
          FROM generate_series(1, 2 + g % 3) j
          JOIN sentence se ON se.i = (g * 3 + j * 11) % 16),
       400 + (g * 97) % 5600,
       (ARRAY[5, 8, 10, 20])[1 + g % 4],
       (ARRAY['hybrid', 'semantic', 'keyword', 'hybrid'])[1 + g % 4],
       jsonb_build_object('model', (ARRAY['gpt-4o-mini', 'claude-3-haiku', 'llama-3-70b'])[1 + g % 3],
                          'prompt_tokens', 800 + (g * 37) % 2400, 'completion_tokens', 120 + (g * 13) % 600,
                          'finish_reason', 'stop')
  FROM generate_series(0, 999) g
  JOIN topic tp ON tp.i = (g * 5) % 24;

-- Which sessions exist ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE plan AS
SELECT u::bigint AS u, k, 2 + 2 * ((u * 7 + k * 3) % 9) AS n, (k = 1 AND u % 50 = 0) AS archived
  FROM generate_series(1, :users) u, generate_series(1, :spu) k
UNION ALL
SELECT :users + 1, k, 2, false FROM generate_series(1, :list_small) k
UNION ALL
SELECT :users + 2, k, 2, false FROM generate_series(1, :list_large) k
UNION ALL
SELECT :users + 3, ord::int, n, false FROM unnest(:'read_sizes'::int[]) WITH ORDINALITY AS r(n, ord);

ALTER TABLE plan ADD COLUMN sidx bigint, ADD COLUMN created timestamptz;
-- Sessions start over the last 120..30 days, spread pseudo-randomly; each message comes 20 s after the previous one.
UPDATE plan SET sidx = u * 100000 + k,
                created = now() - interval '120 days' + ((u * 104729 + k * 7919) % 1000000) * interval '7.776 seconds';

-- Sessions -------------------------------------------------------------------------------------------------------------
INSERT INTO sessions (id, user_id, title, metadata, archived, message_count, version, created_at, updated_at)
SELECT bench.session_id(p.sidx), bench.user_id(p.u), left(q.content, 80),
       jsonb_build_object('client', q.metadata -> 'client', 'pinned', p.k = 2),
       p.archived, p.n, 1 + p.n, p.created, p.created + p.n * interval '20 seconds'
  FROM plan p
  JOIN pool q ON q.g = (p.sidx * 31 + 17) % 1000
 ORDER BY p.sidx;

-- Messages, in (session, seq) order ------------------------------------------------------------------------------------
INSERT INTO messages (id, session_id, seq, role, content, sources, latency_ms, top_k, query_type, metadata, created_at)
SELECT bench.message_id(s.sidx, s.seq), bench.session_id(s.sidx), s.seq, q.role, q.content, q.sources,
       q.latency_ms, q.top_k, q.query_type, q.metadata, s.created + s.seq * interval '20 seconds'
  FROM (SELECT p.sidx, p.created, seq::int AS seq,
               -- an answer (even seq) draws from the same pool index as its question, so it is on the question's topic
               CASE WHEN seq % 2 = 1 THEN 0 ELSE 1000 END + ((p.sidx * 31 + (seq - 1 + seq % 2) * 17) % 1000)::int AS g
          FROM (SELECT * FROM plan ORDER BY sidx) p
         CROSS JOIN LATERAL generate_series(1, p.n) seq) s
  JOIN pool q ON q.g = s.g;

VACUUM (ANALYZE) sessions;
VACUUM (ANALYZE) messages;
CHECKPOINT;

SELECT (SELECT count(*) FROM sessions) AS sessions,
       (SELECT count(*) FROM messages) AS messages,
       (SELECT count(DISTINCT user_id) FROM sessions) AS users,
       pg_size_pretty(pg_total_relation_size('messages')) AS messages_size,
       pg_size_pretty(pg_database_size(current_database())) AS database_size;
