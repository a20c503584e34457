-- Down script of V5__search_backfill_and_index.sql, run by `chat-sessions undo --target 4` in one transaction together
-- with the removal of V5's row from flyway_schema_history. Loses the two search indexes (search then scans; rebuild
-- them with `migrate`). The owners V5 filled in stay: V3's column keeps them, and a later V5 finds nothing to fill.
-- DROP INDEX takes ACCESS EXCLUSIVE on each table for an instant (an undo is a planned step, like V3 itself).

DROP INDEX sessions_title_search_idx;
DROP INDEX messages_search_idx;
