package io.chatsessions;

/**
 * One jar, several commands ({@link ChatSessionsCommand}): {@code serve} (the default) keeps running; every other
 * command prints what it did and exits with its status.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        ServeCommand serve = new ServeCommand(System.getenv());
        int status = ChatSessionsCommand.commandLine(serve, System.getenv(), System.out, System.err)
                .execute(ChatSessionsCommand.withDefaultCommand(args));
        if (!serve.serving()) {
            System.exit(status);
        }
    }
}
