-- Search, its long half: the owner of every message written before V3, then the two search indexes, while the running
-- release (and the one before it) goes on appending and reading. Flyway runs this script outside a transaction
-- (V5__search_backfill_and_index.sql.conf), statement by statement in autocommit, because CREATE INDEX CONCURRENTLY
-- may not run inside one and the backfill commits every batch.
--
-- Locks (measured per 1,000,000 messages in docs/BENCHMARKS.md, "V3 and V5: what the running release waits for"):
--   - the backfill row-locks 10,000 messages at a time, each batch its own transaction: a streaming PATCH of one of
--     them waits for one batch at most, inserts and reads never wait;
--   - CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, which no statement of the service conflicts with; it
--     waits for the transactions already running when it starts, and builds while writes go on.
--
-- Safe to run again from any point where it stopped (a killed migrate, a lost connection): Flyway then reports V5
-- as failed, and `chat-sessions repair` followed by `migrate` carries on (DEPLOY.md): the backfill only fills NULLs,
-- and an index a failed CREATE INDEX CONCURRENTLY left INVALID is dropped and built again, never kept half-built.

-- Unqualified table names inside: a procedure with a SET clause may not COMMIT, and Flyway runs this script with
-- search_path set to the schema it migrates, as V4's erase_user expects of its callers too.
CREATE OR REPLACE PROCEDURE search_backfill_owners(p_batch integer)
LANGUAGE plpgsql AS $$
DECLARE
    last_id uuid;
    batch   uuid[];
BEGIN
    LOOP -- keyset over the primary key: each batch reads only its own rows, whatever was filled before
        SELECT array_agg(id ORDER BY id) INTO batch
          FROM (SELECT id FROM messages WHERE last_id IS NULL OR id > last_id ORDER BY id LIMIT p_batch) AS next;
        EXIT WHEN batch IS NULL; -- an empty table (verify's replay runs this inside its transaction) never commits
        UPDATE messages AS m SET user_id = s.user_id
          FROM sessions AS s
         WHERE m.id = ANY (batch) AND m.user_id IS NULL AND s.id = m.session_id;
        last_id := batch[cardinality(batch)];
        COMMIT;
    END LOOP;
END
$$;

CALL "${flyway:defaultSchema}".search_backfill_owners(10000);

DROP PROCEDURE "${flyway:defaultSchema}".search_backfill_owners(integer);

-- An index that a failed CONCURRENTLY build left behind is INVALID (never used by queries, still maintained by
-- writes); IF NOT EXISTS below would keep it as it is, so it is dropped first. Dropping an index that no query uses
-- is an instant under ACCESS EXCLUSIVE, bounded by lock_timeout like V3's.
DO $invalid$
DECLARE
    leftover regclass;
BEGIN
    SET LOCAL lock_timeout = '5s';
    FOR leftover IN
        SELECT x.indexrelid::regclass
          FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
         WHERE NOT x.indisvalid AND n.nspname = current_schema() -- the migrated schema (pg_temp_N in verify's replay)
           AND i.relname IN ('messages_search_idx', 'sessions_title_search_idx')
    LOOP
        EXECUTE format('DROP INDEX %s', leftover);
    END LOOP;
END
$invalid$;

-- In-progress answers are not indexed (nor searchable): a streaming PATCH changes their content many times a second,
-- and a row that stays out of the index until it completes costs the index nothing meanwhile. A final message's
-- content never changes again, so its rank is fixed: keyset pages by relevance stay exact.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_search_idx ON messages USING gin ("${flyway:defaultSchema}".search_document(user_id, content))
    WHERE status <> 'in_progress';

CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_title_search_idx ON sessions USING gin ("${flyway:defaultSchema}".search_document(user_id, title))
    WHERE title IS NOT NULL;
