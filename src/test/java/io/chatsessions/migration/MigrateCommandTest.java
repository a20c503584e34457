package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static io.chatsessions.migration.MigrationTestSupport.rows;
import static io.chatsessions.migration.MigrationTestSupport.run;
import static io.chatsessions.migration.MigrationTestSupport.schemaExists;
import static io.chatsessions.migration.MigrationTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code migrate}, {@code migrate --dry-run} and the app role grants, on a real PostgreSQL. */
class MigrateCommandTest {

    @Test
    void migratesAnEmptyDatabaseThenAppliesNothing() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        MigrationTestSupport.Result first = run(db, "migrate");
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().matches("(?s).*  applied V1  sessions and messages  \\(\\d+ ms\\)\n.*"), first.toString());
        assertTrue(first.out().matches("(?s).*  applied V2  message lifecycle  \\(\\d+ ms\\)\n.*"), first.toString());
        assertTrue(first.out().contains("applied " + MigrationFiles.count() + " migration(s) to schema \"chat\" at " + db.describe() + ", version none -> " + MigrationFiles.latest()), first.toString());
        assertEquals("", first.err(), first.toString());
        assertEquals(java.util.List.of("idempotency_keys", "message_feedback", "messages", "sessions"),
                rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'chat' AND tablename <> 'flyway_schema_history' ORDER BY 1"));

        MigrationTestSupport.Result second = run(db, "migrate");
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().contains("is up to date at version " + MigrationFiles.latest() + " (0 migrations applied)"), second.toString());
        assertFalse(second.out().contains("applied V"), second.toString());
        assertEquals("1", single(db, "SELECT count(*) FROM chat.flyway_schema_history WHERE version = '1' AND success"));
    }

    @Test
    void sharedMigrateStillWorks() {
        DatabaseSettings db = TestPostgres.createDatabase();
        assertEquals(MigrationFiles.count(), Migrations.migrate(db));
        assertEquals(0, Migrations.migrate(db));
    }

    @Test
    void migrateToTarget() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        MigrationTestSupport.Result result = run(db, "migrate", "--target", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("1", single(db, "SELECT max(version) FROM chat.flyway_schema_history WHERE type = 'SQL'"));
    }

    @Test
    void dryRunPrintsThePendingSqlAndChangesNothing() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        String before = String.join("\n", rows(db, "SELECT nspname FROM pg_namespace ORDER BY 1"));

        MigrationTestSupport.Result result = run(db, "migrate", "--dry-run");
        assertEquals(0, result.exitCode(), result.toString());
        String out = result.out();
        assertTrue(out.contains("current version none, " + MigrationFiles.count() + " pending migration(s)"), out);
        assertTrue(out.contains("-- ==== V2: message lifecycle (V2__message_lifecycle.sql, checksum "), out);
        assertTrue(out.indexOf("-- ==== end of V1 ====") < out.indexOf("CREATE TABLE message_feedback"), out);
        assertTrue(out.contains("-- ==== V1: sessions and messages (V1__sessions_and_messages.sql, checksum "), out);
        assertTrue(out.contains("CREATE TABLE sessions ("), out);
        assertTrue(out.contains("CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);"), out);
        assertTrue(out.indexOf("CREATE TABLE sessions") < out.indexOf("-- ==== end of V1 ===="), out);
        assertTrue(out.contains("after creating schema \"chat\""), out);

        assertFalse(schemaExists(db, "chat"), "dry run created the schema");
        assertEquals(before, String.join("\n", rows(db, "SELECT nspname FROM pg_namespace ORDER BY 1")));
        assertEquals("0", single(db, "SELECT count(*) FROM pg_class WHERE relname = 'flyway_schema_history'"));
        assertEquals("0", single(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"));

        assertEquals(0, run(db, "migrate").exitCode());
        MigrationTestSupport.Result upToDate = run(db, "migrate", "--dry-run");
        assertEquals(0, upToDate.exitCode(), upToDate.toString());
        assertTrue(upToDate.out().contains("is up to date at version " + MigrationFiles.latest() + "; nothing would run"), upToDate.toString());
    }

    @Test
    void appRoleGetsDmlButNoDdl() throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        String role = "app_" + db.database();
        TestPostgres.execute(db.database(), "CREATE ROLE " + role + " LOGIN PASSWORD 'app'");
        Map<String, String> env = MigrationTestSupport.env(db);
        env.put("APP_DB_ROLE", role);
        for (int i = 0; i < 2; i++) { // idempotent: the second run re-grants
            MigrationTestSupport.Result result = MigrationTestSupport.run(env, MigrationCli.Locations.DEFAULT, "migrate");
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.out().contains("granted role " + role + " USAGE on schema chat and SELECT/INSERT/UPDATE/DELETE on 4 table(s)"),
                    result.toString());
        }

        try (Connection app = TestPostgres.server().getDatabase(role, db.database()).getConnection();
             Statement sql = app.createStatement()) {
            assertEquals(role, first(sql, "SELECT current_user"));
            // DML works
            sql.execute("INSERT INTO chat.sessions (id, user_id) VALUES ('00000000-0000-0000-0000-000000000001', 'u1')");
            sql.execute("INSERT INTO chat.messages (id, session_id, seq, role, content)"
                    + " VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 1, 'user', 'hi')");
            sql.execute("UPDATE chat.sessions SET title = 't', message_count = 1");
            assertEquals("1", first(sql, "SELECT count(*) FROM chat.messages"));
            sql.execute("INSERT INTO chat.message_feedback (message_id, rating) VALUES ('00000000-0000-0000-0000-000000000002', 'up')");
            sql.execute("UPDATE chat.message_feedback SET rating = 'down'");
            sql.execute("DELETE FROM chat.messages");
            assertEquals("0", first(sql, "SELECT count(*) FROM chat.message_feedback"));
            sql.execute("INSERT INTO chat.idempotency_keys (user_id, idempotency_key, request_hash, state) VALUES ('u1', 'k', 'h', 'in_flight')");
            sql.execute("DELETE FROM chat.idempotency_keys");
            // readiness reads the version
            assertEquals(String.valueOf(MigrationFiles.latest()), first(sql, "SELECT max(version) FROM chat.flyway_schema_history"));

            // no DDL, no writes to the history
            for (String ddl : new String[]{
                    "CREATE TABLE chat.intruder (id int)",
                    "DROP TABLE chat.messages",
                    "ALTER TABLE chat.sessions ADD COLUMN extra text",
                    "ALTER TABLE chat.sessions DROP CONSTRAINT sessions_title_check",
                    "CREATE INDEX intruder_idx ON chat.sessions (title)",
                    "DROP INDEX chat.sessions_user_recency_idx",
                    "TRUNCATE chat.sessions",
                    "CREATE SCHEMA intruder",
                    "DELETE FROM chat.flyway_schema_history",
                    "UPDATE chat.flyway_schema_history SET checksum = 0"}) {
                SQLException denied = assertThrows(SQLException.class, () -> sql.execute(ddl), ddl);
                assertEquals("42501", denied.getSQLState(), ddl + ": " + denied.getMessage());
            }
        }
    }

    @Test
    void unknownAppRoleFailsWithOneLine() {
        DatabaseSettings db = TestPostgres.createDatabase();
        Map<String, String> env = MigrationTestSupport.env(db);
        env.put("APP_DB_ROLE", "no_such_role");
        MigrationTestSupport.Result result = MigrationTestSupport.run(env, MigrationCli.Locations.DEFAULT, "migrate");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().contains("APP_DB_ROLE names role 'no_such_role', which does not exist"), result.toString());
    }

    private static String first(Statement statement, String sql) throws SQLException {
        try (var rs = statement.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
