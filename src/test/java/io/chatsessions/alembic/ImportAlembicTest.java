package io.chatsessions.alembic;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.Migrations;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestSql;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code import-alembic} against a copy of the Alembic-era backend's schema (written here from the column
 * list, in schema {@code public}, revision {@code 001_initial_schema}, json columns and a timestamp without time zone
 * as SQLAlchemy's defaults make them), filled in SQL with 10,000 sessions and 200,000 messages, bad rows included.
 */
class ImportAlembicTest {

    private static final int SESSIONS = 10_000;
    private static final int MESSAGES = 200_000;
    private static final String ORPHAN_INSIDE = "5ef0a6c4-0000-4000-8000-000000000001";
    private static final String ORPHAN_BEYOND = "ffffffff-ffff-ffff-ffff-ffffffffffff";

    /** The old backend's tables, as its Alembic revision 001_initial_schema created them (no foreign key: orphans can exist). */
    static final String OLD_SCHEMA = """
            CREATE TABLE public.alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
            INSERT INTO public.alembic_version VALUES ('001_initial_schema');
            CREATE TABLE public.sessions (
                id uuid NOT NULL PRIMARY KEY,
                user_id varchar(255) NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                metadata json);
            CREATE TABLE public.messages (
                id uuid NOT NULL PRIMARY KEY,
                session_id uuid NOT NULL,
                role varchar(20) NOT NULL,
                content text NOT NULL,
                created_at timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
                sources json,
                latency_ms integer,
                top_k integer,
                query_type varchar(50));
            CREATE INDEX ix_messages_session_id ON public.messages (session_id);
            """;

    /** 20 messages per session, created in pairs within the same second (so (created_at, id) decides the order). */
    static final String FILL = """
            INSERT INTO public.sessions (id, user_id, created_at, updated_at, metadata)
            SELECT md5('s' || i)::uuid, 'user-' || (i %% 700), timestamptz '2025-01-01 00:00:00+00' + i * interval '1 minute',
                   timestamptz '2025-01-01 01:00:00+00' + i * interval '1 minute',
                   CASE WHEN i %% 50 = 0 THEN json_build_object('title', 'Old title ' || i) ELSE json_build_object('channel', 'web', 'n', i) END
              FROM generate_series(1, %1$d) i;
            INSERT INTO public.messages (id, session_id, role, content, created_at, sources, latency_ms, top_k, query_type)
            SELECT md5('m' || j)::uuid, md5('s' || (j %% %1$d + 1))::uuid,
                   CASE WHEN (j / %1$d) %% 2 = 0 THEN 'user' ELSE 'assistant' END,
                   CASE WHEN (j / %1$d) %% 2 = 0 THEN 'question ' ELSE 'answer ' END || j,
                   timestamp '2025-01-01 00:00:00' + (j %% %1$d + 1) * interval '1 minute' + ((j / %1$d) / 2) * interval '1 second',
                   CASE WHEN (j / %1$d) %% 2 = 1 THEN json_build_array(json_build_object('title', 'Doc ' || j,
                        'url', 'https://docs.example/' || j, 'score', 0.87, 'page', 3)) END,
                   CASE WHEN (j / %1$d) %% 2 = 1 THEN 100 + j %% 900 END,
                   CASE WHEN (j / %1$d) %% 2 = 1 THEN 5 END,
                   CASE WHEN (j / %1$d) %% 2 = 1 THEN 'hybrid' END
              FROM generate_series(0, %2$d - 1) j;
            """.formatted(SESSIONS, MESSAGES);

    /** Bad messages in otherwise good sessions: message number -> SQL SET clause, and the reason the import gives. */
    static final Map<Integer, String[]> BAD_MESSAGES = new LinkedHashMap<>();

    static {
        BAD_MESSAGES.put(101, new String[]{"role = 'robot'", "unknown role: 'robot'"});
        BAD_MESSAGES.put(203, new String[]{"sources = '{\"title\": \"x\"}'", "sources not an array: object"});
        BAD_MESSAGES.put(305, new String[]{"sources = '[1]'", "bad source: sources[0] is number, not an object"});
        BAD_MESSAGES.put(407, new String[]{"sources = '[{\"url\": \"u\"}, {\"title\": 5}]'", "bad source: sources[1].title is number, expected a string"});
        BAD_MESSAGES.put(509, new String[]{"top_k = 0", "top_k outside 1..1000: 0"});
        BAD_MESSAGES.put(611, new String[]{"top_k = 1001", "top_k outside 1..1000: 1001"});
        BAD_MESSAGES.put(713, new String[]{"latency_ms = -5", "negative latency_ms: -5"});
        BAD_MESSAGES.put(815, new String[]{"query_type = 'not ok!'", "bad query_type: 'not ok!'"});
        BAD_MESSAGES.put(917, new String[]{"content = repeat('x', 262145)", "content too large: 262145 bytes (at most 262144)"});
        // text cannot hold NUL, so the old content column never did; a json column keeps the escape \u0000 as written
        BAD_MESSAGES.put(1019, new String[]{"sources = '[{\"title\": \"a\\u0000b\"}]'", "NUL in sources"});
        BAD_MESSAGES.put(1121, new String[]{"content = ''", "empty content"});
        BAD_MESSAGES.put(1223, new String[]{"sources = '[{\"title\": \"\\ud800\"}]'", "sources not storable"});
    }

