package io.chatsessions.reliability.support;

import io.chatsessions.testsupport.Http;
import io.chatsessions.auth.Tokens;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.Migrations;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** In-JVM service instances of the reliability suite, each on a fresh migrated database it owns. */
public final class Servers {

    /** Load and matrix tests send many requests as one user; the rate limit has its own test. */
    public static final Map<String, Object> NO_RATE_LIMIT = Map.of("chat.rate-limit.enabled", "false");
    private static Dedicated shared;

    private Servers() {
    }

    /** A fresh, migrated database on the shared embedded PostgreSQL. */
    public static DatabaseSettings freshDatabase() {
        DatabaseSettings db = TestPostgres.createDatabase();
        Migrations.migrate(db);
        return db;
    }

    public static Dedicated start(Map<String, String> env, Map<String, Object> properties) {
        return start(freshDatabase(), env, properties);
    }

    /** On a free API port (TestServer puts the management endpoints on another free port, as in production). */
    public static Dedicated start(DatabaseSettings db, Map<String, String> env, Map<String, Object> properties) {
        Map<String, Object> withPort = new HashMap<>(properties);
        withPort.putIfAbsent("micronaut.server.port", ControllablePostgres.freePort());
        return new Dedicated(TestServer.start(db, env, withPort), db);
    }

    /** One instance shared by the quick security tests: its own database, rate limit off. */
    public static synchronized Dedicated shared() {
        if (shared == null) {
            shared = start(Map.of(), NO_RATE_LIMIT);
        }
        return shared;
    }

    public static String token(String user) {
        return Tokens.sign(TestServer.SECRET, user, Duration.ofHours(2), null, null);
    }

    public static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    public record Dedicated(EmbeddedServer server, DatabaseSettings db) implements AutoCloseable {

        public URI url() {
            return server.getURI();
        }

        public URI url(String path) {
            return server.getURI().resolve(path);
        }

        /** Health and metrics, which the API port does not serve. */
        public URI managementUrl(String path) {
            return TestServer.managementUrl(server).resolve(path);
        }

        /** Polls /health/readiness until it answers 200 (the database reached, schema current), as a load balancer would. */
        public Dedicated awaitReady(Duration timeout) {
            Http http = new Http();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (http.get(managementUrl("/health/readiness"), null, Duration.ofSeconds(5)).status() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not ready within " + timeout);
                }
                Threads.sleep(200);
            }
            return this;
        }

        @Override
        public void close() {
            server.getApplicationContext().close();
        }
    }
}
