package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.BaselineResult;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairOutput;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** One invocation of a schema command, after its arguments and settings were read. */
final class Commands {

    private static final DateTimeFormatter INSTALLED_ON = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final CliArguments arguments;
    private final DatabaseSettings db;
    private final Map<String, String> env;
    private final int waitSeconds;
    private final MigrationCli.Locations locations;
    private final FluentConfiguration configuration;
    private final PrintStream out;
    private final String prefix;

    Commands(CliArguments arguments, DatabaseSettings db, Map<String, String> env, int waitSeconds,
             MigrationCli.Locations locations, FluentConfiguration configuration, PrintStream out, String prefix) {
        this.configuration = configuration;
        this.arguments = arguments;
        this.db = db;
        this.env = env;
        this.waitSeconds = waitSeconds;
        this.locations = locations;
        this.out = out;
        this.prefix = prefix;
    }

    int execute() {
        return switch (arguments.command()) {
            case "migrate" -> arguments.dryRun() ? dryRun() : migrate();
            case "info" -> info();
            case "validate" -> validate();
            case "baseline" -> baseline();
            case "repair" -> repair();
            case "undo" -> undo();
            case "verify" -> verify();
            default -> throw new CliFailure("unknown command " + arguments.command(), 2);
        };
    }

    /** A connected data source: waits (bounded) for the database first. Read-only ones make the server refuse writes. */
    private PGSimpleDataSource connect(boolean readOnly) {
        PGSimpleDataSource dataSource = Connections.dataSource(db, "chat-sessions " + arguments.command(), readOnly);
        Connections.awaitDatabase(dataSource, db, waitSeconds, arguments.command(), out);
        return dataSource;
    }

    private Flyway flyway(PGSimpleDataSource dataSource, Consumer<FluentConfiguration> customize) {
        // micronaut-flyway's configuration (one per command run), with this command's connection and logger
        configuration.dataSource(dataSource).loggers(CliLog.class.getName());
        customize.accept(configuration);
        return configuration.load();
    }

    private String where() {
        return "schema \"" + db.schema() + "\" at " + db.describe();
    }

    // ---- migrate -------------------------------------------------------------------------------------------------

    private int migrate() {
        PGSimpleDataSource dataSource = connect(false);
        Flyway flyway = flyway(dataSource, c -> arguments.target().ifPresent(c::target));
        long started = System.nanoTime();
        MigrateResult result = flyway.migrate();
        long total = (System.nanoTime() - started) / 1_000_000;
        for (MigrateOutput migration : result.migrations) {
            out.println("  applied V" + migration.version + "  " + migration.description + "  (" + migration.executionTime + " ms)");
        }
        String now = versionAfter(flyway);
        if (result.migrationsExecuted == 0) {
            out.println(prefix + where() + " is up to date at version " + now + " (0 migrations applied)");
        } else {
            out.println(prefix + "applied " + result.migrationsExecuted + " migration(s) to " + where() + ", version "
                    + display(result.initialSchemaVersion) + " -> " + now + " (" + total + " ms)");
        }
        String role = env.get(AppRoleGrants.SETTING);
        if (role != null && !role.isBlank()) {
            int tables = AppRoleGrants.grant(dataSource, db, role.trim());
            out.println(prefix + "granted role " + role.trim() + " USAGE on schema " + db.schema() + " and SELECT/INSERT/UPDATE/DELETE on "
                    + tables + " table(s) (SELECT only on " + Migrations.HISTORY_TABLE + ")");
        }
        return 0;
    }

    private static String versionAfter(Flyway flyway) {
        MigrationInfo current = current(flyway.info());
        return current == null ? "none" : Rollback.display(current.getVersion());
    }

    /** The newest applied migration (or baseline); null when none, including right after the schema was created. */
    static MigrationInfo current(MigrationInfoService info) {
        MigrationInfo current = info.current();
        if (current == null || current.getVersion() == null
                || (current.getType().isSynthetic() && !current.getType().isBaseline())) {
            return null;
        }
        return current;
    }

    private static String display(String version) {
        return version == null || version.isBlank() ? "none" : version;
    }

    // ---- migrate --dry-run ---------------------------------------------------------------------------------------