    /** Bad sessions (each takes its 20 messages with it): session number -> SET clause, reason. */
    static final Map<Integer, String[]> BAD_SESSIONS = Map.of(
            7, new String[]{"user_id = ''", "empty user_id"},
            8, new String[]{"metadata = '[1, 2]'", "metadata not an object: array"},
            9, new String[]{"metadata = '{\"a\": \"\\u0000\"}'", "NUL in metadata"});

    private static final int GOOD_SESSIONS = SESSIONS - 3;
    private static final int GOOD_MESSAGES = MESSAGES - BAD_MESSAGES.size() - 3 * 20;

    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out ---\n" + (out.length() > 6000 ? out.substring(0, 6000) + "..." : out) + "--- err ---\n" + err;
        }
    }

    @Test
    void importsEveryGoodRowOnceSkipsBadOnesAndTakesOnlyNewRowsOnTheNextRun() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        Migrations.migrate(db);
        TestSql.executeAsSuperuser(db, OLD_SCHEMA);
        long filling = System.nanoTime();
        TestSql.executeAsSuperuser(db, FILL);
        for (Map.Entry<Integer, String[]> bad : BAD_MESSAGES.entrySet()) {
            TestSql.executeAsSuperuser(db, "UPDATE public.messages SET " + bad.getValue()[0] + " WHERE id = md5('m" + bad.getKey() + "')::uuid");
        }
        for (Map.Entry<Integer, String[]> bad : BAD_SESSIONS.entrySet()) {
            TestSql.executeAsSuperuser(db, "UPDATE public.sessions SET " + bad.getValue()[0] + " WHERE id = md5('s" + bad.getKey() + "')::uuid");
        }
        TestSql.executeAsSuperuser(db, "INSERT INTO public.messages (id, session_id, role, content) VALUES"
                + " (md5('orphan1')::uuid, '" + ORPHAN_INSIDE + "', 'user', 'lost'), (md5('orphan2')::uuid, '" + ORPHAN_BEYOND + "', 'user', 'lost')");
        System.out.printf("import-alembic test: old tables filled in %.1f s%n", (System.nanoTime() - filling) / 1e9);
        Map<String, String> oldTables = oldFingerprint(db);

        // --dry-run first: the counts and problems of a real run, and nothing changes
        Map<String, String> empty = TestSql.fingerprint(db);
        Run dry = run(db, "import-alembic", "--from-schema", "public", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("found Alembic revision 001_initial_schema in schema \"public\""), dry.toString());
        assertTrue(dry.out().contains("--dry-run, nothing was changed: would import " + GOOD_SESSIONS + " sessions and " + GOOD_MESSAGES
                + " messages"), dry.toString());
        assertEquals(empty, TestSql.fingerprint(db), "--dry-run changed the service's tables");

        Run first = run(db, "import-alembic", "--from-schema", "public", "--batch-size", "400");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("", first.err(), first.toString());
        System.out.println("import-alembic test, first run: " + first.out().lines().filter(l -> l.contains(": imported ")).findFirst().orElse(first.out()));
        assertTrue(first.out().contains("imported " + GOOD_SESSIONS + " sessions and " + GOOD_MESSAGES + " messages from schema \"public\""
                + " (Alembic revision 001_initial_schema) into schema \"chat\""), first.toString());
        assertTrue(first.out().contains("skipped (listed above): 3 sessions, " + (BAD_MESSAGES.size() + 2 + 60) + " messages"), first.toString());
        assertTrue(first.out().contains("  progress: ") || first.out().contains(" 26 batch(es)"), first.toString());
        for (Map.Entry<Integer, String[]> bad : BAD_MESSAGES.entrySet()) {
            String id = text(db, "SELECT md5('m" + bad.getKey() + "')::uuid::text");
            assertTrue(first.out().contains("  skipped message " + id + ": " + bad.getValue()[1]), bad.getValue()[1] + "\n" + first);
        }
        for (Map.Entry<Integer, String[]> bad : BAD_SESSIONS.entrySet()) {
            String id = text(db, "SELECT md5('s" + bad.getKey() + "')::uuid::text");
            assertTrue(first.out().contains("  skipped session " + id + ": " + bad.getValue()[1]), bad.getValue()[1] + "\n" + first);
            String oneOfItsMessages = text(db, "SELECT md5('m" + (bad.getKey() - 1) + "')::uuid::text");
            assertTrue(first.out().contains("  skipped message " + oneOfItsMessages + ": session skipped: " + id + " (" + bad.getValue()[1]),
                    first.toString());
        }
        assertTrue(first.out().contains(": missing session: " + ORPHAN_INSIDE), first.toString());
        assertTrue(first.out().contains(": missing session: " + ORPHAN_BEYOND), first.toString());

        // every good row exactly once, every field as it was; no bad row
        assertEquals(GOOD_SESSIONS, number(db, "SELECT count(*) FROM chat.sessions"));
        assertEquals(GOOD_SESSIONS, number(db, """
                SELECT count(*) FROM public.sessions o JOIN chat.sessions n USING (id)
                 WHERE n.user_id = o.user_id AND n.metadata = o.metadata::jsonb AND n.created_at = o.created_at
                   AND n.updated_at = o.updated_at AND n.title IS NULL AND NOT n.archived AND n.version = 1"""));
        assertEquals(GOOD_MESSAGES, number(db, "SELECT count(*) FROM chat.messages"));
        assertEquals(GOOD_MESSAGES, number(db, """
                SELECT count(*) FROM public.messages o JOIN chat.messages n USING (id)
                 WHERE n.session_id = o.session_id AND n.role = o.role AND n.content = o.content
                   AND n.created_at = (o.created_at AT TIME ZONE 'UTC') AND n.sources IS NOT DISTINCT FROM o.sources::jsonb
                   AND n.latency_ms IS NOT DISTINCT FROM o.latency_ms AND n.top_k IS NOT DISTINCT FROM o.top_k
                   AND n.query_type IS NOT DISTINCT FROM o.query_type AND n.metadata = '{}' AND n.status = 'completed' AND n.version = 1"""));
        assertEquals(List.of(), TestSql.seqProblems(db), "seqs 1..n per session, n = message_count");
        assertEquals(0, number(db, "SELECT count(*) FROM (SELECT seq, row_number() OVER (PARTITION BY session_id ORDER BY created_at, id) AS rn"
                + " FROM chat.messages) x WHERE seq <> rn"), "seqs follow (created_at, id)");
        assertEquals(0, number(db, "SELECT count(*) FROM chat.sessions WHERE title IS NOT NULL"), "no title is guessed from metadata");

        // a second run imports nothing and changes nothing
        Map<String, String> imported = TestSql.fingerprint(db);
        Run second = run(db, "import-alembic", "--from-schema", "public");
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().contains("imported 0 sessions and 0 messages"), second.toString());
        assertTrue(second.out().contains("already present (imported before, left as they are): " + GOOD_SESSIONS + " sessions, "
                + GOOD_MESSAGES + " messages"), second.toString());
        assertEquals(imported, TestSql.fingerprint(db), "the second run changed the service's tables");
        assertEquals(oldTables, oldFingerprint(db), "the old tables were modified");

        // rows the old backend wrote afterwards: to an imported session (one of them older than what is there) and a new one
        TestSql.executeAsSuperuser(db, """
                INSERT INTO public.messages (id, session_id, role, content, created_at) VALUES
                  (md5('late1')::uuid, md5('s1')::uuid, 'user', 'one more', timestamp '2025-06-01 00:00:00'),
                  (md5('late2')::uuid, md5('s2')::uuid, 'user', 'written with an old clock', timestamp '2024-01-01 00:00:00');
                INSERT INTO public.sessions (id, user_id, created_at, updated_at, metadata)
                  VALUES (md5('snew')::uuid, 'user-new', timestamptz '2025-06-01 00:00:00+00', timestamptz '2025-06-01 00:00:00+00', NULL);
                INSERT INTO public.messages (id, session_id, role, content, created_at, top_k) VALUES
                  (md5('new3')::uuid, md5('snew')::uuid, 'assistant', 'third', timestamp '2025-06-01 00:00:02', 3),
                  (md5('new1')::uuid, md5('snew')::uuid, 'user', 'first', timestamp '2025-06-01 00:00:01', NULL),
                  (md5('new2')::uuid, md5('snew')::uuid, 'tool', '', timestamp '2025-06-01 00:00:01', NULL);
                """);
        Map<String, String> oldAfterWrites = oldFingerprint(db);
        Run dryAgain = run(db, "import-alembic", "--from-schema", "public", "--dry-run");
        assertEquals(0, dryAgain.exitCode(), dryAgain.toString());
        assertTrue(dryAgain.out().contains("would import 1 sessions and 5 messages"), dryAgain.toString());
        assertEquals(imported, TestSql.fingerprint(db), "--dry-run changed the service's tables");

        Run third = run(db, "import-alembic", "--from-schema", "public");
        assertEquals(0, third.exitCode(), third.toString());
        assertTrue(third.out().contains("imported 1 sessions and 5 messages"), third.toString());
        assertEquals(List.of(), TestSql.seqProblems(db));
        assertEquals("21 | 2 | 2025-06-01T00:00Z", rowText(db, "SELECT s.message_count, s.version, to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI\"Z\"')"
                + " FROM chat.sessions s WHERE id = md5('s1')::uuid"));
        assertEquals(21, number(db, "SELECT seq FROM chat.messages WHERE id = md5('late2')::uuid"), "new rows continue after the seqs present");
        assertEquals(List.of("1", "2", "3"), List.of(
                text(db, "SELECT seq::text FROM chat.messages WHERE id = least(md5('new1'), md5('new2'))::uuid"),
                text(db, "SELECT seq::text FROM chat.messages WHERE id = greatest(md5('new1'), md5('new2'))::uuid"),
                text(db, "SELECT seq::text FROM chat.messages WHERE id = md5('new3')::uuid")));
        assertEquals("3 | 1 | {}", rowText(db, "SELECT message_count, version, metadata::text FROM chat.sessions WHERE id = md5('snew')::uuid"));
        assertEquals(oldAfterWrites, oldFingerprint(db), "the old tables were modified");
    }

    @Test
    void refusesWhatItCannotImportWithOneLine() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        TestSql.executeAsSuperuser(db, OLD_SCHEMA);

        Run unmigrated = run(db, "import-alembic", "--from-schema", "public");
        assertEquals(1, unmigrated.exitCode(), unmigrated.toString());
        assertEquals("chat-sessions import-alembic: schema \"chat\" at " + db.describe() + " has no migrations applied; run migrate first"
                + " (this build expects version " + Migrations.expectedVersion() + ")\n", unmigrated.err());

        Migrations.migrate(db);
        Run noSchema = run(db, "import-alembic", "--from-schema", "legacy");
        assertEquals(1, noSchema.exitCode(), noSchema.toString());
        assertTrue(noSchema.err().startsWith("chat-sessions import-alembic: schema \"legacy\" does not exist"), noSchema.toString());

        TestSql.executeAsSuperuser(db, "CREATE SCHEMA legacy; CREATE TABLE legacy.sessions (id uuid, user_id text)");
        Run notAlembic = run(db, "import-alembic", "--from-schema", "legacy");
        assertEquals(1, notAlembic.exitCode(), notAlembic.toString());
        assertEquals("chat-sessions import-alembic: schema \"legacy\" is not an Alembic-managed chat backend: missing sessions.created_at,"
                + " sessions.metadata, sessions.updated_at, table messages, table alembic_version\n", notAlembic.err());

        TestSql.executeAsSuperuser(db, "DELETE FROM public.alembic_version");
        Run noRevision = run(db, "import-alembic", "--from-schema", "public");
        assertEquals(1, noRevision.exitCode(), noRevision.toString());
        assertTrue(noRevision.err().contains("empty alembic_version table"), noRevision.toString());

        Run usage = run(db, "import-alembic");
        assertEquals(2, usage.exitCode(), usage.toString());
        assertTrue(usage.err().startsWith("chat-sessions import-alembic: import-alembic needs --from-schema S"), usage.toString());
        Run badBatch = run(db, "import-alembic", "--from-schema", "public", "--batch-size", "0");
        assertEquals(2, badBatch.exitCode(), badBatch.toString());
        Run help = run(db, "import-alembic", "--help");
        assertEquals(0, help.exitCode(), help.toString());
        assertTrue(help.out().startsWith("usage: java -jar chat-sessions.jar import-alembic --from-schema S"), help.toString());
        assertFalse(TestSql.rowsAsSuperuser(db, "SELECT 1 FROM chat.sessions").size() > 0, "nothing was imported");
    }

    static Run run(DatabaseSettings db, String... args) {
        Map<String, String> env = TestPostgres.environment(db);
        env.put("MIGRATE_WAIT_SECONDS", "5");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = ImportAlembicCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), env, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> oldFingerprint(DatabaseSettings db) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String table : List.of("sessions", "messages", "alembic_version")) {
            result.put(table, rowText(db, "SELECT count(*), md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM public." + table + " t"));
        }
        return result;
    }

    private static long number(DatabaseSettings db, String sql) {
        return TestSql.number(db, sql);
    }

    private static String text(DatabaseSettings db, String sql) {
        return String.valueOf(TestSql.rows(db, sql).get(0).get(0));
    }

    private static String rowText(DatabaseSettings db, String sql) {
        return String.join(" | ", TestSql.rows(db, sql).get(0).stream().map(String::valueOf).toList());
    }
}
