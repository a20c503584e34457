package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.TestPostgres;
import io.chatsessions.testsupport.TestSql;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Shared helpers of the migration tests: run the CLI in-process against a test database, query its catalog. */
final class MigrationTestSupport {

    private MigrationTestSupport() {
    }

    /** The outcome of one CLI run. */
    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : err.strip().lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    static Map<String, String> env(DatabaseSettings db) {
        Map<String, String> env = TestPostgres.environment(db);
        env.put("MIGRATE_WAIT_SECONDS", "5");
        return env;
    }

    static Result run(DatabaseSettings db, String... args) {
        return run(env(db), MigrationCli.Locations.DEFAULT, args);
    }

    static Result run(Map<String, String> env, MigrationCli.Locations locations, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = MigrationCli.run(args, env, o, e, locations);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Connection connect(DatabaseSettings db) throws SQLException {
        return TestSql.superuser(db);
    }

    static void execute(DatabaseSettings db, String sql) throws SQLException {
        TestSql.executeAsSuperuser(db, sql);
    }

    /** Every row of a query, each row as "a | b | c" (nulls as "null"). */
    static List<String> rows(DatabaseSettings db, String sql) throws SQLException {
        return TestSql.rowsAsSuperuser(db, sql).stream()
                .map(row -> String.join(" | ", row.stream().map(String::valueOf).toList())).toList();
    }

    static String single(DatabaseSettings db, String sql) throws SQLException {
        List<String> rows = rows(db, sql);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from " + sql + ", got " + rows);
        }
        return rows.get(0);
    }

    /**
     * The test's own view of a schema, straight from the catalog (independent of the verify code): relations, columns
     * with position, type, nullability and default, every index definition, every constraint definition, and the
     * successful Flyway history (version, description, checksum).
     */
    static Map<String, List<String>> catalog(DatabaseSettings db, String schema) throws SQLException {
        Map<String, List<String>> catalog = new java.util.LinkedHashMap<>();
        catalog.put("relations", rows(db, "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = '" + schema + "' ORDER BY 1"));
        catalog.put("columns", rows(db, "SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attcollation"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE n.nspname = '" + schema + "' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2"));
        catalog.put("information_schema.columns", rows(db, "SELECT table_name, column_name, ordinal_position, data_type, is_nullable,"
                + " column_default, character_maximum_length, numeric_precision FROM information_schema.columns"
                + " WHERE table_schema = '" + schema + "' ORDER BY 1, 3"));
        catalog.put("indexes", rows(db, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = '" + schema
                + "' ORDER BY 1, 2"));
        catalog.put("constraints", rows(db, "SELECT t.relname, con.conname, con.contype, con.condeferrable, con.convalidated,"
                + " pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = '" + schema + "' ORDER BY 1, 2"));
        catalog.put("history", rows(db, "SELECT version, description, type, checksum, success FROM " + schema
                + ".flyway_schema_history WHERE type <> 'SCHEMA' ORDER BY installed_rank"));
        return catalog;
    }

    static boolean schemaExists(DatabaseSettings db, String schema) throws SQLException {
        return !rows(db, "SELECT 1 FROM pg_namespace WHERE nspname = '" + schema + "'").isEmpty();
    }
}