    /**
     * Prints the SQL of the pending migrations in order. Flyway's own dry run is not in the community edition, so
     * this asks Flyway only what is pending (over a read-only session: the server refuses any write) and prints
     * the scripts from the jar. Nothing is created, not even the schema or the history table.
     */
    private int dryRun() {
        PGSimpleDataSource dataSource = connect(true);
        Flyway flyway = flyway(dataSource, c -> arguments.target().ifPresent(c::target));
        MigrationInfoService info = flyway.info();
        boolean schemaExists;
        try (Connection connection = dataSource.getConnection()) {
            schemaExists = SchemaVerifier.schemaExists(connection, db.schema());
        } catch (SQLException e) {
            throw new CliFailure(Connections.cannotConnect(db, Connections.reason(e, db), null));
        }
        MigrationInfo current = current(info);
        String currentVersion = current == null ? "none" : Rollback.display(current.getVersion());
        MigrationInfo[] pending = info.pending();
        ScriptLocation scripts = ScriptLocation.of(locations.migrations());
        if (pending.length == 0) {
            out.println("-- chat-sessions migrate --dry-run: " + where() + " is up to date at version " + currentVersion
                    + arguments.target().map(t -> " (target " + t + ")").orElse("") + "; nothing would run");
            return 0;
        }
        out.println("-- chat-sessions migrate --dry-run: " + where() + ", current version " + currentVersion + ", "
                + pending.length + " pending migration(s)" + arguments.target().map(t -> " up to target " + t).orElse(""));
        out.println("-- Nothing has been executed. migrate would run each script below in its own transaction with");
        out.println("-- search_path = \"" + db.schema() + "\" and record it in \"" + db.schema() + "\"." + Migrations.HISTORY_TABLE
                + (schemaExists ? "." : ", after creating schema \"" + db.schema() + "\" and that history table."));
        for (MigrationInfo migration : pending) {
            String label = migration.getVersion() == null ? "R" : "V" + migration.getVersion();
            String sql = scripts.read(migration.getScript())
                    .orElseThrow(() -> new CliFailure("cannot read " + migration.getScript() + " from " + scripts));
            out.println();
            out.println("-- ==== " + label + ": " + migration.getDescription() + " (" + migration.getScript() + ", checksum "
                    + migration.getChecksum() + ") ====");
            String text = Placeholders.expand(sql, db.schema(), db.user(), db.database(), migration.getScript());
            out.print(text.endsWith("\n") ? text : text + "\n");
            out.println("-- ==== end of " + label + " ====");
        }
        return 0;
    }

    // ---- info ----------------------------------------------------------------------------------------------------

