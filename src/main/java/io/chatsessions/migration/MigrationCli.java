package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.config.MissingSettingException;
import io.micronaut.context.ApplicationContext;
import org.flywaydb.core.api.FlywayException;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The schema commands of the jar: {@code java -jar chat-sessions.jar migrate|info|validate|baseline|repair|undo|verify},
 * parsed by picocli ({@link SchemaCommands}).
 * Flyway over JDBC, configured by micronaut-flyway in a Micronaut context of the "migration" environment without the
 * HTTP server ({@link FlywayConfiguration}).
 *
 * <p>Exit status: 0 done (or nothing to do), 1 the command failed, found differences, or a setting is missing or
 * malformed (named in the message), 2 usage error (unknown command or option, printed with the usage). Every
 * failure is one line on standard error, {@code chat-sessions <command>: <reason>}, never a stack trace; connection
 * failures name host:port/database and come after a bounded wait ({@code MIGRATE_WAIT_SECONDS}, default 60).
 */
public final class MigrationCli {

    public static final Set<String> COMMANDS = Set.of("migrate", "info", "validate", "baseline", "repair", "undo", "verify");

    /** Where the migrations and their down scripts are read from; tests point these at temporary folders. */
    record Locations(String migrations, String rollbacks) {
        static final Locations DEFAULT = new Locations(Migrations.LOCATION, Migrations.ROLLBACK_LOCATION);
    }

    private MigrationCli() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, out, err, Locations.DEFAULT);
    }

    /** The schema commands, as picocli commands for the jar's top command. */
    public static Map<String, Object> commands(Map<String, String> env, PrintStream out, PrintStream err) {
        return new LinkedHashMap<>(SchemaCommands.all(new SchemaCommands.Context(env, out, err, Locations.DEFAULT)));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, Locations locations) {
        return SchemaCommands.commandLine(new SchemaCommands.Context(env, out, err, locations)).execute(args);
    }

    /** Runs one parsed schema command: reads the settings (a bad one is exit 1), then the command itself. */
    static int execute(CliArguments arguments, SchemaCommands.Context context) {
        String prefix = "chat-sessions " + arguments.command() + ": ";
        PrintStream err = context.err();
        DatabaseSettings db;
        int waitSeconds;
        try {
            waitSeconds = Connections.waitSeconds(context.env());
            db = DatabaseSettings.fromEnvironment(context.env());
        } catch (MissingSettingException | IllegalArgumentException e) {
            err.println(prefix + e.getMessage()); // a setting is missing or malformed: one line naming it
            return 1;
        }
        CliLog.route(err, prefix);
        try (ApplicationContext flyway = FlywayConfiguration.start(db, context.locations().migrations())) {
            return new Commands(arguments, db, context.env(), waitSeconds, context.locations(), FlywayConfiguration.of(flyway),
                    context.out(), prefix).execute();
        } catch (CliFailure e) {
            err.println(prefix + e.getMessage());
            return e.exitCode();
        } catch (FlywayException e) {
            err.println(prefix + describe(e, db));
            return 1;
        } catch (RuntimeException e) {
            err.println(prefix + "failed: " + CliLog.oneLine(e.toString()));
            return 1;
        }
    }

    /** One line for a Flyway failure: a lost connection names the database; a failed script keeps the server's reason. */
    static String describe(FlywayException e, DatabaseSettings db) {
        if (Connections.isConnectionFailure(e)) {
            return Connections.cannotConnect(db, Connections.reason(e, db), null);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        StringBuilder line = new StringBuilder();
        for (String part : message.strip().split("\\R")) {
            String text = part.strip();
            if (text.isEmpty() || text.matches("-+") || text.startsWith("Location") || text.startsWith("Error Code")
                    || text.startsWith("Line") || text.startsWith("Statement") || text.contains("Learn more")) {
                continue; // Flyway's framing and the full statement: the script name and the server's message suffice
            }
            if (line.length() > 0) {
                line.append("; ");
            }
            line.append(text.replaceAll("\\s+", " "));
        }
        return line.toString();
    }

    static String usage() {
        return """
                usage: java -jar chat-sessions.jar <command> [options]
                  migrate [--target V]    apply pending migrations (up to version V), print each with its time
                  migrate --dry-run [--target V]
                                          print the SQL of the pending migrations; changes nothing (read-only)
                  info                    current version and the full history, applied and pending
                  validate                check applied migrations against this build's files (checksums)
                  baseline --version V    adopt an existing schema as being at version V (like alembic stamp)
                  repair                  remove failed history entries, realign checksums and descriptions
                  undo --target V         roll back to version V with the down scripts in db/rollback (0 = all)
                  verify                  compare the live schema (tables, columns, indexes, constraints, version)
                                          with what this build's migrations create
                environment: POSTGRES_HOST, POSTGRES_PORT, POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_SCHEMA
                  (or DATABASE_URL); MIGRATE_WAIT_SECONDS (wait for the database, default 60);
                  APP_DB_ROLE (migrate grants that role DML on the schema's tables)
                exit status: 0 ok, 1 failed, differences found or a setting missing, 2 unknown command or option""";
    }
}
