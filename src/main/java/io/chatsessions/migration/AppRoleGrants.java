package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The app role's privileges, granted by {@code migrate} when {@code APP_DB_ROLE} is set, so the serving pods can
 * run with credentials that have no DDL rights: USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on every table
 * (and USAGE/SELECT on sequences), and only SELECT on the Flyway history table (readiness reads the version).
 * Idempotent: re-granted after every migrate, which also covers tables a new migration added.
 */
final class AppRoleGrants {

    static final String SETTING = "APP_DB_ROLE";

    private AppRoleGrants() {
    }

    /** Returns the number of tables the role can now read and write. */
    static int grant(DataSource dataSource, DatabaseSettings db, String role) {
        String schema = Rollback.quote(db.schema());
        String grantee = Rollback.quote(role);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement exists = connection.prepareStatement(
                        "SELECT rolname = current_user FROM pg_roles WHERE rolname = ?")) {
                    exists.setString(1, role);
                    try (ResultSet rs = exists.executeQuery()) {
                        if (!rs.next()) {
                            throw new CliFailure(SETTING + " names role '" + role + "', which does not exist in "
                                    + db.describe() + " (create it first, see k8s/app-role-grants.sql)");
                        }
                        if (rs.getBoolean(1)) {
                            throw new CliFailure(SETTING + " is the migration role itself ('" + role
                                    + "'): the app needs a separate role with DML rights only");
                        }
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + grantee);
                    statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + grantee);
                    statement.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + grantee);
                    statement.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "
                            + schema + "." + Rollback.quote(Migrations.HISTORY_TABLE) + " FROM " + grantee);
                }
                int tables;
                try (PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename <> ?")) {
                    count.setString(1, db.schema());
                    count.setString(2, Migrations.HISTORY_TABLE);
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        tables = rs.getInt(1);
                    }
                }
                connection.commit();
                return tables;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new CliFailure("cannot grant the app role '" + role + "' its privileges on schema " + db.schema()
                    + ": " + Connections.serverMessage(e) + Rollback.sqlState(e));
        }
    }
}
