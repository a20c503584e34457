package io.chatsessions.reliability;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.AppendLoad;
import io.chatsessions.reliability.support.CoreCases;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.reliability.support.PgBouncer;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.reliability.support.Threads;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, connection pooler: Debian's PgBouncer 1.18 in transaction pooling mode in front of PostgreSQL. Its
 * version predates protocol-level prepared statements (1.21), so the driver's named prepared statements break (one
 * is prepared on one server connection and executed on another); {@code DB_PREPARED_STATEMENT_CACHE=0} makes the
 * driver send them unnamed and everything passes. {@code migrate} runs on the direct URL: Flyway holds a
 * session-level advisory lock, which transaction pooling would hand to whichever client runs next.
 */
class PgBouncerTest {

    private static final Map<String, String> UNNAMED_STATEMENTS = Map.of("DB_PREPARED_STATEMENT_CACHE", "0");

    /** The startup parameters PgBouncer ignores, set on the server side for this database (as DEPLOY.md says to). */
    private static DatabaseSettings migratedDatabaseForPgBouncer() {
        DatabaseSettings direct = Servers.freshDatabase();
        TestPostgres.execute(direct.database(), "ALTER DATABASE " + direct.database() + " SET search_path = " + direct.schema());
        TestPostgres.execute(direct.database(), "ALTER DATABASE " + direct.database() + " SET statement_timeout = '3s'");
        TestPostgres.execute(direct.database(), "ALTER DATABASE " + direct.database() + " SET lock_timeout = '2s'");
        TestPostgres.execute(direct.database(), "ALTER DATABASE " + direct.database() + " SET max_parallel_workers_per_gather = 0");
        return direct;
    }

    @Test
    void coreAndConcurrencyCasesPassThroughTransactionPoolingWithUnnamedStatements() {
        PgBouncer.assumeInstalled();
        DatabaseSettings direct = migratedDatabaseForPgBouncer();
        try (PgBouncer bouncer = PgBouncer.start("api", direct.port(), direct.user(), direct.password(), 5)) {
            DatabaseSettings via = bouncer.via(direct);

            Map<Integer, Long> named;
            try (Servers.Dedicated server = Servers.start(via, Map.of(), Servers.NO_RATE_LIMIT)) {
                Api api = Api.forUser(server.url(), "named-statements");
                named = Concurrently.run(40, i -> api.post("/api/v1/sessions", "{}").status()).stream()
                        .collect(Collectors.groupingBy(status -> status, TreeMap::new, Collectors.counting()));
            }
            try (Servers.Dedicated server = Servers.start(via, UNNAMED_STATEMENTS, Servers.NO_RATE_LIMIT)) {
                CoreCases.crud(server.url());
                CoreCases.concurrentAppends(server.url(), 20);
                AppendLoad.Result unnamed = AppendLoad.run(List.of(server.url()), 8, Duration.ofSeconds(2));
                Figures.report("pgbouncer 1.18 transaction pooling", "driver default (named statements): 40 concurrent creates"
                                + " answered %s; DB_PREPARED_STATEMENT_CACHE=0: core + 20 concurrent appends pass, 8 appenders x 2 s %s",
                        named, unnamed.statuses());
                assertTrue(unnamed.statuses().keySet().stream().allMatch(status -> status == 201 || status == 503),
                        "unnamed statements through PgBouncer: " + unnamed.failures());
            }
            assertTrue(TestSql.seqProblems(direct).isEmpty(), TestSql.seqProblems(direct).toString());
        }
    }

    /**
     * Three instances with a pool of 20 each, under 60 concurrent appenders: server connections through PgBouncer
     * (pool 20) against direct, and append throughput through it against direct with the same load.
     */
    @Test
    void threeInstancesShareThePoolersServerConnections() {
        PgBouncer.assumeInstalled();
        DatabaseSettings direct = migratedDatabaseForPgBouncer();
        Duration phase = Duration.ofSeconds(Figures.FULL ? 15 : 4);
        int clients = 24;
        // Pools opened near their size at start (not equal to it: that serialises r2dbc-pool), so the direct figure
        // shows what 3 x 20 costs the server while the load stays small enough for a shared 2-core machine.
        Map<String, String> env = Map.of("DB_PREPARED_STATEMENT_CACHE", "0", "DB_POOL_MAX_SIZE", "20", "DB_POOL_INITIAL_SIZE", "19");
        try (PgBouncer bouncer = PgBouncer.start("scale", direct.port(), direct.user(), direct.password(), 20)) {
            Measured viaBouncer = measure(bouncer.via(direct), direct, env, clients, phase);
            Measured straight = measure(direct, direct, env, clients, phase);
            Figures.report("pgbouncer: 3 instances x pool 20, 24 appenders", "%s", String.format(Locale.ROOT,
                    "server connections %d through PgBouncer (pool 20) vs %d direct; appends/s %.0f through it vs %.0f direct"
                            + " (ratio %.2f); answers through it %s, direct %s",
                    viaBouncer.maxServerConnections(), straight.maxServerConnections(), viaBouncer.load().perSecond(),
                    straight.load().perSecond(), viaBouncer.load().perSecond() / straight.load().perSecond(),
                    viaBouncer.load().statuses(), straight.load().statuses()));
            // 503 + Retry-After is the service's answer to a database slower than its deadline (a busy shared
            // machine); anything else is a failure of the path.
            for (AppendLoad.Result load : List.of(viaBouncer.load(), straight.load())) {
                assertTrue(load.statuses().keySet().stream().allMatch(status -> status == 201 || status == 503), load.failures().toString());
                assertTrue(load.ok() > 0, "no append succeeded: " + load.failures());
            }
            assertTrue(viaBouncer.maxServerConnections() <= 20 + 1,
                    "PgBouncer keeps the server connections at its pool size, saw " + viaBouncer.maxServerConnections());
            assertTrue(TestSql.seqProblems(direct).isEmpty(), TestSql.seqProblems(direct).toString());
        }
    }

    record Measured(AppendLoad.Result load, long maxServerConnections) {
    }

    private static Measured measure(DatabaseSettings connectTo, DatabaseSettings direct, Map<String, String> env, int clients, Duration phase) {
        List<Servers.Dedicated> instances = new ArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong max = new AtomicLong();
        try {
            for (int i = 0; i < 3; i++) {
                instances.add(Servers.start(connectTo, env, Servers.NO_RATE_LIMIT));
            }
            Thread sampler = Threads.start("pg_stat_activity-sampler", () -> {
                while (sampling.get()) {
                    // Backends of this database other than the sampler's own: what the instances (or PgBouncer) hold.
                    long n = TestSql.number(direct, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND pid <> pg_backend_pid()");
                    max.accumulateAndGet(n, Math::max);
                    Threads.sleep(100);
                }
            });
            AppendLoad.Result load = AppendLoad.run(instances.stream().map(Servers.Dedicated::url).map(URI.class::cast).toList(),
                    clients, phase);
            sampling.set(false);
            Threads.join(sampler, Duration.ofSeconds(10));
            return new Measured(load, max.get());
        } finally {
            sampling.set(false);
            instances.forEach(Servers.Dedicated::close);
        }
    }
}
