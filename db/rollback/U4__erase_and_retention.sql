-- Down script of V4__erase_and_retention.sql, run by `chat-sessions undo --target 3` in one transaction together with
-- the removal of V4's row from flyway_schema_history. An erase that has not finished loses its record (the user can
-- create sessions again); sessions it detached stay detached, invisible to every user: run the erase again before.

DROP INDEX sessions_updated_at_idx;
DROP PROCEDURE erase_user(text, integer, integer, bigint, bigint, bigint, integer, boolean);
DROP TRIGGER sessions_erase_guard ON sessions;
DROP FUNCTION sessions_erase_guard();
DROP TABLE user_erasures;
