package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code undo --target V}: rolls the schema back to version V with the down scripts kept in db/rollback
 * ({@code U<version>__<description>.sql}, one per migration), newest first. Each down script runs in its own
 * transaction together with the deletion of its flyway_schema_history row, under the same PostgreSQL advisory
 * lock Flyway's migrate takes, so an undo and a migrate never interleave. Before changing anything it checks that
 * every applied version above V has a down script (and that none is a baseline or a failed entry); otherwise it
 * refuses and nothing is changed. Down scripts are written unqualified, like the migrations, and must be
 * transactional (no CREATE/DROP INDEX CONCURRENTLY).
 */
final class Rollback {

    /** Flyway's PostgreSQL lock number: this constant plus the hash of the quoted history table name. */
    private static final long FLYWAY_LOCK_BASE = 77431708279161L;

    private final DatabaseSettings db;
    private final DataSource dataSource;
    private final ScriptLocation downScripts;
    private final PrintStream out;
    private final String prefix;

    Rollback(DatabaseSettings db, DataSource dataSource, ScriptLocation downScripts, PrintStream out, String prefix) {
        this.db = db;
        this.dataSource = dataSource;
        this.downScripts = downScripts;
        this.out = out;
        this.prefix = prefix;
    }

    /** The key of the advisory lock Flyway takes for {@code "schema"."flyway_schema_history"}. */
    static long flywayLockKey(String schema) {
        return FLYWAY_LOCK_BASE + ("\"" + schema + "\".\"" + Migrations.HISTORY_TABLE + "\"").hashCode();
    }

    /** Down scripts by version (the "U" files of the location). */
    static Map<MigrationVersion, ScriptName> downScripts(ScriptLocation location) {
        Map<MigrationVersion, ScriptName> byVersion = new LinkedHashMap<>();
        for (ScriptName script : ScriptName.select(location.list(), 'U')) {
            ScriptName previous = byVersion.put(script.version(), script);
            if (previous != null) {
                throw new CliFailure("two down scripts for version " + script.version() + " in " + location
                        + ": " + previous.path() + " and " + script.path());
            }
        }
        return byVersion;
    }

    int undo(MigrationInfo[] applied, MigrationVersion target) {
        List<MigrationInfo> above = new ArrayList<>();
        MigrationVersion current = MigrationVersion.EMPTY;
        for (MigrationInfo migration : applied) {
            if (migration.getVersion() == null || migration.getState() == MigrationState.DELETED
                    || (migration.getType().isSynthetic() && !migration.getType().isBaseline())) {
                continue; // repeatables have no version; deleted entries are gone; the schema-creation marker stays
            }
            if (migration.getVersion().compareTo(current) > 0 && !migration.getState().isFailed()) {
                current = migration.getVersion();
            }
            if (migration.getVersion().compareTo(target) > 0) {
                above.add(migration);
            }
        }
        if (above.isEmpty()) {
            out.println(prefix + "nothing to undo: schema \"" + db.schema() + "\" is at version " + display(current)
                    + ", not above " + target);
            return 0;
        }
        above.sort(Comparator.comparing(MigrationInfo::getVersion).reversed());

        Map<MigrationVersion, ScriptName> scripts = downScripts(downScripts);
        List<String> problems = new ArrayList<>();
        for (MigrationInfo migration : above) {
            String name = "V" + migration.getVersion() + " (" + migration.getDescription() + ")";
            if (migration.getType().isBaseline() || migration.getState() == MigrationState.BASELINE) {
                problems.add(name + " is a baseline: the schema was adopted at that version, not created by migrations, so it cannot be undone");
            } else if (migration.getState().isFailed()) {
                problems.add(name + " is recorded as failed: run repair first");
            } else if (!scripts.containsKey(migration.getVersion())) {
                problems.add(name + " has no down script in " + downScripts + " (expected U" + migration.getVersion()
                        + "__" + migration.getDescription().replace(' ', '_') + ".sql)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CliFailure("refusing to undo to version " + target + ", nothing was changed: " + String.join("; ", problems));
        }

        out.println(prefix + "schema \"" + db.schema() + "\" at " + db.describe() + " is at version " + display(current)
                + "; rolling back to " + target);
        long started = System.nanoTime();
        int undone = 0;
        for (MigrationInfo migration : above) {
            ScriptName script = scripts.get(migration.getVersion());
            String sql = downScripts.read(script.path())
                    .orElseThrow(() -> new CliFailure("cannot read " + script.path() + " from " + downScripts));
            long t0 = System.nanoTime();
            boolean done = runOne(migration.getVersion(), script, sql);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (done) {
                undone++;
                out.println("  undone V" + migration.getVersion() + "  " + migration.getDescription() + "  ("
                        + script.path() + ", " + ms + " ms)");
            } else {
                out.println("  skipped V" + migration.getVersion() + "  " + migration.getDescription()
                        + "  (no longer in the history: undone by another process)");
            }
        }
        out.println(prefix + "rolled back " + undone + " migration(s) in " + (System.nanoTime() - started) / 1_000_000
                + " ms; schema \"" + db.schema() + "\" now at version " + (target.equals(MigrationVersion.fromVersion("0")) ? "0 (no migrations)" : target.toString()));
        return 0;
    }

    /** One down script and its history row, in one transaction. False if the row was already gone. */
    private boolean runOne(MigrationVersion version, ScriptName script, String sql) {
        String history = quote(db.schema()) + "." + quote(Migrations.HISTORY_TABLE);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, flywayLockKey(db.schema()));
                    lock.execute();
                }
                try (PreparedStatement path = connection.prepareStatement("SELECT set_config('search_path', ?, true)")) {
                    path.setString(1, quote(db.schema()));
                    path.execute();
                }
                try (PreparedStatement check = connection.prepareStatement(
                        "SELECT count(*) FROM " + history + " WHERE version = ? AND success")) {
                    check.setString(1, version.getVersion());
                    try (ResultSet rs = check.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            connection.rollback();
                            return false;
                        }
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.setEscapeProcessing(false);
                    statement.execute(Placeholders.expand(sql, db.schema(), db.user(), db.database(), script.path()));
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + history + " WHERE version = ?")) {
                    delete.setString(1, version.getVersion());
                    delete.executeUpdate();
                }
                connection.commit();
                return true;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (Connections.isConnectionFailure(e)) {
                throw new CliFailure("lost the connection to PostgreSQL at " + db.describe() + " while undoing V" + version
                        + " (" + Connections.reason(e, db) + "); that step was rolled back");
            }
            throw new CliFailure(script.path() + " failed, V" + version + " was not undone (rolled back): "
                    + Connections.serverMessage(e) + sqlState(e));
        }
    }

    static String sqlState(SQLException e) {
        return e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")";
    }

    static String display(MigrationVersion version) {
        return version == null || version.equals(MigrationVersion.EMPTY) ? "none" : version.toString();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
