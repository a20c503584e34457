package io.chatsessions;

import io.chatsessions.alembic.ImportAlembicCommand;
import io.chatsessions.auth.TokenCommand;
import io.chatsessions.cli.CommandLines;
import io.chatsessions.cli.Usage;
import io.chatsessions.migration.MigrationCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The jar's top command: {@code serve} (the default), the schema commands, {@code token} and {@code help}, each a
 * picocli subcommand. Run without a command, or with only options (which go to Micronaut), it serves.
 */
@Command(name = "chat-sessions")
final class ChatSessionsCommand implements Callable<Integer>, Usage {

    @Option(names = {"-h", "--help"})
    boolean help;

    private final PrintStream out;

    private ChatSessionsCommand(PrintStream out) {
        this.out = out;
    }

    static CommandLine commandLine(ServeCommand serve, Map<String, String> env, PrintStream out, PrintStream err) {
        ChatSessionsCommand top = new ChatSessionsCommand(out);
        CommandLine line = new CommandLine(top);
        line.addSubcommand(serve);
        MigrationCli.commands(env, out, err).forEach(line::addSubcommand);
        line.addSubcommand(new TokenCommand(env, out, err));
        line.addSubcommand(new ImportAlembicCommand(env, out, err));
        line.addSubcommand(new Help(top));
        return CommandLines.configure(line, out, err);
    }

    /** Picocli has no default subcommand: no command, or options first, means {@code serve} with those options. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && (!args[0].startsWith("-") || args[0].equals("-h") || args[0].equals("--help"))) {
            return args;
        }
        List<String> serve = new ArrayList<>(List.of("serve"));
        serve.addAll(List.of(args));
        return serve.toArray(String[]::new);
    }

    @Override
    public Integer call() {
        out.println(usage());
        return 0;
    }

    @Override
    public String usage() {
        return """
                usage: java -jar chat-sessions.jar [command]
                  serve                      run the HTTP API (default)
                  migrate [--target V] [--dry-run]
                                             apply pending schema migrations, then exit
                  info | validate | verify   report on the schema
                  baseline --version V | repair | undo --target V
                                             adopt, repair or roll back a schema
                  token --user NAME [--ttl DURATION] [--i-know]
                                             print a JWT signed with AUTH_JWT_SECRET
                  import-alembic --from-schema S [--dry-run] [--batch-size N]
                                             copy an Alembic-era backend's sessions and messages
                  help                       print this""";
    }

    @Command(name = "help")
    static final class Help implements Callable<Integer> {
        private final ChatSessionsCommand top;

        Help(ChatSessionsCommand top) {
            this.top = top;
        }

        @Override
        public Integer call() {
            return top.call();
        }
    }
}
