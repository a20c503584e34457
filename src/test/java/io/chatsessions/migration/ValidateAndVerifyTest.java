package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.chatsessions.migration.MigrationTestSupport.execute;
import static io.chatsessions.migration.MigrationTestSupport.run;
import static io.chatsessions.migration.MigrationTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code validate} (checksums of applied migrations) and {@code verify} (the live catalog against this build). */
class ValidateAndVerifyTest {

    @Test
    void validateCatchesAnEditedAppliedMigrationAndRepairAcceptsIt() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate").exitCode());
        MigrationTestSupport.Result ok = run(db, "validate");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("OK: " + MigrationFiles.count() + " applied migration(s)"), ok.toString());

        String fileChecksum = single(db, "SELECT checksum FROM chat.flyway_schema_history WHERE version = '1'");
        execute(db, "UPDATE chat.flyway_schema_history SET checksum = 12345 WHERE version = '1'");
        MigrationTestSupport.Result bad = run(db, "validate");
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.out().contains("V1 sessions and messages (V1__sessions_and_messages.sql): checksum differs, applied 12345, file "
                + fileChecksum), bad.toString());
        assertEquals(1, bad.errLines().size(), bad.toString());
        assertTrue(bad.err().contains("1 applied migration(s) differ from this build's files"), bad.toString());
        assertEquals(1, run(db, "migrate").exitCode(), "migrate validates first");

        MigrationTestSupport.Result repair = run(db, "repair");
        assertEquals(0, repair.exitCode(), repair.toString());
        assertTrue(repair.out().contains("realigned checksum/description with this build: V1 sessions and messages"), repair.toString());
        assertEquals(fileChecksum, single(db, "SELECT checksum FROM chat.flyway_schema_history WHERE version = '1'"));
        assertEquals(0, run(db, "validate").exitCode());
    }

    @Test
    void validateCatchesAModifiedCopyThatWasApplied(@TempDir Path dir) throws Exception {
        String original = UndoCommandTest.packaged("db/migration/V1__sessions_and_messages.sql");
        Files.writeString(dir.resolve("V1__sessions_and_messages.sql"),
                original.replace("CREATE INDEX idempotency_keys_created_at_idx", "-- edited\nCREATE INDEX idempotency_keys_created_at_idx"));
        DatabaseSettings db = TestPostgres.createDatabase();
        Map<String, String> env = MigrationTestSupport.env(db);
        assertEquals(0, MigrationTestSupport.run(env, new MigrationCli.Locations("filesystem:" + dir, Migrations.ROLLBACK_LOCATION), "migrate").exitCode());

        MigrationTestSupport.Result result = run(db, "validate");
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.out().contains("V1 sessions and messages (V1__sessions_and_messages.sql): checksum differs"), result.toString());
        assertTrue(run(db, "verify").out().contains("V1 (sessions and messages) was applied with checksum"));
    }

    @Test
    void verifyPassesOnAFreshMigrateAndLeavesNothingBehind() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate").exitCode());
        String objectsBefore = single(db, "SELECT count(*) FROM pg_class");
        MigrationTestSupport.Result result = run(db, "verify");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("expected schema replayed in a scratch schema, rolled back"), result.toString());
        assertTrue(result.out().contains("  version      ok: " + MigrationFiles.latest() + "\n"), result.toString());
        assertTrue(result.out().contains("  relations    ok: 5\n"), result.toString());
        assertTrue(result.out().contains("  columns      ok: 46\n"), result.toString());
        assertTrue(result.out().contains("  indexes      ok: 12\n"), result.toString());
        assertTrue(result.out().contains("  constraints  ok: 33\n"), result.toString());
        assertTrue(result.out().contains("chat-sessions verify: OK: schema \"chat\" matches this build"), result.toString());
        assertEquals("", result.err());
        assertEquals("0", single(db, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'chat_verify_%'"));
        assertEquals(objectsBefore, single(db, "SELECT count(*) FROM pg_class"));
    }

    @Test
    void verifyCatchesADroppedIndexAndOtherDrift() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(0, run(db, "migrate").exitCode());
        execute(db, "DROP INDEX chat.sessions_user_recency_idx");
        MigrationTestSupport.Result dropped = run(db, "verify");
        assertEquals(1, dropped.exitCode(), dropped.toString());
        assertTrue(dropped.out().contains("  indexes      1 difference(s) (12 expected, 11 found)\n      missing index sessions_user_recency_idx: "
                + "CREATE INDEX sessions_user_recency_idx ON sessions USING btree (user_id, archived, updated_at DESC, id DESC)"), dropped.toString());
        assertEquals(java.util.List.of("chat-sessions verify: 1 difference(s) between the live schema \"chat\" at " + db.describe()
                + " and this build (report above)"), dropped.errLines());

        execute(db, "CREATE INDEX sessions_user_recency_idx ON chat.sessions (user_id, archived, updated_at DESC)"); // wrong definition
        execute(db, "ALTER TABLE chat.messages ALTER COLUMN metadata SET DEFAULT '[]'");
        execute(db, "ALTER TABLE chat.messages ALTER COLUMN query_type SET NOT NULL");
        execute(db, "ALTER TABLE chat.sessions ADD COLUMN extra integer");
        execute(db, "ALTER TABLE chat.sessions DROP CONSTRAINT sessions_title_check");
        execute(db, "ALTER TABLE chat.sessions ADD CONSTRAINT sessions_title_check CHECK (char_length(title) <= 100)");
        execute(db, "CREATE TABLE chat.stray (id int)");
        String out = run(db, "verify").out();
        assertTrue(out.contains("index sessions_user_recency_idx differs: expected CREATE INDEX sessions_user_recency_idx ON sessions USING btree"
                + " (user_id, archived, updated_at DESC, id DESC), found CREATE INDEX sessions_user_recency_idx ON sessions USING btree"
                + " (user_id, archived, updated_at DESC)"), out);
        assertTrue(out.contains("column messages.metadata differs: expected jsonb NOT NULL DEFAULT '{}'::jsonb, found jsonb NOT NULL DEFAULT '[]'::jsonb"), out);
        assertTrue(out.contains("column messages.query_type differs: expected text, found text NOT NULL"), out);
        assertTrue(out.contains("unexpected column sessions.extra: integer"), out);
        assertTrue(out.contains("constraint sessions.sessions_title_check differs: expected CHECK (((title IS NULL) OR (char_length(title) <= 200)))"), out);
        assertTrue(out.contains("unexpected relation stray: table"), out);
    }

    @Test
    void verifyReportsAVersionBehindThisBuild() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        MigrationTestSupport.Result empty = run(db, "verify");
        assertEquals(1, empty.exitCode(), empty.toString());
        assertTrue(empty.out().contains("schema       missing: \"chat\" does not exist"), empty.toString());
        assertTrue(empty.out().contains("no migration applied, this build expects version " + MigrationFiles.latest()), empty.toString());
        assertFalse(MigrationTestSupport.schemaExists(db, "chat"), "verify created the schema");
    }

    /**
     * The documented roles (k8s/app-role-grants.sql): the migration role owns the schema but may not create schemas.
     * verify then replays the migrations as temporary tables, and still sees the same catalog.
     */
    @Test
    void verifyWorksForAMigrationRoleWithoutCreateOnTheDatabase() throws Exception {
        DatabaseSettings admin = TestPostgres.createDatabase();
        String migrator = "migrator_" + admin.database();
        execute(admin, "CREATE ROLE " + migrator + " LOGIN NOCREATEDB NOCREATEROLE");
        execute(admin, "REVOKE CREATE ON DATABASE " + admin.database() + " FROM PUBLIC");
        execute(admin, "CREATE SCHEMA chat AUTHORIZATION " + migrator);
        execute(admin, "REVOKE ALL ON SCHEMA chat FROM PUBLIC");
        // Without CREATE on the database this role may not create V3's extension: the documented step is an administrator's
        execute(admin, "CREATE EXTENSION unaccent");
        DatabaseSettings db = new DatabaseSettings(admin.host(), admin.port(), admin.database(), migrator, "", "chat");
        MigrationTestSupport.Result migrate = run(db, "migrate");
        assertEquals(0, migrate.exitCode(), migrate.toString());

        MigrationTestSupport.Result ok = run(db, "verify");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("expected schema replayed in temporary tables (this role has no CREATE on database "), ok.toString());
        assertTrue(ok.out().contains("  indexes      ok: 12\n"), ok.toString());
        assertTrue(ok.out().contains("  constraints  ok: 33\n"), ok.toString());

        execute(admin, "DROP INDEX chat.idempotency_keys_created_at_idx");
        MigrationTestSupport.Result dropped = run(db, "verify");
        assertEquals(1, dropped.exitCode(), dropped.toString());
        assertTrue(dropped.out().contains("missing index idempotency_keys_created_at_idx: CREATE INDEX idempotency_keys_created_at_idx"
                + " ON idempotency_keys USING btree (created_at)"), dropped.toString());
    }
}
