package io.chatsessions.reliability.support;

import io.chatsessions.testsupport.Http;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service as a real operating-system process ({@code java -cp <test classpath> io.chatsessions.Application}, i.e.
 * {@code serve}), so a test can {@code kill -9} it or send it SIGTERM exactly as a node or Kubernetes would.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final String name;
    private final int port;
    private final int managementPort;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, int managementPort, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    /** Environment for serving {@code db} with the test secret and no rate limit (load tests are one user per writer). */
    public static Map<String, String> environment(DatabaseSettings db) {
        Map<String, String> env = TestPostgres.environment(db);
        env.put("AUTH_JWT_SECRET", TestServer.SECRET);
        env.put("RATE_LIMIT_ENABLED", "false");
        return env;
    }

    public static ServiceProcess start(String name, int port, Map<String, String> env) {
        return start(name, port, env, List.of());
    }

    /** With extra JVM options after the defaults (the last -Xmx wins, e.g. "-Xmx256m"). */
    public static ServiceProcess start(String name, int port, Map<String, String> env, List<String> jvmOptions) {
        return launch(name, port, env, jvmOptions, List.of("-cp", System.getProperty("java.class.path"), "io.chatsessions.Application"));
    }

    /** Another build's packaged jar ({@code java -jar <jar> serve}), e.g. the previous release's. */
    public static ServiceProcess startJar(String name, Path jar, int port, Map<String, String> env) {
        return launch(name, port, env, List.of(), List.of("-jar", jar.toString()));
    }

    private static ServiceProcess launch(String name, int port, Map<String, String> env, List<String> jvmOptions, List<String> program) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(program);
        command.add("serve");
        Path logDir = Path.of("target", "reliability", "logs");
        Path log = logDir.resolve(name + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".log");
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            builder.environment().put("PORT", Integer.toString(port));
            // Health and metrics on their own port, as in production (the API port answers 404 for them).
            int managementPort = env.containsKey("MANAGEMENT_PORT") ? Integer.parseInt(env.get("MANAGEMENT_PORT"))
                    : ControllablePostgres.freePort();
            builder.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
            Process process = builder.start();
            ServiceProcess service = new ServiceProcess(name, port, managementPort, process, log);
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://localhost:" + port);
    }

    public int port() {
        return port;
    }

    /** Where /health and /prometheus answer. */
    public URI managementUrl() {
        return URI.create("http://localhost:" + managementPort);
    }

    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until /health/readiness (on the management port) answers 200; fails with the log's tail if the process dies or it takes too long. */
    public long awaitReady(Duration timeout) {
        Http http = new Http();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n" + logTail());
            }
            if (http.get(managementUrl().resolve("/health/readiness"), null, Duration.ofSeconds(2)).status() == 200) {
                return System.nanoTime() - start;
            }
            sleep(100);
        }
        throw new AssertionError(name + " not ready within " + timeout + ":\n" + logTail());
    }

    /** kill -9. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, without waiting. */
    public void terminate() {
        process.destroy();
    }

    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public File logFile() {
        return log.toFile();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
