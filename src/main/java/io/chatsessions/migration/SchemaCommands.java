package io.chatsessions.migration;

import io.chatsessions.cli.CommandLines;
import io.chatsessions.cli.Usage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The schema commands as picocli commands, one {@code @Command} each. Options take their value as the next argument
 * ({@code --target 2}) or inline ({@code --target=2}); anything not declared for the command is a usage error (exit 2).
 * Each command hands its {@link CliArguments} to {@link MigrationCli#execute}.
 */
final class SchemaCommands {

    /** Flyway version syntax as these migrations use it: digits separated by dots or underscores ("2", "2.1"). */
    private static final Pattern VERSION = Pattern.compile("[0-9]+([._][0-9]+)*");

    /** Where a command writes and which migrations it reads. */
    record Context(Map<String, String> env, PrintStream out, PrintStream err, MigrationCli.Locations locations) {
    }

    private SchemaCommands() {
    }

    /** One instance of every schema command by its name, in usage order, for the jar's top command or {@link #commandLine}. */
    static Map<String, SchemaCommand> all(Context context, ToIntFunction<CliArguments> runner) {
        Map<String, SchemaCommand> commands = new LinkedHashMap<>();
        commands.put("migrate", new Migrate(context, runner));
        commands.put("info", new Plain(context, runner));
        commands.put("validate", new Plain(context, runner));
        commands.put("baseline", new Baseline(context, runner));
        commands.put("repair", new Plain(context, runner));
        commands.put("undo", new Undo(context, runner));
        commands.put("verify", new Plain(context, runner));
        return commands;
    }

    static Map<String, SchemaCommand> all(Context context) {
        return all(context, arguments -> MigrationCli.execute(arguments, context));
    }

    /** The schema commands alone under a top command with no action of its own (what {@link MigrationCli#run} runs). */
    static CommandLine commandLine(Context context) {
        return commandLine(context, arguments -> MigrationCli.execute(arguments, context));
    }

    /** The same with another action for the parsed arguments (tests look at what was parsed). */
    static CommandLine commandLine(Context context, ToIntFunction<CliArguments> runner) {
        CommandLine line = new CommandLine(new Root());
        all(context, runner).forEach(line::addSubcommand);
        return CommandLines.configure(line, context.out(), context.err());
    }

    /** A migration version as {@code --target} and {@code --version} take it. */
    static final class VersionConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!VERSION.matcher(value).matches()) {
                throw new CommandLine.TypeConversionException("must be a migration version such as 1 or 2.1, got '" + value + "'");
            }
            return value;
        }
    }

    @Command(name = "chat-sessions")
    static final class Root implements Callable<Integer>, Usage {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw CommandLines.usageError(spec.commandLine(), "no command given");
        }

        @Override
        public String usage() {
            return MigrationCli.usage();
        }
    }

    abstract static class SchemaCommand implements Callable<Integer>, Usage {
        private final Context context;
        private final ToIntFunction<CliArguments> runner;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"})
        boolean help;

        SchemaCommand(Context context, ToIntFunction<CliArguments> runner) {
            this.context = context;
            this.runner = runner;
        }

        abstract CliArguments arguments();

        @Override
        public Integer call() {
            if (help) {
                context.out().println(usage());
                return 0;
            }
            return runner.applyAsInt(arguments());
        }

        @Override
        public String usage() {
            return MigrationCli.usage();
        }

        /** A required option: checked here, not by picocli, so that {@code undo --help} needs no {@code --target}. */
        String required(String value, String reason) {
            if (value == null) {
                throw CommandLines.usageError(spec.commandLine(), reason);
            }
            return value;
        }

        CliArguments plain() {
            return new CliArguments(spec.name(), Optional.empty(), Optional.empty(), false);
        }
    }

    @Command(name = "migrate")
    static final class Migrate extends SchemaCommand {
        @Option(names = "--target", paramLabel = "V", converter = VersionConverter.class)
        String target;

        @Option(names = "--dry-run", arity = "0")
        boolean dryRun;

        Migrate(Context context, ToIntFunction<CliArguments> runner) {
            super(context, runner);
        }

        @Override
        CliArguments arguments() {
            return new CliArguments("migrate", Optional.ofNullable(target), Optional.empty(), dryRun);
        }
    }

    @Command(name = "baseline")
    static final class Baseline extends SchemaCommand {
        @Option(names = "--version", paramLabel = "V", converter = VersionConverter.class)
        String version;

        Baseline(Context context, ToIntFunction<CliArguments> runner) {
            super(context, runner);
        }

        @Override
        CliArguments arguments() {
            return new CliArguments("baseline", Optional.empty(),
                    Optional.of(required(version, "baseline needs --version V (the version the existing schema already has)")), false);
        }
    }

    @Command(name = "undo")
    static final class Undo extends SchemaCommand {
        @Option(names = "--target", paramLabel = "V", converter = VersionConverter.class)
        String target;

        Undo(Context context, ToIntFunction<CliArguments> runner) {
            super(context, runner);
        }

        @Override
        CliArguments arguments() {
            return new CliArguments("undo",
                    Optional.of(required(target, "undo needs --target V (the version to roll back to; 0 removes every migration)")),
                    Optional.empty(), false);
        }
    }

    /** A command with no options of its own (info, validate, repair, verify): one class, named where it is added. */
    @Command
    static final class Plain extends SchemaCommand {
        Plain(Context context, ToIntFunction<CliArguments> runner) {
            super(context, runner);
        }

        @Override
        CliArguments arguments() {
            return plain();
        }
    }
}
