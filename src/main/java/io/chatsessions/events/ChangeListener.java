package io.chatsessions.events;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one LISTEN connection of this instance: its own connection from the pool's factory settings (never a pooled one
 * held forever), listening on the deployment's {@link NotificationChannel}. Every notification names changed sessions;
 * the feeds of those sessions re-read. When the database drops the connection it is re-opened with backoff, and then
 * every feed re-reads, since notifications sent meanwhile are lost. The heartbeat checks the connection, so a silently
 * dead one (a server killed without a FIN) is noticed within one heartbeat too.
 */
@Context
@Requires(bean = ConnectionFactory.class)
public class ChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private final ConnectionFactory factory;
    private final NotificationChannel channel;
    private final SessionFeeds feeds;
    private final EventSettings settings;
    private final AtomicReference<Connection> current = new AtomicReference<>();
    private volatile boolean stopped;
    private volatile boolean connectedOnce;
    private volatile Disposable loop;
    private final List<Consumer<Connection>> connectedHooks = new CopyOnWriteArrayList<>();

    public ChangeListener(ConnectionFactory pool, NotificationChannel channel, SessionFeeds feeds, EventSettings settings) {
        this.factory = unpooled(pool);
        this.channel = channel;
        this.feeds = feeds;
        this.settings = settings;
    }

    @SuppressWarnings("unchecked")
    private static ConnectionFactory unpooled(ConnectionFactory pool) {
        ConnectionFactory factory = pool;
        while (factory instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner) {
            factory = inner;
        }
        return factory;
    }

    /** The LISTEN connection while it is open; {@link StreamSlots} holds its advisory locks on it. */
    public Optional<Connection> connection() {
        return Optional.ofNullable(current.get());
    }

    /** Runs after every (re)connect, with the new connection, once it listens. */
    public void onConnected(Consumer<Connection> hook) {
        connectedHooks.add(hook);
    }

    @PostConstruct
    void start() {
        feeds.onHeartbeat(this::check);
        listen();
    }

    private void listen() {
        loop = Flux.defer(this::listenOnce)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(settings.listenReconnectMax())
                        .filter(failure -> !stopped)
                        .doBeforeRetry(signal -> LOG.warn("LISTEN connection lost ({}); reconnecting", signal.failure().toString())))
                .subscribe(ids -> {}, failure -> {
                    if (!stopped) {
                        LOG.error("LISTEN loop ended", failure);
                    }
                });
    }

    /** Opens a connection, LISTENs, and emits the ids of every notification until the connection ends (as an error). */
    private Flux<UUID> listenOnce() {
        return Mono.from(factory.create()).flatMapMany(connection -> {
            current.set(connection);
            PostgresqlConnection postgres = (PostgresqlConnection) connection;
            return Flux.from(postgres.createStatement(channel.listenStatement()).execute())
                    .flatMap(result -> result.getRowsUpdated())
                    .then(Mono.fromRunnable(() -> listening(connection)))
                    .thenMany(postgres.getNotifications())
                    .concatWith(Mono.error(() -> new IllegalStateException("the LISTEN connection closed")))
                    .flatMapIterable(notification -> {
                        feeds.changed(notification.getParameter());
                        return java.util.List.<UUID>of();
                    })
                    .doFinally(signal -> {
                        current.compareAndSet(connection, null);
                        Mono.from(connection.close()).onErrorResume(e -> Mono.empty()).subscribe();
                    });
        });
    }

    private void listening(Connection connection) {
        LOG.info("listening for session changes on channel {}", channel.name());
        connectedHooks.forEach(hook -> hook.accept(connection));
        if (connectedOnce) {
            // notifications sent while the connection was down are lost: every feed catches up now
            feeds.refreshAll();
        }
        connectedOnce = true;
    }

    /** On the heartbeat: a dead connection is closed, which ends {@link #listenOnce} and so reconnects. */
    private void check() {
        Connection connection = current.get();
        if (connection == null) {
            return;
        }
        Mono.from(connection.validate(ValidationDepth.REMOTE))
                .timeout(Duration.ofSeconds(5), Mono.just(false))
                .onErrorReturn(false)
                .filter(valid -> !valid)
                .subscribe(invalid -> {
                    LOG.warn("LISTEN connection does not answer; closing it to reconnect");
                    Mono.from(connection.close()).onErrorResume(e -> Mono.empty()).subscribe();
                    if (loop != null && current.get() == connection) {
                        // close() alone may not end the notification stream of a half-open socket
                        restart();
                    }
                });
    }

    private synchronized void restart() {
        if (stopped) {
            return;
        }
        Disposable old = loop;
        current.set(null);
        if (old != null) {
            old.dispose();
        }
        listen();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
        Connection connection = current.getAndSet(null);
        if (connection != null) {
            Mono.from(connection.close()).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(2));
        }
    }
}
