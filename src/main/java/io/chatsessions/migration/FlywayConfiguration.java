package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.inject.qualifiers.Qualifiers;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.util.Map;

/**
 * The Flyway configuration every schema command uses, read by micronaut-flyway from {@code flyway.datasources.default}
 * (application.yml) in a Micronaut context of the {@value #ENVIRONMENT} environment, without the HTTP server. The
 * schema comes from the database settings ({@code POSTGRES_SCHEMA}); tests may point the location elsewhere.
 */
final class FlywayConfiguration {

    static final String ENVIRONMENT = "migration";
    private static final String PREFIX = "flyway.datasources.default.";
    /** Flyway's PostgreSQL setting (flyway-database-postgresql's PostgreSQLConfigurationExtension). */
    static final String TRANSACTIONAL_LOCK = "flyway.postgresql.transactional.lock";

    private FlywayConfiguration() {
    }

    /** A started context for one schema command; close it when the command is done. */
    static ApplicationContext start(DatabaseSettings db, String location) {
        return ApplicationContext.builder()
                .environments(ENVIRONMENT)
                .deduceEnvironment(false)
                .banner(false)
                .properties(Map.of(
                        PREFIX + "schemas", db.schema(),
                        PREFIX + "default-schema", db.schema(),
                        PREFIX + "locations", location))
                .start();
    }

    /**
     * micronaut-flyway's configuration of the default data source in that context, with Flyway's lock on the history
     * table taken per session instead of in a transaction held open for the whole run: CREATE INDEX CONCURRENTLY (V5)
     * waits for every transaction older than itself, so under the transactional lock it waited forever for its own
     * migrate. Concurrent migrates still run one at a time (ConcurrentMigrateTest).
     */
    static FluentConfiguration of(ApplicationContext context) {
        return context.getBean(FlywayConfigurationProperties.class, Qualifiers.byName("default")).getFluentConfiguration()
                .configuration(Map.of(TRANSACTIONAL_LOCK, "false"));
    }

    /** The configuration alone, for code outside a command (the development database, tests). */
    static FluentConfiguration read(DatabaseSettings db, String location) {
        try (ApplicationContext context = start(db, location)) {
            return of(context);
        }
    }
}
