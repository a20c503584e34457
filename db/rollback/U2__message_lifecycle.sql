-- Down script of V2__message_lifecycle.sql, run by `chat-sessions undo --target 1` in one transaction together with
-- the removal of V2's row from flyway_schema_history. Loses the lifecycle columns, feedback and fork pointers.
-- Messages left empty by a stream that never completed would break V1's content rule, so they get it back first.

ALTER TABLE sessions
    DROP CONSTRAINT sessions_forked_from_check,
    DROP COLUMN forked_from_seq,
    DROP COLUMN forked_from_session_id;

DROP TABLE message_feedback;

DROP INDEX messages_in_progress_idx;

UPDATE messages SET content = '(empty)' WHERE role <> 'tool' AND content = '';

ALTER TABLE messages
    DROP CONSTRAINT messages_content_check,
    ADD CONSTRAINT messages_content_check CHECK (role = 'tool' OR content <> ''),
    DROP CONSTRAINT messages_version_check,
    DROP CONSTRAINT messages_error_check,
    DROP CONSTRAINT messages_finish_reason_check,
    DROP CONSTRAINT messages_status_check,
    DROP COLUMN completed_at,
    DROP COLUMN updated_at,
    DROP COLUMN version,
    DROP COLUMN error,
    DROP COLUMN finish_reason,
    DROP COLUMN status;
