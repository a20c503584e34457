-- Erase (DELETE /me, `erase --user`) and retention (`purge`). Expand-only: one new table, one trigger, one procedure,
-- one index; no existing row is rewritten and the previous release keeps working (its session INSERTs go through the
-- same trigger, so an erase covers its writes too).
--
-- The erase's concurrency rule: a write of the user that commits after the erase started either commits before it
-- (and is erased) or fails. Sessions are the root of everything a user owns, so the rule is enforced where sessions
-- are created: every INSERT INTO sessions (create, fork, import, the previous release, any future path) runs
-- sessions_erase_guard, which takes the user's advisory key SHARED for its transaction and fails (SQLSTATE ZE409) when
-- the user is in user_erasures. The erase takes the same key EXCLUSIVE while it inserts that row, so it waits for
-- creators in flight (they commit first, and their sessions are erased) and no creator commits after it unseen.
-- Only transaction-level locks and a table row: works through pgbouncer in transaction mode, and a crashed erase
-- leaves its row behind (creation stays refused) until an erase of that user is run again and completes.

-- One row per erase in progress; deleted when it completes.
CREATE TABLE user_erasures (
    user_id    text        NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_erasures_pkey PRIMARY KEY (user_id)
);

-- Qualified (Flyway expands the placeholder to the configured schema): the trigger fires for writers whatever their
-- search_path. Try, not wait: while an erase waits for the key (behind a long import, say) a creator fails at once with 409
-- instead of queueing behind it (PostgreSQL grants no lock that conflicts with a queued request, even a try).
CREATE FUNCTION sessions_erase_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock_shared(hashtextextended(NEW.user_id, 1516))
       OR EXISTS (SELECT 1 FROM "${flyway:defaultSchema}".user_erasures WHERE user_id = NEW.user_id) THEN
        RAISE EXCEPTION 'an erase of this user is in progress' USING ERRCODE = 'ZE409';
    END IF;
    RETURN NEW;
END
$$;

-- The trigger names its function qualified as well: verify's temporary-table replay (pg_temp) finds functions only so.
CREATE TRIGGER sessions_erase_guard BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION "${flyway:defaultSchema}".sessions_erase_guard();

-- Erases every session, message, feedback and idempotency record of a user, committing after every batch: no
-- transaction touches more than about p_batch rows of sessions plus messages (plus their feedback). CALL it outside a
-- transaction block (autocommit), again and again until done: each CALL returns after the first batch that ends past p_budget_ms,
-- so a CALL stays within the callers' statement_timeout, and the next one carries on where it stopped (everything
-- here is safe to repeat, after a crash too). Unqualified names: callers set search_path to the schema (a procedure
-- with a SET clause may not COMMIT).
--   1. Under the user's advisory key, exclusive (waits for creators in flight), the user_erasures row: from its
--      commit on no session of the user can be created.
--   2. Sessions with fewer than p_batch messages, several per transaction, whole (the cascade takes messages and
--      feedback). The DELETE waits for the row lock of an append or patch in flight, which so commits first and is
--      erased; one arriving later finds no session (404).
--   3. A larger session is first detached in one statement: its user_id becomes a value no token carries
--      (chr(1) || 'erasing:' || md5(user)), so every statement of every release, all of which filter on user_id,
--      finds no such session from then on; its messages then go p_batch at a time (keyset on seq) and the session last.
--   4. Idempotency records (a keyed request failing meanwhile releases its own), then the user_erasures row.
-- The INOUT values report what this CALL deleted, in how many transactions, and whether the erase is complete.
CREATE PROCEDURE erase_user(p_user_id text, p_batch integer, p_budget_ms integer,
                            INOUT sessions_deleted bigint DEFAULT 0, INOUT messages_deleted bigint DEFAULT 0,
                            INOUT keys_deleted bigint DEFAULT 0, INOUT transactions integer DEFAULT 0,
                            INOUT done boolean DEFAULT false)
