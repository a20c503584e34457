package io.chatsessions.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingAsyncAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final Collected collected = new Collected();
    private final BatchingAsyncAppender appender = new BatchingAsyncAppender();

    @AfterEach
    void stop() {
        appender.stop();
    }

    @Test
    void flushWritesEverythingAppendedBeforeItInEachThreadsOrder() throws Exception {
        start(8192);
        int threads = 4;
        int perThread = 5_000;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String thread = "t" + t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    appender.doAppend(event(thread + " " + i));
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }

        assertTrue(appender.flush(5_000));

        List<String> lines = collected.lines();
        assertEquals(threads * perThread, lines.size());
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + " ";
            List<String> own = lines.stream().filter(line -> line.startsWith(prefix)).toList();
            for (int i = 0; i < perThread; i++) {
                assertEquals(prefix + i, own.get(i));
            }
        }
    }

    @Test
    void aFullQueueMakesTheCallerWaitInsteadOfDroppingEvents() throws Exception {
        collected.gate = new CountDownLatch(1);
        start(4);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                appender.doAppend(event("line " + i));
            }
        });
        producer.start();
        // The writer is stuck on the first event, so at most 1 + 4 (queue) events can have been accepted.
        producer.join(300);
        assertTrue(producer.isAlive(), "the producer should be waiting for room in the queue");

        collected.gate.countDown();
        producer.join(5_000);
        assertTrue(appender.flush(5_000));
        assertEquals(100, collected.lines().size());
    }

    @Test
    void stopWritesWhatIsStillQueued() {
        start(8192);
        for (int i = 0; i < 1_000; i++) {
            appender.doAppend(event("line " + i));
        }
        appender.stop();
        assertEquals(1_000, collected.lines().size());
    }

    private void start(int queueSize) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        collected.setContext(context);
        collected.start();
        appender.setContext(context);
        appender.setName("test");
        appender.setQueueSize(queueSize);
        appender.addAppender(collected);
        appender.start();
    }

    private ILoggingEvent event(String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger("test"), Level.INFO, message, null, null);
    }

    private static final class Collected extends AppenderBase<ILoggingEvent> {
        private final List<String> lines = new ArrayList<>();
        volatile CountDownLatch gate;

        @Override
        protected void append(ILoggingEvent event) {
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (lines) {
                lines.add(event.getFormattedMessage());
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }
    }
}
