package io.chatsessions.migration;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

import java.io.PrintStream;

/**
 * Flyway's logger for the CLI (named in {@code loggers(...)}, so it must be public with a no-argument constructor).
 * The commands print their own report, so Flyway's debug/info chatter is dropped; its warnings are kept as one
 * line each on standard error. Errors are dropped too: Flyway throws them, and the CLI reports that as one line.
 */
public final class CliLog implements LogCreator {

    private static volatile PrintStream sink = System.err;
    private static volatile String prefix = "chat-sessions: ";

    public CliLog() {
        // instantiated by Flyway's LogFactory
    }

    static void route(PrintStream err, String linePrefix) {
        sink = err;
        prefix = linePrefix;
    }

    @Override
    public Log createLogger(Class<?> type) {
        return new Log() {
            @Override
            public boolean isDebugEnabled() {
                return false;
            }

            @Override
            public void debug(String message) {
            }

            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
                sink.println(prefix + "flyway warning: " + oneLine(message));
            }

            @Override
            public void error(String message) {
            }

            @Override
            public void error(String message, Exception e) {
            }

            @Override
            public void notice(String message) {
            }
        };
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return String.join(" ", message.strip().split("\\s*\\R\\s*"));
    }
}
