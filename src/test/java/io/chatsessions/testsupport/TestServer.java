package io.chatsessions.testsupport;

import io.chatsessions.auth.AuthSettings;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.config.ServerProperties;
import io.chatsessions.migration.Migrations;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The service under test, wired exactly as {@code serve} wires it (same {@link ServerProperties}) on a random port,
 * with its management endpoints (health, metrics) on a second free port ({@link #managementUrl(EmbeddedServer)}).
 * One shared instance per test JVM on one migrated database; tests isolate themselves by using fresh user names.
 */
public final class TestServer {

    public static final String SECRET = "test-secret-that-is-definitely-at-least-32-bytes";
    private static DatabaseSettings database;
    private static EmbeddedServer shared;
    /** The server of the running {@link ApiSuite} (a {@code @MicronautTest} class), which {@link #url()} then answers. */
    private static EmbeddedServer inProcess;

    private TestServer() {
    }

    public static synchronized URI url() {
        if (inProcess != null) {
            return inProcess.getURI();
        }
        if (shared == null) {
            shared = start(Map.of(), Map.of());
        }
        return shared.getURI();
    }

    /** Where the shared instance answers /health and /prometheus. */
    public static synchronized URI managementUrl() {
        url();
        return managementUrl(inProcess != null ? inProcess : shared);
    }

    /** Whether {@code base} is the running {@link ApiSuite}'s server (whose answers the kit checks against its OpenAPI document). */
    static synchronized boolean isInProcess(URI base) {
        return inProcess != null && inProcess.getURI().equals(base);
    }

    /** While an {@link ApiSuite} runs, the kit's clients ({@link Api#newUser()}, {@link TestUser}) talk to its server. */
    static synchronized void useInProcess(EmbeddedServer server) {
        inProcess = server;
    }

    /** Where an instance answers /health and /prometheus (the API port does not). */
    public static URI managementUrl(EmbeddedServer server) {
        int port = server.getApplicationContext().getRequiredProperty("endpoints.all.port", Integer.class);
        return URI.create("http://" + server.getHost() + ":" + port);
    }

    /** A port nothing listens on right now (the OS's next ephemeral one). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized DatabaseSettings database() {
        if (database == null) {
            database = TestPostgres.createDatabase();
            Migrations.migrate(database);
        }
        return database;
    }

    /** A separate instance with extra environment variables or Micronaut properties (close it when done). */
    public static EmbeddedServer start(Map<String, String> extraEnv, Map<String, Object> extraProperties) {
        return start(database(), extraEnv, extraProperties);
    }

    public static EmbeddedServer start(DatabaseSettings db, Map<String, String> extraEnv, Map<String, Object> extraProperties) {
        ApplicationContext context = ApplicationContext.builder().properties(properties(db, extraEnv, extraProperties)).start();
        return context.getBean(EmbeddedServer.class).start();
    }

    /** The Micronaut properties of a test instance on {@code db}: as {@code serve} sets them, plus the test's own. */
    public static Map<String, Object> properties(DatabaseSettings db, Map<String, String> extraEnv, Map<String, Object> extraProperties) {
        Map<String, String> env = new HashMap<>();
        env.put("AUTH_JWT_SECRET", SECRET);
        env.putAll(extraEnv);
        Map<String, Object> properties = new HashMap<>(ServerProperties.of(db, AuthSettings.fromEnvironment(env), env));
        properties.put("micronaut.server.port", -1);
        properties.put("endpoints.all.port", freePort());
        // Functional tests drive one user hard; the rate limit has its own tests that switch it back on.
        properties.put("chat.rate-limit.enabled", false);
        properties.putAll(extraProperties);
        return properties;
    }
}