LANGUAGE plpgsql AS $$
DECLARE
    detached  constant text := chr(1) || 'erasing:' || md5(p_user_id);
    deadline  constant timestamptz := clock_timestamp() + p_budget_ms * interval '1 millisecond';
    big       uuid;
    last_seq  integer;
    n         bigint;
    m         bigint;
BEGIN
    IF p_batch IS NULL OR p_batch < 1 OR p_budget_ms IS NULL OR p_budget_ms < 0 THEN
        RAISE EXCEPTION 'erase_user: p_batch must be at least 1 and p_budget_ms at least 0' USING ERRCODE = '22023';
    END IF;
    sessions_deleted := 0; messages_deleted := 0; keys_deleted := 0; transactions := 0; done := false;

    PERFORM pg_advisory_xact_lock(hashtextextended(p_user_id, 1516));
    INSERT INTO user_erasures (user_id) VALUES (p_user_id) ON CONFLICT (user_id) DO NOTHING;
    COMMIT;
    transactions := transactions + 1;

    LOOP -- small sessions, as many as fit in one batch with their messages
        WITH candidates AS (
            SELECT id, message_count FROM sessions WHERE user_id = p_user_id AND message_count < p_batch LIMIT p_batch
        ), picked AS (
            SELECT id, sum(message_count + 1) OVER (ORDER BY id) AS running FROM candidates
        ), gone AS (
            DELETE FROM sessions s USING picked p
             WHERE s.id = p.id AND p.running <= p_batch AND s.user_id = p_user_id AND s.message_count < p_batch
            RETURNING s.message_count
        )
        SELECT count(*), coalesce(sum(message_count), 0) INTO n, m FROM gone;
        EXIT WHEN n = 0;
        sessions_deleted := sessions_deleted + n;
        messages_deleted := messages_deleted + m;
        COMMIT;
        transactions := transactions + 1;
        IF clock_timestamp() > deadline THEN RETURN; END IF;
    END LOOP;

    LOOP -- large sessions (and any an earlier CALL detached), one at a time
        SELECT id INTO big FROM sessions WHERE user_id IN (p_user_id, detached) LIMIT 1;
        EXIT WHEN big IS NULL;
        UPDATE sessions SET user_id = detached WHERE id = big AND user_id <> detached;
        COMMIT;
        transactions := transactions + 1;
        last_seq := 0;
        LOOP
            WITH gone AS (
                DELETE FROM messages WHERE id IN (
                    SELECT id FROM messages WHERE session_id = big AND seq > last_seq ORDER BY seq LIMIT p_batch)
                RETURNING seq
            )
            SELECT count(*), max(seq) INTO n, last_seq FROM gone;
            EXIT WHEN n = 0;
            messages_deleted := messages_deleted + n;
            COMMIT;
            transactions := transactions + 1;
            IF clock_timestamp() > deadline THEN RETURN; END IF;
        END LOOP;
        DELETE FROM sessions WHERE id = big;
        sessions_deleted := sessions_deleted + 1;
        COMMIT;
        transactions := transactions + 1;
        IF clock_timestamp() > deadline THEN RETURN; END IF;
    END LOOP;

    LOOP
        DELETE FROM idempotency_keys WHERE user_id = p_user_id AND idempotency_key IN (
            SELECT idempotency_key FROM idempotency_keys WHERE user_id = p_user_id LIMIT p_batch);
        GET DIAGNOSTICS n = ROW_COUNT;
        EXIT WHEN n = 0;
        keys_deleted := keys_deleted + n;
        COMMIT;
        transactions := transactions + 1;
        IF clock_timestamp() > deadline THEN RETURN; END IF;
    END LOOP;

    DELETE FROM user_erasures WHERE user_id = p_user_id;
    COMMIT;
    transactions := transactions + 1;
    done := true;
END
$$;

-- purge's scan: sessions by age, oldest first. A plain CREATE INDEX holds a SHARE lock on sessions (reads go on,
-- writes wait) for the build: about a second per million sessions on a small instance. A large installation can
-- create it beforehand with CREATE INDEX CONCURRENTLY under this name; then this statement finds it and does nothing.
CREATE INDEX IF NOT EXISTS sessions_updated_at_idx ON sessions (updated_at);
