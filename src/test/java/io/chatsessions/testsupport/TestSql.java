package io.chatsessions.testsupport;

import io.chatsessions.config.DatabaseSettings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kit's one SQL helper (plain JDBC): on the shared test server's database as superuser (no database argument), or
 * on any test database as its owner (a {@link DatabaseSettings} argument), for set-up and for checking what was written.
 */
public final class TestSql {

    public static final List<String> TABLES = List.of("sessions", "messages", "idempotency_keys");

    private TestSql() {
    }

    public static Connection connect(DatabaseSettings db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    /** A connection to {@code db}'s database on the embedded server as superuser "postgres", whoever owns it. */
    public static Connection superuser(DatabaseSettings db) throws SQLException {
        return TestPostgres.server().getDatabase("postgres", db.database()).getConnection();
    }

    public static void executeAsSuperuser(DatabaseSettings db, String sql) throws SQLException {
        try (Connection c = superuser(db); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Every row of the query, each a list of column values. */
    public static List<List<Object>> rows(DatabaseSettings db, String sql, Object... parameters) {
        try (Connection c = connect(db)) {
            return rows(c, sql, parameters);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static List<List<Object>> rowsAsSuperuser(DatabaseSettings db, String sql, Object... parameters) throws SQLException {
        try (Connection c = superuser(db)) {
            return rows(c, sql, parameters);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(r.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    public static long number(DatabaseSettings db, String sql, Object... parameters) {
        return ((Number) rows(db, sql, parameters).get(0).get(0)).longValue();
    }

    /** Per table: row count and an md5 over every row's text, in a stable order. Equal fingerprints = no row changed. */
    public static Map<String, String> fingerprint(DatabaseSettings db) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String table : TABLES) {
            List<Object> row = rows(db, "SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM "
                    + db.schema() + "." + table + " t").get(0);
            result.put(table, row.get(0) + " rows, md5 " + row.get(1));
        }
        return result;
    }

    /** Sessions whose messages do not have seqs exactly 1..n, or whose message_count differs from n (empty = fine). */
    public static List<String> seqProblems(DatabaseSettings db) {
        List<String> problems = new ArrayList<>();
        for (List<Object> row : rows(db, """
                SELECT s.id::text, s.message_count, count(m.id), coalesce(min(m.seq), 0), coalesce(max(m.seq), 0), count(DISTINCT m.seq)
                  FROM %s.sessions s LEFT JOIN %s.messages m ON m.session_id = s.id
                 GROUP BY s.id, s.message_count""".formatted(db.schema(), db.schema()))) {
            long messageCount = ((Number) row.get(1)).longValue();
            long n = ((Number) row.get(2)).longValue();
            long min = ((Number) row.get(3)).longValue();
            long max = ((Number) row.get(4)).longValue();
            long distinct = ((Number) row.get(5)).longValue();
            if (n > 0 && (min != 1 || max != n || distinct != n) || messageCount != n) {
                problems.add("session " + row.get(0) + ": " + n + " messages, seqs " + min + ".." + max + " (" + distinct
                        + " distinct), message_count " + messageCount);
            }
        }
        return problems;
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
