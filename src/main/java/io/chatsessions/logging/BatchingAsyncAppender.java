package io.chatsessions.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import io.netty.util.concurrent.FastThreadLocalThread;
import reactor.core.scheduler.NonBlocking;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to one writer thread, as Logback's AsyncAppender does, but the writer is not woken for every event:
 * it writes whatever has queued up every {@code flushIntervalMillis} (20). Logback's appender wakes its worker once per
 * event, which on a busy server is a futex call and a context switch per access-log line (about 8% of the service's CPU
 * on the benchmark). The JVM's shutdown writes what is left, and {@link #flush} waits until everything appended before
 * it is written.
 * <p>
 * A request thread (an event loop) never waits for the log, even when the output is stalled (a blocked pipe, a slow
 * log collector):
 * <ul>
 * <li><b>Access lines</b> (INFO and below from the {@code droppableLogger}, {@code chat-sessions.access}) go to a
 *     bounded queue; when it is full the line is dropped and counted ({@link #droppedTotal()}, the metric
 *     {@code chat_log_dropped_total}), and the writer logs "dropped N access log lines in the last second" at most once
 *     a second. Losing some under overload is the price of never stalling the requests they describe.</li>
 * <li><b>Everything else</b> (WARN and above, and every other logger) is never dropped. It goes to a second queue that
 *     always accepts from event-loop threads (Netty's {@link FastThreadLocalThread}s, Reactor's {@link NonBlocking}
 *     ones), so an error logged on an event loop costs memory while the output is stalled, never a blocked loop; such
 *     lines are rare (errors, start-up, shutdown). Other threads (start-up, the schema commands, schedulers, the JVM's
 *     shutdown) wait while that queue holds {@code queueSize} events: they can afford to wait, and that wait is what
 *     bounds the queue under a flood of non-access lines.</li>
 * </ul>
 */
public class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent> implements AppenderAttachable<ILoggingEvent> {

    private static final int MAX_BATCH = 1024;
    private static final long DROP_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Every instance's drops, for the metric (the appenders are made by Logback, not by the application context). */
    private static final AtomicLong DROPPED_TOTAL = new AtomicLong();

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> flushRequests = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final Object room = new Object();
    private int queueSize = 8192;
    private long flushIntervalMillis = 20;
    private String droppableLogger = "chat-sessions.access";
    private BlockingQueue<ILoggingEvent> accessLines;
    private LinkedBlockingQueue<ILoggingEvent> kept;
    private volatile int waitingForRoom;
    private Thread writer;
    private Thread flushOnExit;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setFlushIntervalMillis(long flushIntervalMillis) {
        this.flushIntervalMillis = flushIntervalMillis;
    }

    /** The logger whose INFO-and-below lines may be dropped when the queue is full (the access log). */
    public void setDroppableLogger(String droppableLogger) {
        this.droppableLogger = droppableLogger;
    }

    /** Access lines this appender dropped since it started. */
    public long droppedCount() {
        return dropped.get();
    }

    /** Access lines every instance dropped since the JVM started. */
    public static long droppedTotal() {
        return DROPPED_TOTAL.get();
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1 || flushIntervalMillis < 1) {
            addError("queueSize and flushIntervalMillis must be positive");
            return;
        }
        accessLines = new ArrayBlockingQueue<>(queueSize);
        kept = new LinkedBlockingQueue<>();
        super.start();
        writer = new Thread(this::writeUntilStopped, "log-writer-" + getName());
        writer.setDaemon(true);
        writer.start();
        flushOnExit = new Thread(() -> flush(1_000), "log-flush-on-exit-" + getName());
        Runtime.getRuntime().addShutdownHook(flushOnExit);
    }

    @Override
    protected void append(ILoggingEvent event) {
        // Message formatting, MDC and thread name are taken now, on the caller's thread, as the event will be read later.
        event.prepareForDeferredProcessing();
        if (droppable(event)) {
            if (!accessLines.offer(event)) {
                dropped.incrementAndGet();
                droppedSinceReport.incrementAndGet();
                DROPPED_TOTAL.incrementAndGet();
            }
            return;
        }
        if (kept.size() >= queueSize && mayWait(Thread.currentThread())) {
            awaitRoom();
        }
        kept.add(event);
    }

    private boolean droppable(ILoggingEvent event) {
        return event.getLevel().levelInt < Level.WARN_INT && droppableLogger.equals(event.getLoggerName());
    }

    private static boolean mayWait(Thread thread) {
        return !(thread instanceof FastThreadLocalThread) && !(thread instanceof NonBlocking) && thread != null;
    }

    private void awaitRoom() {
        synchronized (room) {
            waitingForRoom++;
            try {
                while (kept.size() >= queueSize && isStarted() && writer.isAlive()) {
                    room.wait(flushIntervalMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waitingForRoom--;
            }
        }
    }

    /** Waits (up to {@code timeoutMillis}) until every event appended before this call has been written. */
    public boolean flush(long timeoutMillis) {
        Thread w = writer;
        if (w == null || !w.isAlive()) {
            return kept == null || (kept.isEmpty() && accessLines.isEmpty());
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        flushRequests.add(written);
        LockSupport.unpark(w);
        try {
            written.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        LockSupport.unpark(writer);
        try {
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(flushOnExit);
        } catch (IllegalStateException shuttingDown) {
            // Stopped from a shutdown hook: the flush hook is running or has run.
        }
        appenders.detachAndStopAllAppenders();
    }

    private void writeUntilStopped() {
        List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
        long lastReport = System.nanoTime();
        while (true) {
            // Take the flush requests before draining: whatever was appended before a request is in the queues by now.
            for (CompletableFuture<Void> request; (request = flushRequests.poll()) != null; ) {
                waiting.add(request);
            }
            int written = write(kept, batch);
            if (written > 0 && waitingForRoom > 0) {
                synchronized (room) {
                    room.notifyAll();
                }
            }
            written += write(accessLines, batch);
            long now = System.nanoTime();
            if (now - lastReport >= DROP_REPORT_INTERVAL_NANOS) {
                lastReport = now;
                reportDrops(droppedSinceReport.getAndSet(0));
            }
            if (written > 0) {
                continue;
            }
            waiting.forEach(request -> request.complete(null));
            waiting.clear();
            if (!isStarted()) {
                reportDrops(droppedSinceReport.getAndSet(0));
                return;
            }
            LockSupport.parkNanos(this, intervalNanos);
        }
    }

    private int write(BlockingQueue<ILoggingEvent> queue, List<ILoggingEvent> batch) {
        int n = queue.drainTo(batch, MAX_BATCH);
        for (ILoggingEvent event : batch) {
            appenders.appendLoopOnAppenders(event);
        }
        batch.clear();
        return n;
    }

    /** Written by the writer itself, straight to the output, so this line can never be dropped or queued behind drops. */
    private void reportDrops(long count) {
        if (count == 0 || !(getContext() instanceof LoggerContext loggers)) {
            return;
        }
        LoggingEvent warning = new LoggingEvent(BatchingAsyncAppender.class.getName(), loggers.getLogger(BatchingAsyncAppender.class),
                Level.WARN, "dropped {} access log lines in the last second (the log output did not keep up)", null,
                new Object[]{count});
        warning.prepareForDeferredProcessing();
        appenders.appendLoopOnAppenders(warning);
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
