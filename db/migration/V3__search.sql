-- Search (GET /search): full-text words in every language written with spaces, substrings of scripts written without
-- them (Chinese, Japanese), over message content and session titles, one user at a time.
--
-- Extension: only unaccent (trusted since PostgreSQL 13: a role with CREATE on the database may create it; offered by
-- RDS, Cloud SQL, Azure, Crunchy...). pg_trgm and btree_gin are not needed: see "owner isolation" below. Where
-- unaccent is missing or may not be created, the first statement fails with one line naming it, and Flyway rolls the
-- whole script back (it runs in one transaction), so nothing of V3 is left behind.
--
-- Words: to_tsvector('simple') over search_fold = unaccent(lower(...)) (case- and accent-insensitive, no stemming, so
-- it is right for every language alike; ё folds to е). Chinese and Japanese characters are spaced apart before
-- parsing (search_split), so each is a token with its position and a substring of n characters is the phrase of its
-- n characters: no trigram index, and 2 characters match as well as 20.
--
-- Owner isolation by the index itself: every lexeme of a user's row is prefixed with a tag of the owner (12 hex
-- digits of md5(user_id)), so a GIN key holds one user's rows only and a query reads no posting list of anyone else's
-- (a composite btree_gin (user_id, tsvector) index would still read the word's posting list across all users). The
-- owner is messages.user_id, a new nullable column filled for every insert path by a trigger (the previous release,
-- fork's INSERT ... SELECT, imports) and for existing rows by V5's backfill; queries filter on user_id too, so a
-- tag collision could cost time, never show another user's row.
--
-- Locks and duration: this script is the short, transactional half of search (one transaction: a failure leaves
-- nothing of it). It takes ACCESS EXCLUSIVE on messages for ADD COLUMN and CREATE TRIGGER (no rewrite: the column is
-- nullable, no default), an instant once granted; lock_timeout bounds the wait for it (a long transaction of the
-- running release would otherwise queue every append behind this migration): past 5 s migrate fails, changes
-- nothing, and is run again. The rows written before V3 get their owner, and both tables their search index, in
-- V5__search_backfill_and_index.sql, which runs outside a transaction in batches and builds the indexes CONCURRENTLY,
-- so the running release keeps appending and reading all along (measured in docs/BENCHMARKS.md). Until V5 is done
-- search finds nothing of the rows written before V3; no release serves search before its migrate has finished.

DO $check$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
            RAISE EXCEPTION 'search needs the PostgreSQL extension "unaccent", which this server does not offer (install postgresql-contrib, or create it as the provider documents)';
        END IF;
        BEGIN
            CREATE EXTENSION IF NOT EXISTS unaccent;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'search needs the PostgreSQL extension "unaccent", and role "%" may not create it (grant CREATE on database "%", or have an administrator run CREATE EXTENSION unaccent)', current_user, current_database();
        END;
    END IF;
END
$check$;

-- The folding functions name the extension's schema, wherever it was created (it may already exist in public), so
-- they are IMMUTABLE in fact, whatever the caller's search_path. Lowercasing uses a collation with Unicode case rules
-- (PostgreSQL 17's builtin pg_c_utf8, else ICU's root locale), never the database's: in a "C" database lower() would
-- leave Cyrillic and Greek capitals alone.
DO $fold$
DECLARE
    ext_schema text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent');
    -- both exist only for UTF8 databases (a SQL_ASCII one keeps the database's own lower())
    case_rules text := (SELECT collname FROM pg_collation WHERE collname IN ('pg_c_utf8', 'und-x-icu')
                           AND getdatabaseencoding() = 'UTF8'
                         ORDER BY collname = 'pg_c_utf8' DESC LIMIT 1);
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION search_fold(body text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            RETURN %1$I.unaccent(%3$L::regdictionary, lower(body %2$s))
        $f$, ext_schema, CASE WHEN case_rules IS NULL THEN '' ELSE format('COLLATE pg_catalog.%I', case_rules) END,
        ext_schema || '.unaccent');
END
$fold$;

-- Han, kana and CJK compatibility characters each become a token of their own (spaces around each).
CREATE FUNCTION search_split(body text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(body, '([\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f])', ' \1 ', 'g');

-- The owner's tag that prefixes each of their lexemes.
CREATE FUNCTION search_tag(owner text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN left(md5(owner), 12);

-- A lexeme (or tsquery operand) quoted for tsvector / tsquery input: quotes and backslashes doubled.
CREATE FUNCTION search_quote(lexeme text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''';

-- The indexed document: the words of the first 32,768 characters (so that no content can make a tsvector over its
-- 1 MB limit and fail the insert), each lexeme prefixed with the owner's tag, positions kept for phrases.
CREATE FUNCTION search_document(owner text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (
    SELECT coalesce(string_agg("${flyway:defaultSchema}".search_quote("${flyway:defaultSchema}".search_tag(owner) || v.lexeme) || ':' || array_to_string(v.positions, ','), ' '), '')::tsvector
      FROM unnest(to_tsvector('pg_catalog.simple'::regconfig, "${flyway:defaultSchema}".search_fold("${flyway:defaultSchema}".search_split(left(body, 32768))))) AS v
     WHERE octet_length(v.lexeme) <= 2000);

-- A user's query: every term must match (AND); a term is the phrase of its words in order (one word is a phrase of one),
-- its last word a prefix when the term ends with "*". Built from lexemes, never by parsing user text as tsquery syntax.
CREATE FUNCTION search_query(owner text, terms text[], prefixes boolean[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (
    SELECT coalesce(string_agg(phrase, ' & ' ORDER BY term_no), '')::tsquery
      FROM (SELECT w.term_no,
                   '(' || string_agg(CASE WHEN w.gap IS NULL THEN '' ELSE ' <' || w.gap || '> ' END
                                     || "${flyway:defaultSchema}".search_quote("${flyway:defaultSchema}".search_tag(owner) || w.lexeme)
                                     || CASE WHEN w.prefix AND w.pos = w.last_pos THEN ':*' ELSE '' END, '' ORDER BY w.pos) || ')' AS phrase
              FROM (SELECT t.term_no, t.prefix, v.lexeme, p.pos,
                           p.pos - lag(p.pos) OVER (PARTITION BY t.term_no ORDER BY p.pos) AS gap,
                           max(p.pos) OVER (PARTITION BY t.term_no) AS last_pos
                      FROM unnest(terms, prefixes) WITH ORDINALITY AS t(term, prefix, term_no),
                           unnest(to_tsvector('pg_catalog.simple'::regconfig, "${flyway:defaultSchema}".search_fold("${flyway:defaultSchema}".search_split(t.term)))) AS v,
                           unnest(v.positions) AS p(pos)
                     WHERE octet_length(v.lexeme) <= 2000) AS w
             GROUP BY w.term_no) AS phrases);

-- Calls of V3's own functions are qualified with the schema Flyway migrates ("${flyway:defaultSchema}" expands to it):
-- verify's temporary-table replay creates them in pg_temp, where PostgreSQL finds functions only by a qualified name.

SET LOCAL lock_timeout = '5s';

-- Owner of every message, whatever path inserts it (appends, fork, imports, the previous release, SQL by hand).
ALTER TABLE messages ADD COLUMN user_id text;

-- search_path fixed to this schema: the trigger fires under whatever search_path the inserting role has.
CREATE FUNCTION messages_owner() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $owner$
BEGIN
    SELECT s.user_id INTO NEW.user_id FROM sessions s WHERE s.id = NEW.session_id;
    RETURN NEW;
END
$owner$;

CREATE TRIGGER messages_owner_trg BEFORE INSERT ON messages
    FOR EACH ROW WHEN (NEW.user_id IS NULL) EXECUTE FUNCTION "${flyway:defaultSchema}".messages_owner();
