package io.chatsessions.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jar's picocli command lines, all with one error style: a usage error is one line
 * {@code chat-sessions <command>: <reason>} followed by the command's usage on standard error, exit 2; a command
 * that throws gets one line and exit 1, never a stack trace. Picocli's own messages are reworded to the ones the
 * commands have always printed (and their tests assert).
 */
public final class CommandLines {

    public static final int USAGE_ERROR = 2;
    private static final String ROOT = "chat-sessions";
    /** Picocli's words for {@code --flag=value} on an option of arity 0. */
    private static final Pattern FLAG_WITH_VALUE = Pattern.compile("option '(-[^']+)' should be specified without");

    private CommandLines() {
    }

    /** A command line for {@code command} (with any subcommands already added by the caller) writing to out/err. */
    public static CommandLine create(Object command, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(command);
        configure(line, out, err);
        return line;
    }

    /** Applies the shared settings; call again after adding subcommands so that they inherit them. */
    public static CommandLine configure(CommandLine line, PrintStream out, PrintStream err) {
        line.setExpandAtFiles(false)
                .setOverwrittenOptionsAllowed(false)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler((e, args) -> {
                    err.println(prefix(e.getCommandLine()) + reason(e));
                    err.println(usage(e.getCommandLine()));
                    return USAGE_ERROR;
                })
                .setExecutionExceptionHandler((e, failed, parsed) -> {
                    err.println(prefix(failed) + "failed: " + String.join(" ", String.valueOf(e).strip().split("\\s*\\R\\s*")));
                    return 1;
                });
        return line;
    }

    /** {@code chat-sessions migrate: } for a command, {@code chat-sessions: } for the top one. */
    public static String prefix(CommandLine line) {
        String name = line.getCommandName();
        return name.equals(ROOT) ? ROOT + ": " : ROOT + " " + name + ": ";
    }

    static String usage(CommandLine line) {
        for (CommandLine c = line; c != null; c = c.getParent()) {
            if (c.getCommand() instanceof Usage usage) {
                return usage.usage();
            }
        }
        return "usage: java -jar chat-sessions.jar help";
    }

    static String reason(ParameterException e) {
        CommandLine line = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
                return "unknown option '" + name + "' for " + line.getCommandName();
            }
            return line.getSubcommands().isEmpty() ? "unexpected argument '" + arg + "'" : "unknown command '" + arg + "'";
        }
        if (e instanceof CommandLine.OverwrittenOptionException overwritten) {
            return name(overwritten.getOverwritten()) + " given twice";
        }
        if (e instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec spec = missing.getMissing().get(0);
            String name = name(spec);
            String example = spec.paramLabel().equals("V") ? "a version, e.g. " + name + " 1" : "a value, e.g. " + name + " " + spec.paramLabel();
            return name + " needs " + example;
        }
        Matcher flagWithValue = FLAG_WITH_VALUE.matcher(String.valueOf(e.getMessage()));
        if (flagWithValue.find()) {
            return flagWithValue.group(1) + " takes no value";
        }
        if (e.getCause() instanceof CommandLine.TypeConversionException conversion && e.getArgSpec() != null) {
            return name(e.getArgSpec()) + " " + conversion.getMessage();
        }
        return e.getMessage();
    }

    private static String name(ArgSpec spec) {
        return spec instanceof OptionSpec option ? option.longestName() : spec.paramLabel();
    }

    /** Fails the command line as a usage error (exit 2) from inside a command, e.g. a combination of options. */
    public static ParameterException usageError(CommandLine line, String reason) {
        return new ParameterException(line, reason);
    }
}
