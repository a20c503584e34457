package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.util.List;

/**
 * The one Flyway configuration every migration command uses ({@link FlywayConfiguration}: micronaut-flyway's
 * {@code flyway.datasources.default}): migrations from the jar's db/migration, written unqualified and run with the
 * configured schema ({@code POSTGRES_SCHEMA}, default "chat") as default schema, history in
 * {@code <schema>.flyway_schema_history}. Down scripts for {@code undo} live beside them in db/rollback.
 */
public final class Migrations {

    public static final String LOCATION = "classpath:db/migration";
    public static final String ROLLBACK_LOCATION = "classpath:db/rollback";
    public static final String HISTORY_TABLE = "flyway_schema_history";

    private Migrations() {
    }

    public static FluentConfiguration configure(DatabaseSettings db) {
        return configure(db, LOCATION);
    }

    /** The shared configuration with another migrations location (tests use {@code filesystem:} copies). */
    static FluentConfiguration configure(DatabaseSettings db, String location) {
        return FlywayConfiguration.read(db, location)
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .loggers("slf4j");
    }

    /** Applies pending migrations; used by the embedded development database and tests (the CLI adds reporting). */
    public static int migrate(DatabaseSettings db) {
        return configure(db).load().migrate().migrationsExecuted;
    }

    /** The schema version this build expects: the highest versioned script packaged under db/migration. */
    public static MigrationVersion expectedVersion() {
        List<ScriptName> versioned = ScriptName.select(ScriptLocation.of(LOCATION).list(), 'V');
        if (versioned.isEmpty()) {
            throw new IllegalStateException("no migrations packaged under " + LOCATION);
        }
        return versioned.get(versioned.size() - 1).version();
    }
}
