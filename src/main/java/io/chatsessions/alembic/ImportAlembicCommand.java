package io.chatsessions.alembic;

import io.chatsessions.cli.CommandLines;
import io.chatsessions.cli.Usage;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.config.MissingSettingException;
import io.chatsessions.migration.CliFailure;
import io.chatsessions.migration.Connections;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code import-alembic --from-schema S [--dry-run] [--batch-size N]}: copies the sessions and messages of an
 * Alembic-managed RAG backend kept in schema S of the same database into the service's schema ({@link AlembicImport}).
 * Settings and exit codes are the schema commands' ({@code MigrationCli}): the migration role's {@code POSTGRES_*},
 * 0 done (bad rows are listed and skipped, not a failure), 1 failed or a setting is missing or malformed (one line on
 * standard error), 2 usage error.
 */
@Command(name = "import-alembic")
public final class ImportAlembicCommand implements Callable<Integer>, Usage {

    static final String NAME = "import-alembic";
    private static final String PREFIX = "chat-sessions " + NAME + ": ";
    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final int MAX_BATCH = 100_000;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--from-schema", paramLabel = "S")
    private String fromSchema;

    @Option(names = "--dry-run", arity = "0")
    private boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "N")
    private Integer batchSize;

    @Option(names = {"-h", "--help"})
    private boolean help;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public ImportAlembicCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs the command on its own (tests); the jar runs it as a subcommand of its top command. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandLines.create(new ImportAlembicCommand(env, out, err), out, err).execute(args);
    }

    @Override
    public String usage() {
        return """
                usage: java -jar chat-sessions.jar import-alembic --from-schema S [--dry-run] [--batch-size N]
                  copies sessions and messages of an Alembic-managed backend in schema S of the same database
                  (tables sessions, messages, alembic_version) into the service's schema (POSTGRES_SCHEMA),
                  keeping ids and timestamps; rows it cannot take are listed and skipped; re-running imports
                  only what is new. The old tables are only read.
                  --dry-run        report the counts and the rows it would skip; change nothing
                  --batch-size N   old sessions per transaction (default 500, at most 100000)""";
    }

    @Override
    public Integer call() {
        if (help) {
            out.println(usage());
            return 0;
        }
        if (fromSchema == null) {
            throw CommandLines.usageError(spec.commandLine(), "import-alembic needs --from-schema S (the schema of the Alembic-managed tables, e.g. public)");
        }
        if (!SCHEMA.matcher(fromSchema).matches()) {
            throw CommandLines.usageError(spec.commandLine(), "--from-schema must be a schema name (letters, digits, _), got '" + fromSchema + "'");
        }
        int size = batchSize == null ? 500 : batchSize;
        if (size < 1 || size > MAX_BATCH) {
            throw CommandLines.usageError(spec.commandLine(), "--batch-size must be from 1 to " + MAX_BATCH + ", got " + size);
        }
        DatabaseSettings db;
        int waitSeconds;
        ImportLimits limits;
        try {
            waitSeconds = Connections.waitSeconds(env);
            db = DatabaseSettings.fromEnvironment(env);
            limits = ImportLimits.fromEnvironment(env);
        } catch (MissingSettingException | IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return 1;
        }
        if (db.schema().equals(fromSchema)) {
            err.println(PREFIX + "--from-schema " + fromSchema + " is the service's own schema (POSTGRES_SCHEMA): name the Alembic backend's schema");
            return 1;
        }
        PGSimpleDataSource dataSource = Connections.dataSource(db, "chat-sessions " + NAME, false);
        try {
            Connections.awaitDatabase(dataSource, db, waitSeconds, NAME, out);
            try (Connection connection = dataSource.getConnection()) {
                return importFrom(connection, db, size, limits);
            }
        } catch (CliFailure e) {
            err.println(PREFIX + e.getMessage());
            return e.exitCode();
        } catch (SQLException e) {
            err.println(PREFIX + (Connections.isConnectionFailure(e) ? Connections.cannotConnect(db, Connections.reason(e, db), null)
                    : "failed: " + Connections.serverMessage(e)) + "; batches already committed stay, re-run to resume");
            return 1;
        } catch (RuntimeException e) {
            err.println(PREFIX + "failed: " + String.join(" ", String.valueOf(e).strip().split("\\s*\\R\\s*")));
            return 1;
        }
    }

    private int importFrom(Connection connection, DatabaseSettings db, int size, ImportLimits limits) throws SQLException {
        connection.setAutoCommit(false);
        connection.setReadOnly(true); // the checks only read
        SourceSchema source = SourceSchema.inspect(connection, fromSchema);
        String version = TargetSchema.check(connection, db);
        connection.rollback();
        connection.setReadOnly(false);
        out.println(PREFIX + "found Alembic revision " + source.revision + " in schema \"" + source.name + "\"; schema \"" + db.schema()
                + "\" at " + db.describe() + " is at version " + version + (dryRun ? "; --dry-run: nothing will be changed" : ""));
        ImportTally tally = new ImportTally(out, PREFIX, dryRun);
        new AlembicImport(connection, source, db.schema(), limits, size, dryRun, tally).run();
        tally.summary(source, db.schema());
        return 0;
    }
}
