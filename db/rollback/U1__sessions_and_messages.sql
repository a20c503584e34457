-- Down script of V1__sessions_and_messages.sql, run by `chat-sessions undo --target 0` in one transaction
-- together with the removal of V1's row from flyway_schema_history. Unqualified, like the migration: it runs
-- with search_path set to the configured schema. No CASCADE and no IF EXISTS: if anything outside the
-- migrations depends on these tables, or they are already gone, the undo fails and changes nothing.

DROP TABLE idempotency_keys;
DROP TABLE messages;
DROP TABLE sessions;
