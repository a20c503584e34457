package io.chatsessions.migration;

/**
 * A command failed in a way the operator can act on. The message is one line (the CLI prefixes it with
 * {@code chat-sessions <command>: }); never a stack trace.
 */
final class CliFailure extends RuntimeException {

    private final int exitCode;

    CliFailure(String message) {
        this(message, 1);
    }

    CliFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
