package io.chatsessions.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Writes out queued log lines; for the end of a shutdown, after the last lines worth keeping were logged. */
public final class LogFlush {

    private LogFlush() {
    }

    public static void flushAll(long timeoutMillis) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (Logger logger : context.getLoggerList()) {
            logger.iteratorForAppenders().forEachRemaining(appender -> {
                if (appender instanceof BatchingAsyncAppender batching) {
                    batching.flush(timeoutMillis);
                }
            });
        }
    }
}
