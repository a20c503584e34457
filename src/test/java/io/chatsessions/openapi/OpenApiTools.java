package io.chatsessions.openapi;

import io.chatsessions.testsupport.Programs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The npm tools a frontend team would point at the served document (Redocly CLI, openapi-typescript, openapi-fetch,
 * TypeScript), installed by reliability/openapi/install-tools.sh into target/openapi-tools. Without node/npm, or when
 * npm cannot install them, the calling test is skipped with the reason.
 */
final class OpenApiTools {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DIR = ROOT.resolve("target/openapi-tools");

    private OpenApiTools() {
    }

    static synchronized void install() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Programs.onPath("node") && Programs.onPath("npm"), "skipped: node/npm not installed (needed for the OpenAPI tools from npm)");
        Result version = run(List.of("node", "-p", "process.versions.node"), ROOT, Map.of(), 1);
        Assumptions.assumeTrue(atLeast(version.output().trim(), 20, 19), "skipped: Node.js " + version.output().trim()
                + " is older than 20.19, which Redocly CLI needs");
        Result install = run(List.of("bash", ROOT.resolve("reliability/openapi/install-tools.sh").toString()), ROOT, Map.of(), 10);
        Assumptions.assumeTrue(install.status() == 0, "skipped: could not install the OpenAPI tools from npm: " + install.output());
    }

    static Path bin(String name) {
        return DIR.resolve("node_modules/.bin").resolve(name);
    }

    record Result(int status, String output) {
    }

    /** Runs a command to its end (stdout and stderr together), failing the test when it outlives the deadline. */
    static Result run(List<String> command, Path directory, Map<String, String> env, int minutes) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + minutes + " minutes");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int actualMajor = Integer.parseInt(parts[0]);
            return actualMajor > major || actualMajor == major && parts.length > 1 && Integer.parseInt(parts[1]) >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

}
