package io.chatsessions.migration;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The release named in {@code db/previous-release}, as {@code reliability/previous-release.sh} built it:
 * {@code target/previous-release/chat-sessions.jar}, beside the commit it was built from.
 */
final class PreviousRelease {

    static final String SCRIPT = "reliability/previous-release.sh";
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final Path DIRECTORY = ROOT.resolve("target/previous-release");

    private PreviousRelease() {
    }

    /** The commit db/previous-release names (the one line that is not a comment). */
    static String commit() {
        try {
            List<String> lines = Files.readAllLines(ROOT.resolve("db/previous-release")).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            if (lines.size() != 1 || !lines.get(0).matches("[0-9a-f]{40}")) {
                throw new AssertionError("db/previous-release must name one full commit hash, found " + lines);
            }
            return lines.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar of {@link #commit()}; skips the calling test, naming the script, when it is missing or of another commit. */
    static Path jar() {
        String commit = commit();
        Path jar = DIRECTORY.resolve("chat-sessions.jar");
        String built = read(DIRECTORY.resolve("commit"));
        Assumptions.assumeTrue(Files.isRegularFile(jar) && commit.equals(built), () -> "no jar of the previous release "
                + commit.substring(0, 7) + " (db/previous-release) at " + ROOT.relativize(jar)
                + (built.isEmpty() ? "" : " (it holds " + built.substring(0, Math.min(7, built.length())) + ")")
                + ": run " + SCRIPT + " (.ci/run does)");
        return jar;
    }

    /** The outcome of one command of the jar. */
    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + output;
        }
    }

    /** Runs {@code java -jar <jar> <args>} with exactly this environment on top of the test's, at most 120 s. */
    static Result run(Path jar, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("previous-release-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("java -jar " + jar.getFileName() + " " + String.join(" ", args)
                        + " did not finish within 120 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
