package io.chatsessions.retention;

import io.chatsessions.cli.CommandLines;
import io.chatsessions.cli.Usage;
import io.chatsessions.config.DurationConverter;
import io.chatsessions.migration.CliFailure;
import io.chatsessions.migration.OperatorConnections;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code purge --inactive-for DURATION [--archived-only] [--dry-run] [--batch-size N]}: deletes the sessions whose
 * updated_at is older than the duration, with their messages and feedback, in batches ({@link PurgeSql}); prints
 * the counts. Safe from several pods at once. Exit 0 done, 1 failed (what was purged stays purged), 2 usage error.
 */
@Command(name = "purge")
public final class PurgeCommand implements Callable<Integer>, Usage {

    private static final String PREFIX = "chat-sessions purge: ";
    /** Rows of sessions plus messages one batch deletes at most (a single larger session still goes whole). */
    static final int MAX_ROWS_PER_BATCH = 10_000;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--inactive-for", paramLabel = "DURATION", converter = DurationConverter.class)
    private Duration inactiveFor;

    @Option(names = "--archived-only")
    private boolean archivedOnly;

    @Option(names = "--dry-run")
    private boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "N")
    private int batchSize = 500;

    @Option(names = {"-h", "--help"})
    private boolean help;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public PurgeCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code purge} on its own (tests); the jar runs it as a subcommand of its top command. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandLines.create(new PurgeCommand(env, out, err), out, err).execute(args);
    }

    @Override
    public String usage() {
        return """
                usage: chat-sessions purge --inactive-for DURATION [--archived-only] [--dry-run] [--batch-size N]
                  deletes sessions (with their messages and feedback) not updated for DURATION (90d, 12h, P90D),
                  only archived ones with --archived-only, N sessions per transaction (default 500); --dry-run counts
                  and changes nothing; several pods may run it at once
                environment: the migration role's POSTGRES_* (or DATABASE_URL), POSTGRES_SCHEMA, MIGRATE_WAIT_SECONDS
                exit status: 0 done, 1 failed (what was purged stays purged), 2 usage error""";
    }

    @Override
    public Integer call() {
        if (help) {
            out.println(usage());
            return 0;
        }
        if (inactiveFor == null) {
            throw CommandLines.usageError(spec.commandLine(), "purge needs --inactive-for DURATION (e.g. 90d)");
        }
        if (inactiveFor.isNegative() || inactiveFor.isZero()) {
            throw CommandLines.usageError(spec.commandLine(), "--inactive-for must be positive");
        }
        if (batchSize < 1 || batchSize > MAX_ROWS_PER_BATCH) {
            throw CommandLines.usageError(spec.commandLine(), "--batch-size must be between 1 and " + MAX_ROWS_PER_BATCH);
        }
        long started = System.nanoTime();
        String scope = (archivedOnly ? "archived sessions" : "sessions") + " not updated since ";
        try (Connection connection = OperatorConnections.open(env, "purge", dryRun, out)) {
            Timestamp cutoff = cutoff(connection);
            long[] counted = dryRun ? count(connection, cutoff) : purge(connection, cutoff);
            String what = counted[0] + " " + scope + cutoff.toInstant() + " (" + counted[1] + " messages)";
            out.println(PREFIX + (dryRun ? "would delete " + what + "; nothing changed (--dry-run)"
                    : "deleted " + what + " in " + counted[2] + " batches") + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
            return 0;
        } catch (CliFailure e) {
            err.println(PREFIX + e.getMessage());
            return e.exitCode();
        } catch (SQLException e) {
            err.println(PREFIX + OperatorConnections.describe(e) + "; what was purged stays purged");
            return 1;
        }
    }

    private Timestamp cutoff(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PurgeSql.CUTOFF)) {
            statement.setLong(1, inactiveFor.toMillis());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getTimestamp(1);
            }
        }
    }

    private long[] count(Connection connection, Timestamp cutoff) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PurgeSql.count(archivedOnly))) {
            statement.setTimestamp(1, cutoff);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new long[] {row.getLong(1), row.getLong(2), 0};
            }
        }
    }

    /** Batches until one deletes nothing (what is left is younger, or locked by a writer or another pod's batch). */
    private long[] purge(Connection connection, Timestamp cutoff) throws SQLException {
        long sessions = 0;
        long messages = 0;
        long batches = 0;
        try (PreparedStatement statement = connection.prepareStatement(PurgeSql.batch(archivedOnly))) {
            while (true) {
                statement.setTimestamp(1, cutoff);
                statement.setInt(2, batchSize);
                statement.setInt(3, MAX_ROWS_PER_BATCH);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    long deleted = row.getLong(1);
                    if (deleted == 0) {
                        return new long[] {sessions, messages, batches};
                    }
                    sessions += deleted;
                    messages += row.getLong(2);
                    batches++;
                }
            }
        }
    }
}
