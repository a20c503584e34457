package io.chatsessions.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

    /**
     * The output is stalled (the writer is stuck on its first line) while an event loop logs 20,000 access lines with
     * an error every 100: the loop is never held up, the access lines that did not fit are counted and reported, and
     * every error line is written once the output moves again.
     */
    @Test
    void anEventLoopNeverWaitsOnAStalledOutputAndOnlyAccessLinesAreDropped() throws Exception {
        collected.gate = new CountDownLatch(1);
        start(64);
        DefaultEventLoop eventLoop = new DefaultEventLoop();
        try {
            int accessLines = 20_000;
            Future<?> flood = eventLoop.submit(() -> {
                for (int i = 0; i < accessLines; i++) {
                    appender.doAppend(event("chat-sessions.access", Level.INFO, "GET /api/v1/sessions 200 " + i));
                    if (i % 100 == 0) {
                        appender.doAppend(event("io.chatsessions.message", Level.ERROR, "error " + i / 100));
                    }
                }
            });
            try {
                flood.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("the event loop waited for the stalled log output");
            }
            long dropped = appender.droppedCount();
            assertTrue(dropped >= accessLines - 64 - 1, "what did not fit in the queue was dropped: " + dropped);

            collected.gate.countDown();
            assertTrue(appender.flush(10_000));
            List<String> errors = collected.lines().stream().filter(line -> line.startsWith("error ")).toList();
            assertEquals(accessLines / 100, errors.size(), "every error line is written");
            for (int i = 0; i < errors.size(); i++) {
                assertEquals("error " + i, errors.get(i), "in order");
            }
            long written = collected.lines().stream().filter(line -> line.startsWith("GET ")).count();
            assertEquals(accessLines, written + dropped, "every access line is either written or counted as dropped");

            // The writer says so once a second: poll (bounded) until the reports add up to the drops.
            Pattern report = Pattern.compile("dropped (\\d+) access log lines in the last second.*");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long reported = 0;
            while (reported != dropped && System.nanoTime() < deadline) {
                reported = 0;
                for (String line : collected.lines()) {
                    Matcher m = report.matcher(line);
                    if (m.matches()) {
                        reported += Long.parseLong(m.group(1));
                    }
                }
                Thread.onSpinWait();
            }
            assertEquals(dropped, reported, "the WARN lines report every drop");
        } finally {
            collected.gate.countDown();
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
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
        return event("test", Level.INFO, message);
    }

    private ILoggingEvent event(String logger, Level level, String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, null, null);
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
