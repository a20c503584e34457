package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** The schema commands of the jar: `java -jar chat-sessions.jar migrate|info|validate|...`. Returns the exit code. */
public final class MigrationCli {

    public static final Set<String> COMMANDS = Set.of("migrate", "info", "validate", "baseline", "repair", "undo", "verify");

    private MigrationCli() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            DatabaseSettings db = DatabaseSettings.fromEnvironment(env);
            int applied = Migrations.migrate(db);
            out.println("migrate: applied " + applied + " migration(s) to " + db.describe() + " schema " + db.schema());
            return 0;
        } catch (RuntimeException e) {
            err.println("chat-sessions " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }
}
