package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code verify}: compares the live schema with what this build's migrations create, and the Flyway version with
 * the newest migration of this build; prints a report and fails on any difference.
 *
 * <p>How the expected schema is obtained (design choice): not from a stored snapshot, but by replaying this build's
 * packaged migration scripts, in order, into a scratch schema ({@code <schema>_verify_<random>}) in the same
 * database, inside one transaction that is always rolled back. The server then renders both catalogs itself
 * ({@link SchemaCatalog}), so there is no snapshot to keep current, and no false difference from another PostgreSQL
 * version printing a definition differently (or, like PostgreSQL 18, listing NOT NULL as constraints). Nothing is
 * persisted: the transaction is rolled back, and as a last guard a scratch schema still present afterwards (a
 * script that commits on its own) is dropped.
 *
 * <p>Privileges: run it with the migration credentials (the app role has no DDL rights). A scratch schema needs
 * CREATE on the database; the documented migration role only owns its schema (k8s/app-role-grants.sql), so when
 * CREATE SCHEMA is refused the scripts are replayed as temporary tables instead (search_path = pg_temp; the TEMP
 * privilege is PUBLIC's by default), which renders tables, columns, indexes and constraints the same way.
 *
 * <p>Limits: scripts run as Flyway runs them (search_path = the scratch schema, then the session's own), with
 * {@code INDEX CONCURRENTLY} run as a plain {@code INDEX} since everything is in one transaction. Scripts must stay
 * unqualified, as the project's migrations are: one naming the live schema would touch it (only inside the
 * rolled-back transaction, under a 5 s lock timeout). In the temporary-table fallback, a migration that creates a
 * function and calls it unqualified cannot be replayed (PostgreSQL never looks up functions in pg_temp); verify then
 * says so and fails rather than guess. Functions, triggers and view definitions are not compared.
 */
final class SchemaVerifier {

    private static final Pattern CONCURRENTLY = Pattern.compile("(?i)\\b(INDEX|REINDEX\\s+\\w+)\\s+CONCURRENTLY\\b");

    private final DatabaseSettings db;
    private final DataSource dataSource;
    private final ScriptLocation migrations;
    private final PrintStream out;
    private final String prefix;

    SchemaVerifier(DatabaseSettings db, DataSource dataSource, ScriptLocation migrations, PrintStream out, String prefix) {
        this.db = db;
        this.dataSource = dataSource;
        this.migrations = migrations;
        this.out = out;
        this.prefix = prefix;
    }

    int verify(MigrationInfoService info) {
        List<String> paths = migrations.list();
        List<ScriptName> versioned = ScriptName.select(paths, 'V');
        List<ScriptName> repeatable = ScriptName.select(paths, 'R');
        MigrationVersion expectedVersion = versioned.isEmpty() ? null : versioned.get(versioned.size() - 1).version();

        List<String> versionProblems = versionProblems(info, expectedVersion);
        SchemaCatalog live;
        Expected built;
        boolean liveSchemaExists;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            liveSchemaExists = schemaExists(connection, db.schema());
            live = SchemaCatalog.read(connection, db.schema());
            connection.rollback();
            built = expectedCatalog(connection, versioned, repeatable);
        } catch (SQLException e) {
            if (Connections.isConnectionFailure(e)) {
                throw new CliFailure("lost the connection to PostgreSQL at " + db.describe() + " (" + Connections.reason(e, db) + ")");
            }
            throw new CliFailure("cannot read the schema catalog: " + Connections.serverMessage(e) + Rollback.sqlState(e));
        }

        SchemaCatalog expected = built.catalog();
        out.println(prefix + "schema \"" + db.schema() + "\" at " + db.describe() + " against this build ("
                + versioned.size() + " versioned migration(s), newest " + Rollback.display(expectedVersion)
                + "; expected schema replayed in " + built.builtIn() + ")");
        int differences = 0;
        if (!liveSchemaExists) {
            out.println("  schema       missing: \"" + db.schema() + "\" does not exist");
            differences++;
        }
        MigrationInfo current = Commands.current(info);
        if (versionProblems.isEmpty()) {
            out.println(line("version", "ok: " + Rollback.display(current == null ? null : current.getVersion())));
        } else {
            out.println(line("version", versionProblems.size() + " difference(s)"));
            versionProblems.forEach(p -> out.println("      " + p));
            differences += versionProblems.size();
        }
        List<SchemaCatalog.Difference> catalogDifferences = expected.differences(live);
        for (String section : SchemaCatalog.SECTIONS) {
            List<SchemaCatalog.Difference> inSection = catalogDifferences.stream().filter(d -> d.section().equals(section)).toList();
            if (inSection.isEmpty()) {
                out.println(line(section, "ok: " + expected.count(section)));
            } else {
                out.println(line(section, inSection.size() + " difference(s) (" + expected.count(section) + " expected, "
                        + live.count(section) + " found)"));
                inSection.forEach(d -> out.println("      " + d.describe()));
            }
        }
        differences += catalogDifferences.size();
        if (differences > 0) {
            throw new CliFailure(differences + " difference(s) between the live schema \"" + db.schema() + "\" at "
                    + db.describe() + " and this build (report above)");
        }
        out.println(prefix + "OK: schema \"" + db.schema() + "\" matches this build");
        return 0;
    }

    private static String line(String check, String result) {
        return "  " + String.format("%-12s %s", check, result);
    }

    static List<String> versionProblems(MigrationInfoService info, MigrationVersion expectedVersion) {
        List<String> problems = new ArrayList<>();
        MigrationInfo current = Commands.current(info);
        MigrationVersion currentVersion = current == null ? null : current.getVersion();
        if (expectedVersion != null && currentVersion == null) {
            problems.add("no migration applied, this build expects version " + expectedVersion);
        } else if (expectedVersion != null && !expectedVersion.equals(currentVersion)) {
            problems.add("at version " + currentVersion + ", this build expects version " + expectedVersion
                    + (currentVersion.compareTo(expectedVersion) > 0 ? " (the database is newer than this build)" : " (run migrate)"));
        }
        for (MigrationInfo migration : info.all()) {
            String name = (migration.getVersion() == null ? "R" : "V" + migration.getVersion()) + " (" + migration.getDescription() + ")";
            MigrationState state = migration.getState();
            if (state.isFailed()) {
                problems.add(name + " is recorded as failed (run repair, then migrate)");
            } else if (state == MigrationState.IGNORED) {
                problems.add(name + " is older than the current version but not applied");
            } else if (state == MigrationState.MISSING_SUCCESS) {
                problems.add(name + " is applied but not part of this build");
            } else if (state.isApplied() && state.isResolved() && !migration.getType().isSynthetic()
                    && !migration.isChecksumMatching()) {
                problems.add(name + " was applied with checksum " + migration.getAppliedChecksum()
                        + " but this build's script has " + migration.getResolvedChecksum() + " (see validate)");
            }
        }
        return problems;
    }

    /** The expected catalog and how it was built (for the report). */
    private record Expected(SchemaCatalog catalog, String builtIn) {
    }

    /**
     * The catalog this build's migrations produce, built inside a transaction that is always rolled back: in a
     * scratch schema, or, when the role may not create schemas (no CREATE on the database, as with the documented
     * migration role that only owns its schema), as temporary tables (pg_temp, which every role may use by default).
     */
    private Expected expectedCatalog(Connection connection, List<ScriptName> versioned, List<ScriptName> repeatable)
            throws SQLException {
        String scratch = scratchName(db.schema());
        String originalPath;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SHOW search_path")) {
            rs.next();
            originalPath = rs.getString(1) == null || rs.getString(1).isBlank() ? "" : ", " + rs.getString(1);
        }
        connection.rollback();
        try {
            boolean ownSchema = createScratchSchema(connection, scratch);
            String builtIn;
            try (PreparedStatement path = connection.prepareStatement("SELECT set_config('search_path', ?, true)")) {
                path.setString(1, (ownSchema ? Rollback.quote(scratch) : "pg_temp") + originalPath);
                path.execute();
            }
            builtIn = ownSchema ? "a scratch schema, rolled back"
                    : "temporary tables (this role has no CREATE on database " + db.database() + "), rolled back";
            List<ScriptName> scripts = new ArrayList<>(versioned);
            scripts.addAll(repeatable);
            for (ScriptName script : scripts) {
                String sql = migrations.read(script.path()).orElseThrow();
                String schemaName = ownSchema ? scratch : "pg_temp";
                sql = CONCURRENTLY.matcher(Placeholders.expand(sql, schemaName, db.user(), db.database(), script.path())).replaceAll("$1");
                try (Statement statement = connection.createStatement()) {
                    statement.setEscapeProcessing(false);
                    statement.execute(sql);
                } catch (SQLException e) {
                    throw new CliFailure("cannot build the expected schema: " + script.path() + " failed when replayed in "
                            + (ownSchema ? "a scratch schema" : "temporary tables") + ": " + Connections.serverMessage(e) + Rollback.sqlState(e));
                }
            }
            String target = ownSchema ? scratch : temporarySchema(connection);
            return new Expected(target == null ? new SchemaCatalog(java.util.Map.of()) : SchemaCatalog.read(connection, target), builtIn);
        } finally {
            connection.rollback();
            dropIfLeftBehind(connection, scratch);
        }
    }

    /** Creates the scratch schema; false (transaction rolled back, lock timeout set again) when not allowed to. */
    private boolean createScratchSchema(Connection connection, String scratch) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '5s'");
            try {
                statement.execute("CREATE SCHEMA " + Rollback.quote(scratch));
                return true;
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        connection.rollback();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '5s'");
            try (ResultSet rs = statement.executeQuery("SELECT has_database_privilege(current_database(), 'TEMP')")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new CliFailure("verify replays this build's migrations into a scratch schema or temporary tables (both rolled back) "
                            + "and needs CREATE or TEMP on database " + db.database() + ": run it with the migration credentials");
                }
            }
        }
        return false;
    }

    private static String temporarySchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Last guard: if a script committed on its own, the scratch schema would survive the rollback. */
    private static void dropIfLeftBehind(Connection connection, String scratch) throws SQLException {
        if (schemaExists(connection, scratch)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + Rollback.quote(scratch) + " CASCADE");
            }
            connection.commit();
        } else {
            connection.rollback();
        }
    }

    static boolean schemaExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            statement.setString(1, schema);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String scratchName(String schema) {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String suffix = "_verify_" + HexFormat.of().formatHex(random);
        return schema.substring(0, Math.min(schema.length(), 63 - suffix.length())) + suffix;
    }
}
