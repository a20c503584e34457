package io.chatsessions.migration;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsed command line of one schema command: {@code args[0]} is the command, the rest are its options.
 * Pure, so the accepted forms are unit-tested without a database. Options take their value either as the next
 * argument ({@code --target 2}) or inline ({@code --target=2}); anything not listed for the command is a usage error.
 */
record CliArguments(String command, Optional<String> target, Optional<String> version, boolean dryRun, boolean help) {

    /** Flyway version syntax as these migrations use it: digits separated by dots or underscores ("2", "2.1"). */
    private static final Pattern VERSION = Pattern.compile("[0-9]+([._][0-9]+)*");

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "migrate", Set.of("--target", "--dry-run"),
            "info", Set.of(),
            "validate", Set.of(),
            "baseline", Set.of("--version"),
            "repair", Set.of(),
            "undo", Set.of("--target"),
            "verify", Set.of());

    private static final Set<String> TAKES_VALUE = Set.of("--target", "--version");

    static Set<String> commands() {
        return OPTIONS.keySet();
    }

    static CliArguments parse(String[] args) throws UsageException {
        if (args == null || args.length == 0 || args[0] == null || args[0].isBlank()) {
            throw new UsageException("no command given");
        }
        String command = args[0];
        Set<String> allowed = OPTIONS.get(command);
        if (allowed == null) {
            throw new UsageException("unknown command '" + command + "'");
        }
        String target = null;
        String version = null;
        boolean dryRun = false;
        boolean help = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!arg.startsWith("-")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option '" + name + "' for " + command);
            }
            if (TAKES_VALUE.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        throw new UsageException(name + " needs a version, e.g. " + name + " 1");
                    }
                    value = args[++i];
                }
                if (!VERSION.matcher(value).matches()) {
                    throw new UsageException(name + " must be a migration version such as 1 or 2.1, got '" + value + "'");
                }
                if (name.equals("--target")) {
                    if (target != null) {
                        throw new UsageException("--target given twice");
                    }
                    target = value;
                } else {
                    if (version != null) {
                        throw new UsageException("--version given twice");
                    }
                    version = value;
                }
            } else {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                dryRun = true; // --dry-run is the only flag
            }
        }
        if (!help) {
            if (command.equals("undo") && target == null) {
                throw new UsageException("undo needs --target V (the version to roll back to; 0 removes every migration)");
            }
            if (command.equals("baseline") && version == null) {
                throw new UsageException("baseline needs --version V (the version the existing schema already has)");
            }
        }
        return new CliArguments(command, Optional.ofNullable(target), Optional.ofNullable(version), dryRun, help);
    }

    /** A wrong command line: the CLI prints the reason and the usage, and exits 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
