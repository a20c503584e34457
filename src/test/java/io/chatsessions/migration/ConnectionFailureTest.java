package io.chatsessions.migration;

import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection failures: one line naming host:port/database, after a bounded wait, for every command. */
class ConnectionFailureTest {

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, String> env(int port, String waitSeconds) {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", Integer.toString(port));
        env.put("POSTGRES_DB", "chat");
        env.put("POSTGRES_USER", "chat_migrator");
        env.put("POSTGRES_PASSWORD", "secret");
        env.put("MIGRATE_WAIT_SECONDS", waitSeconds);
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"migrate", "migrate --dry-run", "migrate --target 1", "info", "validate", "baseline --version 1",
            "repair", "undo --target 0", "verify"})
    void everyCommandFailsWithOneLine(String commandLine) throws Exception {
        int port = closedPort();
        String[] args = commandLine.split(" ");
        MigrationTestSupport.Result result = MigrationTestSupport.run(env(port, "0"), MigrationCli.Locations.DEFAULT, args);
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(java.util.List.of("chat-sessions " + args[0] + ": cannot connect to PostgreSQL at 127.0.0.1:" + port
                + "/chat (connection refused) after waiting 0s"), result.errLines(), result.toString());
        assertTrue(!result.err().contains("Exception") && !result.err().contains("\tat "), result.toString());
    }

    @Test
    void waitsForTheBoundedTimeThenGivesUp() throws Exception {
        int port = closedPort();
        long started = System.nanoTime();
        MigrationTestSupport.Result result = MigrationTestSupport.run(env(port, "1"), MigrationCli.Locations.DEFAULT, "migrate");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(java.util.List.of("chat-sessions migrate: cannot connect to PostgreSQL at 127.0.0.1:" + port
                + "/chat (connection refused) after waiting 1s"), result.errLines(), result.toString());
        assertTrue(result.out().contains("waiting up to 1s for PostgreSQL at 127.0.0.1:" + port + "/chat (connection refused)"),
                result.toString());
        assertTrue(elapsedMillis >= 900 && elapsedMillis < 10_000, "took " + elapsedMillis + " ms");
    }

    @Test
    void aMissingDatabaseIsNotWaitedFor() {
        Map<String, String> env = env(TestPostgres.server().getPort(), "30");
        env.put("POSTGRES_HOST", "localhost");
        env.put("POSTGRES_USER", "postgres");
        env.put("POSTGRES_DB", "no_such_database");
        long started = System.nanoTime();
        MigrationTestSupport.Result result = MigrationTestSupport.run(env, MigrationCli.Locations.DEFAULT, "info");
        assertTrue((System.nanoTime() - started) / 1_000_000 < 10_000, "waited for a database that does not exist");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(java.util.List.of("chat-sessions info: cannot connect to PostgreSQL at localhost:" + TestPostgres.server().getPort()
                + "/no_such_database (database \"no_such_database\" does not exist)"), result.errLines(), result.toString());
    }
}
