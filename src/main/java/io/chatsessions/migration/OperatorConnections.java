package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.config.MissingSettingException;

import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The JDBC connection of an operator command of the jar that is not a schema command (erase, purge): the migration
 * role's settings (POSTGRES_* or DATABASE_URL), search_path the schema, the bounded wait for the database
 * (MIGRATE_WAIT_SECONDS) and one-line failures ({@link CliFailure}, exit 1), as the schema commands have them.
 */
public final class OperatorConnections {

    private OperatorConnections() {
    }

    /** An autocommit connection; {@code readOnly} makes the server refuse any write (a --dry-run). */
    public static Connection open(Map<String, String> env, String command, boolean readOnly, PrintStream out) {
        DatabaseSettings db;
        int waitSeconds;
        try {
            waitSeconds = Connections.waitSeconds(env);
            db = DatabaseSettings.fromEnvironment(env);
        } catch (MissingSettingException | IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        PGSimpleDataSource dataSource = Connections.dataSource(db, "chat-sessions " + command, readOnly);
        dataSource.setCurrentSchema(db.schema());
        Connections.awaitDatabase(dataSource, db, waitSeconds, command, out);
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            return connection;
        } catch (SQLException e) {
            throw new CliFailure(Connections.cannotConnect(db, Connections.reason(e, db), null));
        }
    }

    /** A failed statement in one line: the server's message without its severity, or the lost connection. */
    public static String describe(SQLException e) {
        if (Connections.isConnectionFailure(e)) {
            return "lost the connection to PostgreSQL (" + Connections.serverMessage(e) + ")";
        }
        return Connections.serverMessage(e) + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }
}
