package io.chatsessions.migration;

/**
 * A command failed in a way the operator can act on. The message is one line (the CLI prefixes it with
 * {@code chat-sessions <command>: }); never a stack trace.
 */
public final class CliFailure extends RuntimeException {

    private final int exitCode;

    public CliFailure(String message) {
        this(message, 1);
    }

    public CliFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
