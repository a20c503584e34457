package io.chatsessions.db;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.MigrationCli;
import io.chatsessions.migration.Migrations;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS to PostgreSQL (POSTGRES_SSLMODE, POSTGRES_SSLROOTCERT) against a server that accepts TLS only, with a
 * certificate for {@code localhost} signed by a CA made in the test: verify-full with that CA connects, both for
 * {@code serve} (readiness UP, a session is created) and for {@code migrate}; the wrong host name (127.0.0.1) or
 * the wrong CA fails: migrate at once with one line naming host:port/db and the TLS reason, serve with readiness
 * DOWN and 503s. Skipped, saying why, only when no PostgreSQL server binaries or no openssl can be had.
 */
class PostgresTlsTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TlsPostgres postgres;

    @BeforeAll
    static void startServer() throws Exception {
        String unavailable = TlsPostgres.unavailableReason();
        assumeTrue(unavailable == null, () -> "skipping the PostgreSQL TLS tests: " + unavailable);
        postgres = TlsPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static DatabaseSettings newDatabase() throws Exception {
        return postgres.createDatabase("tls_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
    }

    private record Run(int exitCode, String out, String err, long millis) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : err.strip().lines().toList();
        }
    }

    /** The environment of a process reaching {@code db} as {@code host} with the given TLS variables. */
    private static Map<String, String> env(DatabaseSettings db, String host, Map<String, String> tls) {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", host);
        env.put("POSTGRES_PORT", Integer.toString(db.port()));
        env.put("POSTGRES_DB", db.database());
        env.put("POSTGRES_USER", db.user());
        env.put("POSTGRES_PASSWORD", db.password());
        env.putAll(tls);
        return env;
    }

    private static Run migrate(DatabaseSettings db, String host, Map<String, String> tls) {
        Map<String, String> env = env(db, host, tls);
        env.put("MIGRATE_WAIT_SECONDS", "30");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = MigrationCli.run(new String[] {"migrate"}, env, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static Map<String, String> verifyFull(java.nio.file.Path ca) {
        return Map.of("POSTGRES_SSLMODE", "verify-full", "POSTGRES_SSLROOTCERT", ca.toString());
    }

    @Test
    void migrateWithVerifyFullAndTheCaAppliesTheMigrations() throws Exception {
        DatabaseSettings db = newDatabase();
        Run run = migrate(db, "localhost", verifyFull(postgres.caCertificate()));
        assertEquals(0, run.exitCode(), () -> "migrate with verify-full: " + run);
        assertTrue(run.out().contains("V1"), run::toString);
    }

    @Test
    void aPlainConnectionIsRefusedSoTheOthersReallyUseTls() throws Exception {
        DatabaseSettings db = newDatabase();
        Run run = migrate(db, "localhost", Map.of("POSTGRES_SSLMODE", "disable"));
        assertNotEquals(0, run.exitCode(), run::toString);
        assertTrue(run.err().contains("no pg_hba.conf entry"), run::toString);
    }

    @Test
    void migrateToTheWrongHostNameFailsAtOnceInOneLine() throws Exception {
        DatabaseSettings db = newDatabase();
        Run run = migrate(db, "127.0.0.1", verifyFull(postgres.caCertificate()));
        assertOneLineTlsFailure(run, "127.0.0.1:" + db.port() + "/" + db.database(), "does not name host 127.0.0.1");
    }

    @Test
    void migrateWithTheWrongCaFailsAtOnceInOneLine() throws Exception {
        DatabaseSettings db = newDatabase();
        Run run = migrate(db, "localhost", verifyFull(postgres.otherCaCertificate()));
        assertOneLineTlsFailure(run, "localhost:" + db.port() + "/" + db.database(), "not signed by a trusted CA");
    }

    private static void assertOneLineTlsFailure(Run run, String target, String reason) {
        assertNotEquals(0, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), () -> "one line: " + run);
        String line = run.errLines().get(0);
        System.out.println("migrate said: " + line);
        assertTrue(line.contains("cannot connect to PostgreSQL at " + target), line);
        assertTrue(line.contains("TLS") && line.contains(reason), line);
        assertTrue(run.millis() < 15_000, () -> "a TLS failure is not waited out (" + run.millis() + " ms): " + line);
    }

    @Test
    void serveWithVerifyFullAndTheCaIsReadyAndStoresASession() throws Exception {
        DatabaseSettings db = DatabaseSettings.fromEnvironment(env(newDatabase(), "localhost", verifyFull(postgres.caCertificate())));
        Migrations.migrate(db);
        try (EmbeddedServer server = TestServer.start(db, Map.of(), Map.of())) {
            Api api = Api.forUser(server.getURI(), "tls-user");
            Api management = new Api(TestServer.managementUrl(server), null);
            long deadline = System.nanoTime() + 20_000_000_000L;
            int status;
            do {
                status = management.get("/health/readiness").status();
            } while (status != 200 && System.nanoTime() < deadline);
            assertEquals(200, status, "readiness over verify-full TLS");
            api.createSession("{\"title\": \"over TLS\"}");
        }
    }

    @Test
    void serveToTheWrongHostNameOrWithTheWrongCaStaysDown() throws Exception {
        DatabaseSettings db = newDatabase();
        assertEquals(0, migrate(db, "localhost", verifyFull(postgres.caCertificate())).exitCode());
        DatabaseSettings wrongHost = DatabaseSettings.fromEnvironment(env(db, "127.0.0.1", verifyFull(postgres.caCertificate())));
        DatabaseSettings wrongCa = DatabaseSettings.fromEnvironment(env(db, "localhost", verifyFull(postgres.otherCaCertificate())));
        for (DatabaseSettings bad : List.of(wrongHost, wrongCa)) {
            try (EmbeddedServer server = TestServer.start(bad, Map.of(), Map.of())) {
                Api api = Api.forUser(server.getURI(), "tls-user");
                Api management = new Api(TestServer.managementUrl(server), null);
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertEquals(503, management.get("/health/readiness").status(), () -> "readiness DOWN for " + bad);
                }
                Api.Response created = api.post("/api/v1/sessions", "{\"title\": \"never stored\"}");
                assertEquals(503, created.status(), () -> bad + ": " + created.body());
            }
        }
    }
}
