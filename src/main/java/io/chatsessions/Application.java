package io.chatsessions;

import io.chatsessions.auth.TokenCommand;
import io.chatsessions.migration.MigrationCli;

import java.util.Arrays;

/**
 * One jar, several commands: {@code serve} (the default), the schema commands, and {@code token}.
 * Each non-serving command prints what it did and exits with its status.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 || args[0].startsWith("-") ? "serve" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        if (command.equals("serve")) {
            ServeCommand.run(rest, System.getenv());
            return;
        }
        int status;
        if (MigrationCli.COMMANDS.contains(command)) {
            status = MigrationCli.run(args, System.getenv(), System.out, System.err);
        } else if (command.equals("token")) {
            status = TokenCommand.run(rest, System.getenv(), System.out, System.err);
        } else if (command.equals("help") || command.equals("--help")) {
            System.out.println(usage());
            status = 0;
        } else {
            System.err.println("chat-sessions: unknown command '" + command + "'\n" + usage());
            status = 2;
        }
        System.exit(status);
    }

    static String usage() {
        return """
                usage: java -jar chat-sessions.jar [command]
                  serve                      run the HTTP API (default)
                  migrate [--target V] [--dry-run]
                                             apply pending schema migrations, then exit
                  info | validate | verify   report on the schema
                  baseline --version V | repair | undo --target V
                                             adopt, repair or roll back a schema
                  token --user NAME [--ttl DURATION] [--i-know]
                                             print a JWT signed with AUTH_JWT_SECRET""";
    }
}
