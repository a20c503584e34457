package io.chatsessions.erase;

import io.chatsessions.cli.CommandLines;
import io.chatsessions.cli.Usage;
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
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code erase --user ID [--batch-size N]}: what DELETE /me does, for an operator, with the migration role's
 * settings. CALLs erase_user until done, printing progress after each CALL (about ten seconds of batches). Exit 0
 * erased (also when the user had nothing), 1 failed (one line; run it again to finish), 2 usage error.
 */
@Command(name = "erase")
public final class EraseCommand implements Callable<Integer>, Usage {

    private static final String PREFIX = "chat-sessions erase: ";
    private static final int CALL_BUDGET_MILLIS = 10_000;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--user", paramLabel = "ID")
    private String user;

    @Option(names = "--batch-size", paramLabel = "N")
    private int batchSize = 1000;

    @Option(names = {"-h", "--help"})
    private boolean help;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public EraseCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code erase} on its own (tests); the jar runs it as a subcommand of its top command. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandLines.create(new EraseCommand(env, out, err), out, err).execute(args);
    }

    @Override
    public String usage() {
        return """
                usage: chat-sessions erase --user ID [--batch-size N]
                  erases every session, message, feedback and idempotency record of user ID (what DELETE /me does),
                  N rows of sessions plus messages per transaction (default 1000); safe to run again after a failure
                environment: the migration role's POSTGRES_* (or DATABASE_URL), POSTGRES_SCHEMA, MIGRATE_WAIT_SECONDS
                exit status: 0 erased, 1 failed (run it again to finish), 2 usage error""";
    }

    @Override
    public Integer call() {
        if (help) {
            out.println(usage());
            return 0;
        }
        if (user == null || user.isBlank()) {
            throw CommandLines.usageError(spec.commandLine(), "erase needs --user ID (the user id the service knows, the token's subject)");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw CommandLines.usageError(spec.commandLine(), "--batch-size must be between 1 and 100000");
        }
        long started = System.nanoTime();
        try (Connection connection = OperatorConnections.open(env, "erase", false, out)) {
            Erasure total = Erasure.NONE;
            while (!total.done()) {
                total = total.plus(call(connection));
                if (!total.done()) {
                    out.println(PREFIX + "so far " + total.summary());
                }
            }
            out.println(PREFIX + total.summary().replaceFirst("^erased", "erased user '" + user + "':")
                    + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
            return 0;
        } catch (CliFailure e) {
            err.println(PREFIX + e.getMessage());
            return e.exitCode();
        } catch (SQLException e) {
            err.println(PREFIX + OperatorConnections.describe(e) + "; what was erased stays erased, run it again to finish");
            return 1;
        }
    }

    private Erasure call(Connection connection) throws SQLException {
        try (PreparedStatement call = connection.prepareStatement(EraseSql.JDBC_CALL)) {
            call.setString(1, user);
            call.setInt(2, batchSize);
            call.setInt(3, CALL_BUDGET_MILLIS);
            try (ResultSet row = call.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("erase_user returned no row");
                }
                return new Erasure(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getBoolean(5));
            }
        }
    }
}
