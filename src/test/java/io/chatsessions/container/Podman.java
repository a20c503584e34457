package io.chatsessions.container;

import io.chatsessions.testsupport.Programs;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The podman command line as the container tests use it: as root, with runc (crun fails on setrlimit on these
 * machines), host networking chosen by each caller, and the container's ulimits capped at what this process may
 * grant (podman's defaults exceed the hard limits of a CI sandbox, and runc then fails to start any container).
 */
final class Podman {

    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("target/container");
    private static Path containersConf;

    private Podman() {
    }

    /** Skips (never passes) the calling test where this machine cannot run containers; .ci/run installs podman. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Programs.onPath("podman"), "podman is not installed (bash .ci/run installs it with apt): container suite skipped");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the container suite runs podman as root (rootless podman needs subuid set-up): skipped as " + System.getProperty("user.name"));
    }

    static Result podman(List<String> args) {
        return podman(args, 180);
    }

    static Result podman(List<String> args, int timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        command.addAll(args);
        return run(command, Map.of(), timeoutSeconds);
    }

    /** podman, failing the test unless it exits 0; returns its output. */
    static String ok(String... args) {
        Result result = podman(List.of(args));
        assertEquals(0, result.exitCode(), () -> "podman " + String.join(" ", args) + ":\n" + result.output());
        return result.stdout();
    }

    /** Removes a container, pod or image whether or not it exists (cleanup, never fails). */
    static void quietly(String... args) {
        podman(List.of(args), 120);
    }

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        try {
            Files.createDirectories(WORK);
            Path output = Files.createTempFile(WORK, "command-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().put("CONTAINERS_CONF", containersConf().toString());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                            + Files.readString(output));
                }
                return new Result(process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(String.join(" ", command), e);
        }
    }

    static Path work() throws IOException {
        return Files.createDirectories(WORK);
    }

    /** A containers.conf whose default ulimits this process can grant (also used by `kube play`, which has no --ulimit). */
    static synchronized Path containersConf() throws IOException {
        if (containersConf == null) {
            String limits = Files.readString(Path.of("/proc/self/limits"));
            long files = Math.min(hardLimit(limits, "Max open files"), 1048576);
            long processes = Math.min(hardLimit(limits, "Max processes"), 4096);
            containersConf = Files.createDirectories(WORK).resolve("containers.conf");
            Files.writeString(containersConf, "[containers]\ndefault_ulimits = [\"nofile=%d:%d\", \"nproc=%d:%d\"]\n"
                    .formatted(files, files, processes, processes));
        }
        return containersConf;
    }

    private static long hardLimit(String limits, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "\\s+(\\S+)\\s+(\\S+)").matcher(limits);
        if (!m.find() || m.group(2).equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(m.group(2));
    }

    record Result(int exitCode, String output) {

        /** The output without podman's own log lines (time="..." level=warning ...), which go to stderr. */
        String stdout() {
            return output.lines().filter(l -> !l.startsWith("time=\"")).collect(java.util.stream.Collectors.joining("\n")).strip();
        }
    }
}
