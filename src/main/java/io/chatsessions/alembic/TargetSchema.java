package io.chatsessions.alembic;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.CliFailure;
import io.chatsessions.migration.Migrations;
import org.flywaydb.core.api.MigrationVersion;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The service's schema must be migrated to (at least) this build's version before rows are copied into it. */
final class TargetSchema {

    private TargetSchema() {
    }

    /** The schema's version, or a one-line failure saying to run {@code migrate} first. */
    static String check(Connection connection, DatabaseSettings db) throws SQLException {
        MigrationVersion expected = Migrations.expectedVersion();
        String history = SourceSchema.quote(db.schema()) + "." + Migrations.HISTORY_TABLE;
        boolean hasHistory;
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, history);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                hasHistory = rows.getBoolean(1);
            }
        }
        MigrationVersion current = null;
        if (hasHistory) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT version FROM " + history
                    + " WHERE success AND version IS NOT NULL");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    MigrationVersion version = MigrationVersion.fromVersion(rows.getString(1));
                    if (current == null || version.compareTo(current) > 0) {
                        current = version;
                    }
                }
            }
        }
        String where = "schema \"" + db.schema() + "\" at " + db.describe();
        if (current == null) {
            throw new CliFailure(where + " has no migrations applied; run migrate first (this build expects version " + expected + ")");
        }
        if (current.compareTo(expected) < 0) {
            throw new CliFailure(where + " is at version " + current + ", this build expects " + expected + "; run migrate first");
        }
        return current.toString();
    }
}
