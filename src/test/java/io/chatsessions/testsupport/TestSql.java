package io.chatsessions.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct SQL on the shared test server's database (as superuser), for set-up and for checking what was written. */
public final class TestSql {

    private TestSql() {
    }

    public static void execute(String sql, Object... parameters) {
        TestServer.url();
        try (Connection connection = connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The single number the query returns (e.g. a count). */
    public static long number(String sql, Object... parameters) {
        TestServer.url();
        try (Connection connection = connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no row: " + sql);
                }
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The single text value the query returns. */
    public static String text(String sql, Object... parameters) {
        TestServer.url();
        try (Connection connection = connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no row: " + sql);
                }
                return rows.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long sessionsOf(String userId) {
        return number("SELECT count(*) FROM chat.sessions WHERE user_id = ?", userId);
    }

    public static long messagesOfUser(String userId) {
        return number("SELECT count(*) FROM chat.messages m JOIN chat.sessions s ON s.id = m.session_id WHERE s.user_id = ?", userId);
    }

    public static long messagesOf(String sessionId) {
        return number("SELECT count(*) FROM chat.messages WHERE session_id = ?::uuid", sessionId);
    }

    private static Connection connection() throws SQLException {
        return TestPostgres.server().getDatabase("postgres", TestServer.database().database()).getConnection();
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
