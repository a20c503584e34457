package io.chatsessions.events;

import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.r2dbc.spi.ConnectionFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The feeds of this instance, one per watched session, created by the first stream and dropped with the last. One
 * timer beats for all of them: each heartbeat sends every stream its comment line and makes every feed re-read.
 * On shutdown (after readiness went DOWN and the drain delay passed) every stream ends, so clients reconnect to
 * another instance.
 */
@Singleton
// Not in the schema commands' context (no database pool there), which also shuts down its GracefulShutdownCapables.
@Requires(bean = ConnectionFactory.class)
public class SessionFeeds implements GracefulShutdownCapable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFeeds.class);
    private final ConcurrentHashMap<UUID, SessionFeed> feeds = new ConcurrentHashMap<>();
    private final List<Runnable> heartbeatHooks = new CopyOnWriteArrayList<>();
    private final EventRows rows;
    private final EventRenderer renderer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "events-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    public SessionFeeds(EventRows rows, EventRenderer renderer, EventSettings settings) {
        this.rows = rows;
        this.renderer = renderer;
        long period = settings.heartbeat().toMillis();
        timer.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    /** The stream joins its session's feed; completes when the feed knows its starting point (404 if no session). */
    Mono<Boolean> attach(EventStream stream) {
        if (stopping) {
            return Mono.error(io.chatsessions.error.ProblemException.unavailable("this instance is shutting down; retry", 1));
        }
        boolean[] created = {false};
        SessionFeed feed = feeds.compute(stream.sessionId, (id, existing) -> {
            SessionFeed current = existing;
            if (current == null || current.gone()) {
                current = new SessionFeed(id, rows, renderer, () -> feeds.computeIfPresent(id, (key, f) -> f.gone() ? null : f));
                created[0] = true;
            }
            current.add(stream);
            return current;
        });
        if (created[0]) {
            SessionFeed started = feed;
            return Mono.defer(started::start);
        }
        return feed.ready();
    }

    void detach(EventStream stream) {
        feeds.computeIfPresent(stream.sessionId, (id, feed) -> {
            feed.remove(stream);
            return feed.isEmpty() || feed.gone() ? null : feed;
        });
    }

    /** A notification's payload: comma-separated session ids. */
    void changed(String payload) {
        if (payload == null) {
            return;
        }
        for (String id : payload.split(",")) {
            try {
                changed(UUID.fromString(id.trim()));
            } catch (IllegalArgumentException e) {
                LOG.debug("ignoring a notification that is not a session id: {}", id);
            }
        }
    }

    void changed(UUID sessionId) {
        SessionFeed feed = feeds.get(sessionId);
        if (feed != null) {
            feed.refresh();
        }
    }

    /** After notifications may have been missed (the LISTEN connection was re-opened). */
    void refreshAll() {
        feeds.values().forEach(SessionFeed::refresh);
    }

    void onHeartbeat(Runnable hook) {
        heartbeatHooks.add(hook);
    }

    int feedCount() {
        return feeds.size();
    }

    private void heartbeat() {
        try {
            feeds.values().forEach(SessionFeed::heartbeat);
            heartbeatHooks.forEach(Runnable::run);
        } catch (RuntimeException e) {
            LOG.warn("events heartbeat failed", e);
        }
    }

    @Override
    public CompletionStage<?> shutdownGracefully() {
        stopping = true;
        feeds.values().forEach(SessionFeed::shutdown);
        feeds.clear();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public OptionalLong reportActiveTasks() {
        return OptionalLong.of(feeds.values().stream().mapToLong(SessionFeed::streamCount).sum());
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        shutdownGracefully();
    }
}
