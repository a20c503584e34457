package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** The one Flyway configuration every migration command uses: migrations from the jar's db/migration. */
public final class Migrations {

    public static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    public static FluentConfiguration configure(DatabaseSettings db) {
        return Flyway.configure()
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations(LOCATION)
                .schemas(db.schema())
                .defaultSchema(db.schema())
                .createSchemas(true)
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                .loggers("slf4j");
    }

    /** Applies pending migrations; used by the `migrate` command and by the embedded development database. */
    public static int migrate(DatabaseSettings db) {
        return configure(db).load().migrate().migrationsExecuted;
    }
}
