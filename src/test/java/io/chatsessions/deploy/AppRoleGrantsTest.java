package io.chatsessions.deploy;

import io.chatsessions.testsupport.Programs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * k8s/app-role-grants.sql on a real PostgreSQL, run by psql exactly as an operator (or the docker-compose init
 * script) runs it: the migration role can apply the Flyway migrations into schema chat, and the app role can
 * read and write the tables but cannot run any DDL, including on tables created by later migrations.
 * Skipped, saying so, without a psql client (a failure instead with -Dchat.deploy.requireTools=true).
 */
class AppRoleGrantsTest {

    private static final String MIGRATOR_PASSWORD = "migrator-test-pw";
    private static final String APP_PASSWORD = "app-test-pw";
    private static final String DATABASE = "chat";

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void createRolesAndMigrate() throws Exception {
        boolean installed = Programs.onPath("psql");
        if (Deploy.REQUIRE_TOOLS) {
            assertTrue(installed, "psql is not on the PATH (chat.deploy.requireTools=true)");
        }
        assumeTrue(installed, "psql (postgresql-client) is not installed: skipping the k8s/app-role-grants.sql checks");
        postgres = EmbeddedPostgres.builder().start();
        try (Connection admin = postgres.getPostgresDatabase().getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        // PostgreSQL 13 and 14 grant PUBLIC CREATE on schema public (15 revoked it): start from that default so the
        // script is proved to remove it on every supported version, not only on the embedded 17.
        try (Connection admin = postgres.getDatabase("postgres", DATABASE).getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("GRANT CREATE ON SCHEMA public TO PUBLIC");
        }
        // Twice: the script is safe to run again (roles kept, passwords set, grants re-applied).
        for (int run = 0; run < 2; run++) {
            Deploy.Result result = grants(Map.of("CHAT_MIGRATOR_PASSWORD", MIGRATOR_PASSWORD, "CHAT_APP_PASSWORD", APP_PASSWORD));
            assertEquals(0, result.exitCode(), () -> "psql -f k8s/app-role-grants.sql failed:\n" + result.output());
        }
        Flyway.configure()
                .dataSource(jdbcUrl(), "chat_migrator", MIGRATOR_PASSWORD)
                .locations("filesystem:" + Deploy.ROOT.resolve("db/migration"))
                .schemas("chat")
                .defaultSchema("chat")
                .createSchemas(true)
                // as the migrate command runs it (FlywayConfiguration): V5's CREATE INDEX CONCURRENTLY would wait forever
                // for Flyway's own lock transaction otherwise
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load()
                .migrate();
        // Once more after the migration, as an operator re-running it would: the history becomes read-only.
        Deploy.Result again = grants(Map.of("CHAT_MIGRATOR_PASSWORD", MIGRATOR_PASSWORD, "CHAT_APP_PASSWORD", APP_PASSWORD));
        assertEquals(0, again.exitCode(), again::output);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Deploy.Result grants(Map<String, String> env) throws Exception {
        var environment = new java.util.HashMap<>(env);
        environment.put("PGPASSWORD", "postgres");
        return Deploy.run(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "localhost",
                "-p", String.valueOf(postgres.getPort()), "-U", "postgres", "-d", DATABASE,
                "-f", "k8s/app-role-grants.sql"), environment);
    }

    private static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    private static Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    @Test
    void refusesToRunWithoutPasswords() throws Exception {
        Deploy.Result result = grants(Map.of());
        assertNotEquals(0, result.exitCode(), "no passwords: psql fails");
        assertTrue(result.output().contains("no migrator password"), result.output());
    }

    @Test
    void theMigrationRoleOwnsTheSchemaAndItsTables() throws Exception {
        try (Connection migrator = connect("chat_migrator", MIGRATOR_PASSWORD); Statement sql = migrator.createStatement()) {
            ResultSet owner = sql.executeQuery("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'chat'");
            assertTrue(owner.next());
            assertEquals("chat_migrator", owner.getString(1));
            ResultSet tables = sql.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'chat' AND tableowner <> 'chat_migrator'");
            assertTrue(tables.next());
            assertEquals(0, tables.getInt(1), "every table in chat belongs to the migration role");
            ResultSet roles = sql.executeQuery("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user");
            assertTrue(roles.next());
            assertEquals(List.of(false, false, false), List.of(roles.getBoolean(1), roles.getBoolean(2), roles.getBoolean(3)));
        }
    }

    @Test
    void theAppRoleReadsAndWritesTheTables() throws Exception {
        try (Connection app = connect("chat_app", APP_PASSWORD); Statement sql = app.createStatement()) {
            UUID id = UUID.randomUUID();
            sql.executeUpdate("INSERT INTO chat.sessions (id, user_id) VALUES ('" + id + "', 'alice')");
            sql.executeUpdate("UPDATE chat.sessions SET title = 't' WHERE id = '" + id + "'");
            ResultSet row = sql.executeQuery("SELECT title FROM chat.sessions WHERE id = '" + id + "'");
            assertTrue(row.next());
            assertEquals("t", row.getString(1));
            assertEquals(1, sql.executeUpdate("DELETE FROM chat.sessions WHERE id = '" + id + "'"));
            ResultSet history = sql.executeQuery("SELECT max(version) FROM chat.flyway_schema_history WHERE success");
            assertTrue(history.next(), "readiness can read the schema version");
        }
    }

    @ParameterizedTest(name = "the app role cannot: {0}")
    @ValueSource(strings = {
            "CREATE TABLE chat.extra (id int)",
            "CREATE TABLE public.extra (id int)",
            "ALTER TABLE chat.sessions ADD COLUMN extra int",
            "DROP TABLE chat.messages",
            "TRUNCATE chat.sessions",
            "CREATE INDEX extra_idx ON chat.sessions (title)",
            "CREATE SCHEMA extra",
            "DELETE FROM chat.flyway_schema_history",
            "UPDATE chat.flyway_schema_history SET checksum = 0",
            "ALTER TABLE chat.sessions OWNER TO chat_app",
            "CREATE FUNCTION chat.extra() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "CREATE TEMP TABLE extra (id int)",
            "CREATE TEMPORARY TABLE pg_temp.extra AS SELECT 1 AS id",
    })
    void theAppRoleCannotRunDdl(String ddl) throws Exception {
        try (Connection app = connect("chat_app", APP_PASSWORD); Statement sql = app.createStatement()) {
            SQLException error = assertThrows(SQLException.class, () -> sql.execute(ddl));
            assertEquals("42501", error.getSQLState(), "insufficient privilege: " + error.getMessage());
        }
    }

    @Test
    void publicHoldsNoCreateOrTempPrivilege() throws Exception {
        try (Connection app = connect("chat_app", APP_PASSWORD); Statement sql = app.createStatement()) {
            ResultSet privileges = sql.executeQuery("SELECT has_schema_privilege('public', 'CREATE'),"
                    + " has_database_privilege(current_database(), 'TEMPORARY'),"
                    + " has_database_privilege(current_database(), 'CREATE')");
            assertTrue(privileges.next());
            assertEquals(List.of(false, false, false),
                    List.of(privileges.getBoolean(1), privileges.getBoolean(2), privileges.getBoolean(3)),
                    "the app role has neither CREATE on schema public nor TEMP or CREATE on the database");
        }
    }

    @Test
    void tablesOfLaterMigrationsAreGrantedByDefault() throws Exception {
        try (Connection migrator = connect("chat_migrator", MIGRATOR_PASSWORD); Statement sql = migrator.createStatement()) {
            sql.execute("CREATE TABLE chat.later_table (id int PRIMARY KEY)");
        }
        try (Connection app = connect("chat_app", APP_PASSWORD); Statement sql = app.createStatement()) {
            sql.executeUpdate("INSERT INTO chat.later_table VALUES (1)");
            ResultSet count = sql.executeQuery("SELECT count(*) FROM chat.later_table");
            assertTrue(count.next());
            assertEquals(1, count.getInt(1));
            SQLException error = assertThrows(SQLException.class, () -> sql.execute("DROP TABLE chat.later_table"));
            assertEquals("42501", error.getSQLState());
        }
    }
}