    private int info() {
        PGSimpleDataSource dataSource = connect(true);
        MigrationInfoService info = flyway(dataSource, c -> { }).info();
        Set<MigrationVersion> undoable = Rollback.downScripts(ScriptLocation.of(locations.rollbacks())).keySet();
        MigrationInfo current = current(info);
        out.println(prefix + where());
        out.println("current version: " + (current == null ? "none (no migration applied)"
                : Rollback.display(current.getVersion()) + " (" + current.getDescription() + ")"));
        MigrationInfo[] all = info.all();
        long applied = java.util.Arrays.stream(all).filter(m -> m.getState().isApplied() && !m.getType().isSynthetic()).count();
        out.println("applied: " + applied + ", pending: " + info.pending().length);
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"Version", "Description", "Type", "Installed on (UTC)", "State", "Time", "Down script"});
        for (MigrationInfo migration : all) {
            boolean versionedScript = migration.getVersion() != null && !migration.getType().isSynthetic();
            rows.add(new String[]{
                    migration.getVersion() == null ? "" : migration.getVersion().toString(),
                    migration.getDescription(),
                    migration.getType().name(),
                    migration.getInstalledOn() == null ? "" : INSTALLED_ON.format(migration.getInstalledOn().toInstant()),
                    migration.getState().getDisplayName(),
                    migration.getExecutionTime() == null ? "" : migration.getExecutionTime() + " ms",
                    versionedScript ? (undoable.contains(migration.getVersion()) ? "yes" : "no") : ""});
        }
        out.print(table(rows));
        return 0;
    }

    static String table(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == 0 ? " " : " | ").append(String.format("%-" + widths[i] + "s", rows.get(r)[i]));
            }
            text.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    rule.append(i == 0 ? "-" : "-+-").append("-".repeat(widths[i]));
                }
                text.append(rule).append("-\n");
            }
        }
        return text.toString();
    }

    // ---- validate ------------------------------------------------------------------------------------------------

    /** Applied migrations against this build's files. Pending ones are not differences (migrate applies them). */
    private int validate() {
        PGSimpleDataSource dataSource = connect(true);
        Flyway flyway = flyway(dataSource, c -> c.ignoreMigrationPatterns("*:pending", "*:future"));
        MigrationInfoService info = flyway.info();
        List<String> differences = new ArrayList<>();
        int appliedCount = 0;
        for (MigrationInfo migration : info.all()) {
            MigrationState state = migration.getState();
            if (!state.isApplied() || migration.getType().isSynthetic()) {
                continue;
            }
            appliedCount++;
            String name = (migration.getVersion() == null ? "R" : "V" + migration.getVersion()) + " " + migration.getDescription()
                    + " (" + migration.getScript() + ")";
            if (state.isFailed()) {
                differences.add(name + ": recorded as failed (run repair)");
            } else if (state == MigrationState.MISSING_SUCCESS) {
                differences.add(name + ": applied, but this build has no such file");
            } else if (state.isResolved()) {
                if (!migration.isChecksumMatching()) {
                    differences.add(name + ": checksum differs, applied " + migration.getAppliedChecksum() + ", file "
                            + migration.getResolvedChecksum());
                }
                if (!migration.isDescriptionMatching()) {
                    differences.add(name + ": description differs, applied '" + migration.getAppliedDescription() + "', file '"
                            + migration.getResolvedDescription() + "'");
                }
                if (!migration.isTypeMatching()) {
                    differences.add(name + ": type differs, applied " + migration.getAppliedType() + ", file " + migration.getResolvedType());
                }
            }
        }
        ValidateResult result = flyway.validateWithResult();
        if (differences.isEmpty() && !result.validationSuccessful) {
            if (result.invalidMigrations != null) {
                result.invalidMigrations.forEach(m -> differences.add("V" + m.version + " " + m.description + " (" + m.filepath + "): "
                        + CliLog.oneLine(m.errorDetails == null ? "invalid" : m.errorDetails.errorMessage)));
            }
            if (differences.isEmpty()) {
                differences.add(CliLog.oneLine(result.getAllErrorMessages()));
            }
        }
        int pending = info.pending().length;
        if (!differences.isEmpty()) {
            differences.forEach(d -> out.println("  " + d));
            throw new CliFailure(differences.size() + " applied migration(s) differ from this build's files in " + where()
                    + " (listed above; revert the file, or run repair to accept the applied state)");
        }
        out.println(prefix + "OK: " + appliedCount + " applied migration(s) in " + where() + " match this build's files"
                + (pending > 0 ? " (" + pending + " pending, not yet applied)" : ""));
        return 0;
    }

    // ---- baseline, repair ----------------------------------------------------------------------------------------

    private int baseline() {
        String version = arguments.version().orElseThrow();
        PGSimpleDataSource dataSource = connect(false);
        Flyway flyway = flyway(dataSource, c -> c.baselineVersion(version));
        BaselineResult result = flyway.baseline();
        if (result.successfullyBaselined) {
            out.println(prefix + "recorded " + where() + " as being at version " + result.baselineVersion
                    + "; migrations up to and including it will not be run, later ones will");
        } else {
            out.println(prefix + where() + " was already baselined at version " + result.baselineVersion + "; nothing changed");
        }
        return 0;
    }

    private int repair() {
        PGSimpleDataSource dataSource = connect(false);
        RepairResult result = flyway(dataSource, c -> { }).repair();
        report("removed failed entry", result.migrationsRemoved);
        report("marked as deleted (no longer in this build)", result.migrationsDeleted);
        report("realigned checksum/description with this build", result.migrationsAligned);
        int changes = size(result.migrationsRemoved) + size(result.migrationsDeleted) + size(result.migrationsAligned);
        out.println(prefix + (changes == 0 ? "nothing to repair in " + where() : "repaired " + changes + " history entr"
                + (changes == 1 ? "y" : "ies") + " in " + where()));
        return 0;
    }

    private void report(String action, List<RepairOutput> entries) {
        if (entries != null) {
            for (RepairOutput entry : entries) {
                out.println("  " + action + ": V" + entry.version + " " + entry.description);
            }
        }
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }

    // ---- undo, verify --------------------------------------------------------------------------------------------

    private int undo() {
        MigrationVersion target = MigrationVersion.fromVersion(arguments.target().orElseThrow());
        PGSimpleDataSource dataSource = connect(false);
        MigrationInfoService info = flyway(dataSource, c -> { }).info();
        return new Rollback(db, dataSource, ScriptLocation.of(locations.rollbacks()), out, prefix).undo(info.applied(), target);
    }

    private int verify() {
        PGSimpleDataSource dataSource = connect(false);
        MigrationInfoService info = flyway(dataSource, c -> { }).info();
        return new SchemaVerifier(db, dataSource, ScriptLocation.of(locations.migrations()), out, prefix).verify(info);
    }
}
