package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.chatsessions.migration.MigrationTestSupport.catalog;
import static io.chatsessions.migration.MigrationTestSupport.rows;
import static io.chatsessions.migration.MigrationTestSupport.run;
import static io.chatsessions.migration.MigrationTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code undo --target V} with the down scripts of db/rollback (and, through the location seam, test copies). */
class UndoCommandTest {

    static final String V2 = """
            CREATE TABLE session_tags (
                session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                tag        text NOT NULL,
                CONSTRAINT session_tags_pkey PRIMARY KEY (session_id, tag)
            );
            CREATE INDEX session_tags_tag_idx ON session_tags (tag);
            ALTER TABLE sessions ADD COLUMN pinned boolean NOT NULL DEFAULT false;
            """;
    static final String U2 = """
            ALTER TABLE sessions DROP COLUMN pinned;
            DROP TABLE session_tags;
            """;

    static String packaged(String path) throws IOException {
        try (InputStream in = UndoCommandTest.class.getClassLoader().getResourceAsStream(path)) {
            assertTrue(in != null, path + " is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void undoToZeroThenMigrateGivesTheSameSchemaAsAStraightMigrate() throws Exception {
        DatabaseSettings straight = TestPostgres.createDatabase();
        assertEquals(0, run(straight, "migrate").exitCode());

        DatabaseSettings roundTrip = TestPostgres.createDatabase();
        assertEquals(0, run(roundTrip, "migrate").exitCode());
        execute(roundTrip, "INSERT INTO chat.sessions (id, user_id) VALUES (gen_random_uuid(), 'u')");

        MigrationTestSupport.Result undo = run(roundTrip, "undo", "--target", "0");
        assertEquals(0, undo.exitCode(), undo.toString());
        assertTrue(undo.out().contains("  undone V1  sessions and messages  (U1__sessions_and_messages.sql, "), undo.toString());
        assertTrue(undo.out().contains("  undone V2  message lifecycle  (U2__message_lifecycle.sql, "), undo.toString());
        assertTrue(undo.out().contains("rolled back " + MigrationFiles.count() + " migration(s)"), undo.toString());
        assertEquals(List.of("flyway_schema_history"), rows(roundTrip, "SELECT relname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = 'chat' AND c.relkind = 'r' ORDER BY 1"));
        assertEquals("0", single(roundTrip, "SELECT count(*) FROM chat.flyway_schema_history WHERE version = '1'"));
        assertTrue(run(roundTrip, "info").out().contains("current version: none"));

        MigrationTestSupport.Result again = run(roundTrip, "migrate");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("applied " + MigrationFiles.count() + " migration(s)"), again.toString());

        Map<String, List<String>> expected = catalog(straight, "chat");
        Map<String, List<String>> actual = catalog(roundTrip, "chat");
        assertFalse(expected.get("columns").isEmpty());
        assertTrue(expected.get("indexes").size() >= 14, "at least eight indexes from V1-V2, two from V3, two from V4, two on the history"
                + " (later migrations may add more): " + expected.get("indexes"));
        for (String part : expected.keySet()) {
            assertEquals(expected.get(part), actual.get(part), part);
        }
        assertEquals(0, run(roundTrip, "verify").exitCode());
    }

    @Test
    void refusesWhenAVersionAboveTheTargetHasNoDownScript(@TempDir Path dir) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migration"));
        Path rollbacks = Files.createDirectories(dir.resolve("rollback"));
        Files.writeString(migrations.resolve("V1__sessions_and_messages.sql"), packaged("db/migration/V1__sessions_and_messages.sql"));
        Files.writeString(migrations.resolve("V2__session_tags.sql"), V2);
        Files.writeString(rollbacks.resolve("U1__sessions_and_messages.sql"), packaged("db/rollback/U1__sessions_and_messages.sql"));
        MigrationCli.Locations locations = new MigrationCli.Locations("filesystem:" + migrations, "filesystem:" + rollbacks);
        DatabaseSettings db = TestPostgres.createDatabase();
        Map<String, String> env = MigrationTestSupport.env(db);
        assertEquals(0, MigrationTestSupport.run(env, locations, "migrate").exitCode());
        Map<String, List<String>> before = catalog(db, "chat");

        MigrationTestSupport.Result refused = MigrationTestSupport.run(env, locations, "undo", "--target", "0");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(1, refused.errLines().size(), refused.toString());
        assertTrue(refused.err().startsWith("chat-sessions undo: refusing to undo to version 0, nothing was changed: "
                + "V2 (session tags) has no down script in filesystem:" + rollbacks + " (expected U2__session_tags.sql)"), refused.toString());
        assertEquals(before, catalog(db, "chat"), "a refused undo changed the schema");

        MigrationTestSupport.Result info = MigrationTestSupport.run(env, locations, "info");
        assertTrue(info.out().matches("(?s).*\n 2 +\\| session tags .*\\| no\n.*"), info.toString());

        // with the down script in place: back to 1, then forward again
        Files.writeString(rollbacks.resolve("U2__session_tags.sql"), U2);
        MigrationTestSupport.Result undone = MigrationTestSupport.run(env, locations, "undo", "--target", "1");
        assertEquals(0, undone.exitCode(), undone.toString());
        assertTrue(undone.out().contains("  undone V2  session tags  (U2__session_tags.sql, "), undone.toString());
        assertFalse(undone.out().contains("undone V1"), undone.toString());
        assertEquals("1", single(db, "SELECT max(version) FROM chat.flyway_schema_history WHERE type = 'SQL'"));
        assertEquals("null", single(db, "SELECT to_regclass('chat.session_tags')"));
        assertEquals("0", single(db, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'chat' AND column_name = 'pinned'"));
        MigrationTestSupport.Result forward = MigrationTestSupport.run(env, locations, "migrate");
        assertTrue(forward.out().contains("  applied V2  session tags  ("), forward.toString());
        assertEquals(0, MigrationTestSupport.run(env, locations, "verify").exitCode());
    }

    @Test
    void aFailingDownScriptChangesNothing() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate").exitCode());
        execute(db, "CREATE VIEW chat.recent_sessions AS SELECT id FROM chat.sessions");

        MigrationTestSupport.Result result = run(db, "undo", "--target", "0");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().contains("U1__sessions_and_messages.sql failed, V1 was not undone (rolled back): cannot drop table sessions"
                + " because other objects depend on it (SQL state 2BP01)"), result.toString());
        assertEquals("1", single(db, "SELECT count(*) FROM chat.flyway_schema_history WHERE version = '1'"));
        assertEquals("3", single(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'chat' AND tablename <> 'flyway_schema_history'"));
    }

    @Test
    void nothingToUndo() {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate").exitCode());
        MigrationTestSupport.Result result = run(db, "undo", "--target", String.valueOf(MigrationFiles.latest()));
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("nothing to undo: schema \"chat\" is at version " + MigrationFiles.latest() + ", not above " + MigrationFiles.latest()), result.toString());
    }

    /** Undo takes the advisory lock Flyway's migrate takes: while someone holds it, migrate (and undo) wait. */
    @Test
    void sharesFlywaysLock() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        try (Connection holder = MigrationTestSupport.connect(db)) {
            try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, Rollback.flywayLockKey("chat"));
                lock.execute();
            }
            CompletableFuture<MigrationTestSupport.Result> migrate = CompletableFuture.supplyAsync(() -> run(db, "migrate"));
            Thread.sleep(2000);
            assertFalse(migrate.isDone(), () -> "migrate did not wait for the lock: " + migrate.join());
            assertEquals("null", single(db, "SELECT to_regclass('chat.sessions')"));
            try (PreparedStatement unlock = holder.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, Rollback.flywayLockKey("chat"));
                unlock.execute();
            }
            MigrationTestSupport.Result result = migrate.get(30, TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.out().contains("applied " + MigrationFiles.count() + " migration(s)"), result.toString());
        }
    }

    private static void execute(DatabaseSettings db, String sql) throws Exception {
        MigrationTestSupport.execute(db, sql);
    }
}
