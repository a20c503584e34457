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

/** {@code info}, {@code baseline}, {@code repair}, and how a failing migration is reported. */
class InfoBaselineRepairTest {

    @Test
    void infoShowsPendingThenApplied() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        MigrationTestSupport.Result empty = run(db, "info");
        assertEquals(0, empty.exitCode(), empty.toString());
        assertTrue(empty.out().contains("current version: none (no migration applied)\napplied: 0, pending: " + MigrationFiles.count() + "\n"), empty.toString());
        assertTrue(empty.out().matches("(?s).*\n 1 +\\| sessions and messages +\\| SQL +\\| +\\| Pending \\| +\\| yes\n.*"), empty.toString());
        assertFalse(MigrationTestSupport.schemaExists(db, "chat"), "info created the schema");

        assertEquals(0, run(db, "migrate").exitCode());
        MigrationTestSupport.Result applied = run(db, "info");
        assertEquals(0, applied.exitCode(), applied.toString());
        assertTrue(applied.out().contains("current version: " + MigrationFiles.latest() + " (" + MigrationFiles.latestDescription() + ")\napplied: "
                + MigrationFiles.count() + ", pending: 0\n"), applied.toString());
        assertTrue(applied.out().contains(" Version | Description "), applied.toString());
        assertTrue(applied.out().matches("(?s).*\n 1 +\\| sessions and messages +\\| SQL +\\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\| Success \\| \\d+ ms +\\| yes\n.*"),
                applied.toString());
    }

    @Test
    void baselineAdoptsAnExistingSchema() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        // a database whose tables were created by hand, before Flyway
        String v1 = UndoCommandTest.packaged("db/migration/V1__sessions_and_messages.sql");
        execute(db, "CREATE SCHEMA chat; SET search_path TO chat; " + v1);

        MigrationTestSupport.Result baseline = run(db, "baseline", "--version", "1");
        assertEquals(0, baseline.exitCode(), baseline.toString());
        assertTrue(baseline.out().contains("recorded schema \"chat\" at " + db.describe() + " as being at version 1"), baseline.toString());
        assertEquals("BASELINE", single(db, "SELECT type FROM chat.flyway_schema_history WHERE version = '1'"));

        MigrationTestSupport.Result migrate = run(db, "migrate");
        assertEquals(0, migrate.exitCode(), migrate.toString());
        assertTrue(migrate.out().contains("  applied V2  message lifecycle  ("), migrate.toString());
        assertTrue(migrate.out().contains("applied " + MigrationFiles.above(1) + " migration(s)"), migrate.toString());
        assertTrue(run(db, "info").out().contains("current version: " + MigrationFiles.latest() + " (" + MigrationFiles.latestDescription() + ")"));
        assertEquals(0, run(db, "verify").exitCode(), "the adopted schema plus the later migrations is what the migrations create");

        MigrationTestSupport.Result undo = run(db, "undo", "--target", "0");
        assertEquals(1, undo.exitCode(), undo.toString());
        assertTrue(undo.err().contains("V1 (<< Flyway Baseline >>) is a baseline"), undo.toString());

        MigrationTestSupport.Result again = run(db, "baseline", "--version", "2");
        assertEquals(1, again.exitCode(), again.toString());
        assertEquals(1, again.errLines().size(), again.toString());
    }

    @Test
    void repairRemovesAFailedEntry() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        MigrationTestSupport.Result nothing = run(db, "repair");
        assertEquals(0, nothing.exitCode(), nothing.toString());
        assertTrue(nothing.out().contains("nothing to repair"), nothing.toString());

        assertEquals(0, run(db, "migrate").exitCode());
        execute(db, "INSERT INTO chat.flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (10, '2', 'broken', 'SQL', 'V2__broken.sql', 1, 'someone', 5, false)");
        assertTrue(run(db, "info").out().contains("| Failed"), "info shows the failed entry");
        assertEquals(1, run(db, "validate").exitCode());
        assertEquals(1, run(db, "verify").exitCode());

        MigrationTestSupport.Result repair = run(db, "repair");
        assertEquals(0, repair.exitCode(), repair.toString());
        assertTrue(repair.out().contains("removed failed entry: V2 broken"), repair.toString());
        assertEquals("0", single(db, "SELECT count(*) FROM chat.flyway_schema_history WHERE NOT success"));
        assertEquals(0, run(db, "validate").exitCode());
    }

    @Test
    void aFailingMigrationIsOneLineAndRolledBack(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__sessions_and_messages.sql"), UndoCommandTest.packaged("db/migration/V1__sessions_and_messages.sql"));
        Files.writeString(dir.resolve("V2__broken.sql"), "CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n");
        DatabaseSettings db = TestPostgres.createDatabase();
        Map<String, String> env = MigrationTestSupport.env(db);
        MigrationTestSupport.Result result = MigrationTestSupport.run(env, new MigrationCli.Locations("filesystem:" + dir, Migrations.ROLLBACK_LOCATION), "migrate");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().contains("V2__broken.sql"), result.toString());
        assertTrue(result.err().contains("relation \"no_such_table\" does not exist"), result.toString());
        assertEquals("null", single(db, "SELECT to_regclass('chat.half_done')"));
        assertEquals("1", single(db, "SELECT max(version) FROM chat.flyway_schema_history WHERE success"));
    }
}
