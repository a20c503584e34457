package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The app pods never run DDL: {@code serve} (the jar's process) leaves the schema and Flyway's history as it found
 * them, with the app role after {@code migrate} granted it DML, and even with the schema's owner on an empty database.
 */
class ServeLeavesTheSchemaTest {

    @Test
    void serveWithTheAppRoleChangesNoCatalogEntryNorTheHistory() throws Exception {
        DatabaseSettings owner = TestPostgres.createDatabase();
        String role = owner.database() + "_app";
        MigrationTestSupport.execute(owner, "CREATE ROLE " + role + " LOGIN PASSWORD 'app-pw'");
        Map<String, String> migrateEnv = new java.util.HashMap<>(MigrationTestSupport.env(owner));
        migrateEnv.put("APP_DB_ROLE", role);
        MigrationTestSupport.Result migrate = MigrationTestSupport.run(migrateEnv, MigrationCli.Locations.DEFAULT, "migrate");
        assertEquals(0, migrate.exitCode(), migrate.toString());
        Map<String, List<String>> before = MigrationTestSupport.catalog(owner, owner.schema());
        List<String> historyBefore = history(owner);

        DatabaseSettings app = new DatabaseSettings(owner.host(), owner.port(), owner.database(), role, "app-pw", owner.schema());
        try (ServiceProcess service = ServiceProcess.start("serve-app-role", ControllablePostgres.freePort(), ServiceProcess.environment(app))) {
            service.awaitReady(Duration.ofSeconds(120));
            Api.forUser(service.url(), "alice").post("/api/v1/sessions", "{\"title\": \"t\"}").expect(201);
        }

        assertEquals(before, MigrationTestSupport.catalog(owner, owner.schema()));
        assertEquals(historyBefore, history(owner));
    }

    @Test
    void serveOnAnEmptyDatabaseCreatesNothingEvenAsTheOwner() throws Exception {
        DatabaseSettings owner = TestPostgres.createDatabase();
        try (ServiceProcess service = ServiceProcess.start("serve-empty", ControllablePostgres.freePort(), ServiceProcess.environment(owner))) {
            Api management = new Api(service.managementUrl(), null);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (status(management, "/health/liveness") != 200) { // poll with a deadline
                if (System.nanoTime() > deadline || !service.alive()) {
                    throw new AssertionError("serve did not come up:\n" + service.logTail());
                }
                Thread.sleep(100);
            }
            assertEquals(503, management.get("/health/readiness").status(), "an unmigrated schema is not ready");
        }
        assertEquals(List.of("0"), MigrationTestSupport.rows(owner,
                "SELECT count(*) FROM pg_namespace WHERE nspname = '" + owner.schema() + "'"), "serve created the schema");
    }

    private static int status(Api api, String path) {
        try {
            return api.get(path).status();
        } catch (java.io.UncheckedIOException notListeningYet) {
            return -1;
        }
    }

    private static List<String> history(DatabaseSettings db) throws Exception {
        return MigrationTestSupport.rows(db, "SELECT installed_rank, version, description, checksum, installed_on, success FROM "
                + db.schema() + "." + Migrations.HISTORY_TABLE + " ORDER BY installed_rank");
    }
}
