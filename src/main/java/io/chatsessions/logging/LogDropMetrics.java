package io.chatsessions.logging;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;

/** {@code chat_log_dropped_total}: access log lines dropped because the log output did not keep up. */
@Singleton
public class LogDropMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("chat.log.dropped", BatchingAsyncAppender.class, type -> BatchingAsyncAppender.droppedTotal())
                .description("Access log lines dropped because the log queue was full (the output did not keep up)")
                .register(registry);
    }
}
