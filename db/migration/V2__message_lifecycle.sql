-- Message lifecycle (streamed answers), feedback and fork. Expand-only: the previous release keeps working on this
-- schema (PreviousReleaseTest). Every new column is nullable or has a constant default, so adding it rewrites no
-- row. updated_at NULL means "never updated" and completed_at NULL on a message that is not in progress means "created
-- final": reads take created_at for both, so neither the previous release nor an append has to write them. No trigger sends NOTIFY: a NOTIFY in the write's transaction takes a
-- database-wide lock held through the commit's WAL flush (single-row inserts at 16 clients: 11,368 -> 3,131 tps),
-- so the service notifies after commit (io.chatsessions.events).

ALTER TABLE messages
    ADD COLUMN status        text    NOT NULL DEFAULT 'completed',
    ADD COLUMN finish_reason text,
    ADD COLUMN error         jsonb,
    ADD COLUMN version       integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_at    timestamptz,
    ADD COLUMN completed_at  timestamptz,
    ADD CONSTRAINT messages_status_check CHECK (status IN ('completed', 'in_progress', 'failed', 'cancelled')),
    ADD CONSTRAINT messages_finish_reason_check CHECK (finish_reason IS NULL OR finish_reason ~ '^[a-z0-9_]{1,64}$'),
    ADD CONSTRAINT messages_error_check CHECK (error IS NULL OR jsonb_typeof(error) = 'object'),
    ADD CONSTRAINT messages_version_check CHECK (version >= 1),
    -- An answer being streamed may be empty until it completes; a completed one still may not (except tool output).
    DROP CONSTRAINT messages_content_check,
    ADD CONSTRAINT messages_content_check CHECK (role = 'tool' OR content <> '' OR status <> 'completed');

-- The abandoned-message sweeper's scan: only in-progress rows (a few, whatever the table size). Keyed on id, which no
-- update changes, so a streaming PATCH (content, version, updated_at) can be a HOT update; keyed on updated_at, no
-- PATCH was (pgbench, 8 clients patching in-progress rows: 0 of 12,511 updates HOT vs 5,812 of 9,693).
CREATE INDEX messages_in_progress_idx ON messages (id) WHERE status = 'in_progress';

-- Feedback on an answer: at most one per message, the session owner's. Deleted with the message (and so the session).
CREATE TABLE message_feedback (
    message_id  uuid        NOT NULL,
    rating      text        NOT NULL,
    reasons     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    comment     text,
    sources     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_feedback_pkey PRIMARY KEY (message_id),
    CONSTRAINT message_feedback_message_id_fkey FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE,
    CONSTRAINT message_feedback_rating_check CHECK (rating IN ('up', 'down')),
    CONSTRAINT message_feedback_reasons_check CHECK (jsonb_typeof(reasons) = 'array' AND jsonb_array_length(reasons) <= 10),
    CONSTRAINT message_feedback_comment_check CHECK (comment IS NULL OR octet_length(comment) <= 4096),
    CONSTRAINT message_feedback_sources_check CHECK (jsonb_typeof(sources) = 'array' AND jsonb_array_length(sources) <= 100)
);

-- Fork: where a session was branched from. No foreign key: the source may be deleted and the fork keeps the pointer.
ALTER TABLE sessions
    ADD COLUMN forked_from_session_id uuid,
    ADD COLUMN forked_from_seq        integer,
    ADD CONSTRAINT sessions_forked_from_check CHECK ((forked_from_session_id IS NULL) = (forked_from_seq IS NULL)
                                                     AND (forked_from_seq IS NULL OR forked_from_seq >= 0));
