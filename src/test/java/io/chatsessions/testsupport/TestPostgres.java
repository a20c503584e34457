package io.chatsessions.testsupport;

import io.chatsessions.config.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, started on first use and stopped at JVM exit.
 * Tests that need an isolated database call {@link #createDatabase()}: a fresh, empty database on the same server.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }));
        }
        return server;
    }

    /** A new empty database owned by the superuser "postgres" (password "postgres"). */
    public static DatabaseSettings createDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        execute("postgres", "CREATE DATABASE " + name);
        return new DatabaseSettings("localhost", server().getPort(), name, "postgres", "postgres", DatabaseSettings.DEFAULT_SCHEMA);
    }

    /** The POSTGRES_* environment variables that point the service (or its CLI) at {@code db}. */
    public static java.util.Map<String, String> environment(DatabaseSettings db) {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        if (db.multiHost()) {
            env.put("POSTGRES_HOST", io.chatsessions.config.DatabaseHost.render(db.hosts()));
        } else {
            env.put("POSTGRES_HOST", db.host());
            env.put("POSTGRES_PORT", Integer.toString(db.port()));
        }
        env.put("POSTGRES_DB", db.database());
        env.put("POSTGRES_USER", db.user());
        env.put("POSTGRES_PASSWORD", db.password());
        env.put("POSTGRES_SCHEMA", db.schema());
        return env;
    }

    public static void execute(String database, String sql) {
        try (Connection connection = server().getDatabase("postgres", database).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
