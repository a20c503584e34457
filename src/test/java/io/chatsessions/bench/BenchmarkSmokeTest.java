package io.chatsessions.bench;

import io.chatsessions.testsupport.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs `bench/run.sh --smoke` (tiny data, 1 s per measurement, every code path of the full benchmark), so the
 * benchmark cannot rot. The full benchmark is not part of the build: see docs/BENCHMARKS.md.
 * <p>
 * Surefire runs before `package`, so the service is not started from target/chat-sessions.jar but from this test's
 * classpath (target/classes and the dependencies), through BENCH_JAVA_CMD. Skipped, with the reason, when wrk,
 * pgbench/psql or the PostgreSQL server binaries are missing (.ci/run installs them).
 */
class BenchmarkSmokeTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path WORK = ROOT.resolve("target/bench-smoke");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void smokeRunMeasuresEveryOperationOnBothSidesWithoutErrors() throws Exception {
        assumeTrue(Programs.onPath("wrk"), "benchmark smoke run skipped: wrk is not installed (apt-get install -y wrk)");
        assumeTrue(Programs.onPath("pgbench") && Programs.onPath("psql"),
                "benchmark smoke run skipped: pgbench/psql are not installed (apt-get install -y postgresql-contrib)");
        assumeTrue(postgresServer(),
                "benchmark smoke run skipped: no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or BENCH_PG_BIN "
                        + "(apt-get install -y postgresql)");
        if ("root".equals(System.getProperty("user.name"))) {
            assumeTrue(run("id", "-u", "postgres") == 0 && Programs.onPath("runuser"),
                    "benchmark smoke run skipped: running as root needs the 'postgres' user and runuser to start PostgreSQL");
        }

        Files.createDirectories(WORK);
        // The service runs from this JVM's classpath (no test classes: only what the packaged jar would hold, plus
        // test-scoped jars, which the service never touches). An @argfile keeps the long classpath out of BENCH_JAVA_CMD.
        Path argfile = WORK.resolve("service-java.args");
        String classpath = Arrays.stream(testClasspath().split(File.pathSeparator))
                .filter(entry -> !entry.isBlank() && !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Files.writeString(argfile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Path output = WORK.resolve("smoke-output.txt");
        ProcessBuilder pb = new ProcessBuilder("bash", "bench/run.sh", "--smoke")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("BENCH_JAVA_CMD", java + " @" + argfile + " io.chatsessions.Application");
        pb.environment().put("BENCH_WORK_DIR", WORK.toString());
        Process process = pb.start();
        boolean finished = process.waitFor(9, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy(); // run.sh execs the driver, whose shutdown hook stops the service and PostgreSQL
            process.waitFor(60, TimeUnit.SECONDS);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(finished, "bench/run.sh --smoke did not finish in 9 minutes:\n" + tail(out));
        assertEquals(0, process.exitValue(), "bench/run.sh --smoke failed:\n" + tail(out));

        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("chat-sessions benchmark: ") && lines.get(0).contains("SMOKE RUN"),
                "the first line says what is measured: " + lines.get(0));
        for (String operation : List.of("append one", "batch append (user+assistant)", "read newest 50", "list 20 sessions",
                "mix 60% read/20% list/20% append", "stream an answer (per answer: create + 5 PATCHes + complete)", "give feedback (PUT)")) {
            for (int connections : List.of(16, 64)) {
                String row = "| " + operation + " | " + connections + " |";
                assertTrue(out.contains(row), "the results table has the row " + row + "\n" + tail(out));
            }
        }
        for (String section : List.of("### Resources per run", "### p99 at 70% of the service's peak throughput", "### Scale check",
                "Service peak RSS (VmHWM)", "EXPLAIN (ANALYZE, BUFFERS)", "Index Scan")) {
            assertTrue(out.contains(section), "the output has " + section + "\n" + tail(out));
        }
        // Stream an answer: per request too, 1 create : 5 PATCHes : 1 completion; each PATCH and PUT one statement, no BEGIN.
        assertTrue(out.contains("### Stream an answer and give feedback: per request, per answer, write transactions"), "the lifecycle section\n" + tail(out));
        for (String phase : List.of("create in_progress (POST)", "PATCH of the content", "PATCH completing it", "feedback (PUT)")) {
            String row = "| " + phase + " | ";
            String line = lines.stream().filter(l -> l.startsWith(row)).findFirst().orElse("");
            assertTrue(line.matches("\\| [^|]+ \\| \\d+ \\| 1\\.00 \\| 0 \\| 0 \\|"), "one statement per request, no BEGIN/COMMIT: " + row + "\n" + tail(out));
        }
        // The events fan-out: 50 streams in the smoke run, every one gets every append's event.
        assertTrue(out.contains("### Events fan-out: one instance, 50 SSE streams on one session"), "the fan-out section\n" + tail(out));
        assertTrue(out.contains("Streams open: 50 of 50 ("), "every stream opened\n" + tail(out));
        for (int append = 1; append <= 3; append++) {
            String row = "| " + append + " | 50 | ";
            assertTrue(out.contains(row), "every stream had append " + append + "'s event: " + row + "\n" + tail(out));
        }
        // Same rows on both ends of the history comparison: a page of 10 from sessions of 10, 300 and 1,000 messages.
        for (int history : List.of(10, 300, 1000)) {
            String row = String.format(Locale.ROOT, "| read newest 10, session of %,d messages |", history);
            assertTrue(out.contains(row), "the scale check has the row " + row + "\n" + tail(out));
        }
        assertTrue(out.contains("Read latency (p50) against history, the same rows on both ends"), "the flatness verdict\n" + tail(out));
        if (Runtime.getRuntime().availableProcessors() >= 2 && Programs.onPath("taskset")) {
            assertTrue(out.contains("- CPU layout: split: PostgreSQL alone on CPU"), "PostgreSQL on a CPU of its own\n" + tail(out));
            assertTrue(out.contains("### The same operations with every process on every CPU"), "the shared pass is reported\n" + tail(out));
            for (String operation : List.of("append one", "read newest 50", "list 20 sessions")) {
                String row = "| " + operation + " (shared CPUs) | 64 |";
                assertTrue(out.contains(row), "the resources table has the shared-pass row " + row + "\n" + tail(out));
            }
        }
        String done = lines.stream().filter(l -> l.startsWith("done in ")).findFirst().orElse("");
        assertTrue(done.contains(" 0 errors, 0 pool-acquire timeouts"), "no errors: " + done + "\n" + tail(out));

        Path svg = WORK.resolve("results/ratios.svg");
        assertTrue(Files.exists(svg), "the plot is written to " + svg);
        String plot = Files.readString(svg);
        assertTrue(plot.startsWith("<svg") && plot.contains("read newest 50"), "the plot is an SVG of the ratios");
        assertTrue(Files.exists(WORK.resolve("results/latest.md")), "the report is written next to the plot");
    }

    static String testClasspath() {
        // Surefire's booter jar hides the real classpath from java.class.path; it publishes it here.
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    static boolean postgresServer() throws IOException {
        String configured = System.getenv("BENCH_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured, "initdb"));
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                if (versions.anyMatch(v -> Files.isExecutable(v.resolve("bin/initdb")))) {
                    return true;
                }
            }
        }
        return Programs.onPath("initdb");
    }

    static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    static String tail(String out) {
        List<String> lines = out.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
