package io.chatsessions.reliability.support;

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

/** Direct JDBC on a test database (as its owner), to check what the service wrote. */
public final class Sql {

    public static final List<String> TABLES = List.of("sessions", "messages", "idempotency_keys");

    private Sql() {
    }

    public static Connection connect(DatabaseSettings db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    public static List<List<Object>> rows(DatabaseSettings db, String sql, Object... parameters) {
        try (Connection c = connect(db); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
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
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
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
}
