package io.chatsessions.reliability;

import io.chatsessions.config.DatabaseHost;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.Migrations;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.CoreCases;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, the smoke variant of the failover scenario (which needs pg_auto_failover and runs from
 * {@code reliability/run.sh}): a multi-host setting whose first host is a read-only server (what a standby answers
 * to {@code SHOW transaction_read_only}) and whose second refuses connections before the primary. {@code migrate}
 * and the service must both find the writable primary, and every write must land there.
 */
class MultiHostTest {

    @Test
    void migrateAndServiceConnectOnlyToTheWritablePrimary() throws Exception {
        DatabaseSettings primary = TestPostgres.createDatabase();
        try (ControllablePostgres standIn = ControllablePostgres.start("read-only-standby")) {
            DatabaseSettings standby = standIn.createDatabase(primary.database());
            try (Connection c = DriverManager.getConnection(standIn.jdbcUrl("postgres"), "postgres", "postgres");
                 Statement s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                s.execute("SELECT pg_reload_conf()");
            }
            int closedPort = ControllablePostgres.freePort();
            List<DatabaseHost> hosts = List.of(new DatabaseHost("127.0.0.1", standby.port()),
                    new DatabaseHost("127.0.0.1", closedPort), new DatabaseHost("127.0.0.1", primary.port()));
            DatabaseSettings multi = DatabaseSettings.fromEnvironment(Map.of(
                    "POSTGRES_HOST", DatabaseHost.render(hosts), "POSTGRES_DB", primary.database(),
                    "POSTGRES_USER", primary.user(), "POSTGRES_PASSWORD", primary.password()));

            Migrations.migrate(multi);
            assertTrue(TestSql.number(primary, "SELECT count(*) FROM chat.flyway_schema_history WHERE success") > 0,
                    "migrate ran on the primary");
            assertEquals(0, TestSql.number(standby, "SELECT count(*) FROM pg_namespace WHERE nspname = 'chat'"),
                    "migrate left the read-only server alone");

            // Each new connection probes the hosts in turn (connect, SHOW transaction_read_only); opening the pool
            // near its working size keeps 18 probes at once from overrunning the 2.5 s acquire bound on a busy machine.
            try (Servers.Dedicated server = Servers.start(multi, Map.of("DB_POOL_INITIAL_SIZE", "12"), Servers.NO_RATE_LIMIT)
                    .awaitReady(Duration.ofSeconds(60))) {
                CoreCases.crud(server.url());
                CoreCases.concurrentAppends(server.url(), 20);
            }
            assertEquals(24, TestSql.number(primary, "SELECT count(*) FROM chat.messages"), "every write is on the primary");
            assertTrue(TestSql.seqProblems(primary).isEmpty(), TestSql.seqProblems(primary).toString());
        }
    }
}
