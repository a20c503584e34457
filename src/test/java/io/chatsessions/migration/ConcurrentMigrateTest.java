package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.chatsessions.migration.MigrationTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Five {@code migrate} processes started at once against one empty database: all exit 0, each migration is applied once. */
class ConcurrentMigrateTest {

    private static final int PROCESSES = 5;

    @Test
    void fiveConcurrentProcessesApplyEachMigrationExactlyOnce(@TempDir Path logs) throws Exception {
        DatabaseSettings db = TestPostgres.createDatabase();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
            if (Runtime.version().feature() >= 24) {
                // as the image runs it (Dockerfile): the migration context loads Netty's native transport, which Java 24+ warns about otherwise
                command.add("--enable-native-access=ALL-UNNAMED");
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.chatsessions.Application", "migrate"));
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("POSTGRES_") || name.equals("DATABASE_URL") || name.equals("APP_DB_ROLE"));
            env.putAll(MigrationTestSupport.env(db));
            env.put("MIGRATE_WAIT_SECONDS", "30");
            builder.redirectOutput(logs.resolve("out-" + i).toFile());
            builder.redirectError(logs.resolve("err-" + i).toFile());
            processes.add(builder.start());
        }
        int applied = 0;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < PROCESSES; i++) {
            Process process = processes.get(i);
            boolean exited = process.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                processes.forEach(Process::destroyForcibly);
            }
            String out = Files.readString(logs.resolve("out-" + i));
            String err = Files.readString(logs.resolve("err-" + i));
            all.append("--- process ").append(i).append(" ---\n").append(out).append(err);
            assertTrue(exited, "process " + i + " did not finish:\n" + all);
            assertEquals(0, process.exitValue(), "process " + i + ":\n" + out + err);
            assertEquals("", err.strip(), "process " + i + " wrote errors:\n" + err);
            if (out.contains("applied " + MigrationFiles.count() + " migration(s)")) {
                applied++;
                assertTrue(out.contains("  applied V1  sessions and messages  ("), out);
            } else {
                assertTrue(out.contains("is up to date at version " + MigrationFiles.latest() + " (0 migrations applied)"), out);
            }
        }
        assertEquals(1, applied, "exactly one process applies the migrations:\n" + all);
        assertEquals("1", single(db, "SELECT count(*) FROM chat.flyway_schema_history WHERE version = '1'"));
        assertEquals("0", single(db, "SELECT count(*) FROM chat.flyway_schema_history WHERE NOT success"));
        assertEquals("4", single(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'chat' AND tablename <> 'flyway_schema_history'"));
    }
}
