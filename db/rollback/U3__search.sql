-- Down script of V3__search.sql, run by `chat-sessions undo --target 2` in one transaction together with the removal
-- of V3's row from flyway_schema_history (after U5 has dropped the search indexes). Loses messages.user_id (V1/V2 never
-- read it). The unaccent extension stays: other objects may use it, and a later migrate finds it in place.

DROP TRIGGER messages_owner_trg ON messages;
DROP FUNCTION messages_owner();
ALTER TABLE messages DROP COLUMN user_id;
DROP FUNCTION search_query(text, text[], boolean[]);
DROP FUNCTION search_document(text, text);
DROP FUNCTION search_quote(text);
DROP FUNCTION search_tag(text);
DROP FUNCTION search_split(text);
DROP FUNCTION search_fold(text);
