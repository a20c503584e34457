package io.chatsessions.events;

import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open event streams of each user across every instance, against {@code CHAT_EVENTS_MAX_STREAMS_PER_USER}. Slot k
 * of a user is a session-level advisory lock, held on this instance's LISTEN connection while a stream uses it: the
 * database counts for all instances, and an instance that dies (or loses that connection) frees its slots with it,
 * so nothing needs a heartbeat or a cleanup. Locally each instance remembers which slots it holds, because a session
 * may take the same advisory lock twice and so could never refuse one of its own streams.
 */
@Singleton
public class StreamSlots {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSlots.class);
    // the seed keeps these keys apart from erase's per-user lock (seed 1516) in the one advisory lock space
    static final String TAKE = "SELECT pg_try_advisory_lock(hashtextextended($1 || chr(10) || $2::text, 1514))";
    static final String FREE = "SELECT pg_advisory_unlock(hashtextextended($1 || chr(10) || $2::text, 1514))";
    private static final Duration DATABASE_WAIT = Duration.ofSeconds(2);

    /** Per user and slot: null when free, else {@link #RESERVED}, {@link #HERE_ONLY} or the connection holding the lock. */
    private final Map<String, Object[]> held = new HashMap<>();
    private static final Object RESERVED = new Object();
    private static final Object HERE_ONLY = new Object();
    private static final int PENDING = 0, DELIVERED = 1, CANCELLED = 2;
    private final int max;
    private final ChangeListener listener;

    public StreamSlots(EventSettings settings, ChangeListener listener) {
        this.max = settings.maxStreamsPerUser();
        this.listener = listener;
        listener.onConnected(this::retakeAll);
    }

    /**
     * A slot for one more stream of this user, or empty when every slot is held (by this instance or another). Without
     * a LISTEN connection (the database is away) only this instance's streams are counted: refusing every stream while
     * the connection is re-opened would be worse than a brief overshoot, and the slot is taken on reconnect.
     */
    public Mono<Integer> acquire(String user) {
        // the lookup runs to its end even if the request is cancelled meanwhile, so a slot it took is given back
        return Mono.create(sink -> {
            AtomicInteger state = new AtomicInteger(PENDING);
            sink.onCancel(() -> state.compareAndSet(PENDING, CANCELLED));
            Flux.range(0, max)
                    .concatMap(slot -> reserve(user, slot) ? take(user, slot) : Mono.empty(), 1)
                    .next()
                    .subscribe(slot -> {
                        if (state.compareAndSet(PENDING, DELIVERED)) {
                            sink.success(slot);
                        } else {
                            release(user, slot);
                        }
                    }, sink::error, sink::success);
        });
    }

    public void release(String user, int slot) {
        Object holder = set(user, slot, null);
        if (holder instanceof Connection connection && listener.connection().orElse(null) == connection) {
            run(connection, FREE, user, slot).subscribe(freed -> {}, failure ->
                    LOG.debug("could not free stream slot {} of a user: {}", slot, failure.toString()));
        }
    }

    int openStreams(String user) {
        synchronized (held) {
            Object[] slots = held.get(user);
            return slots == null ? 0 : (int) java.util.Arrays.stream(slots).filter(java.util.Objects::nonNull).count();
        }
    }

    /** Marks the slot as this instance's unless it already is (two streams of one instance never share one). */
    private boolean reserve(String user, int slot) {
        synchronized (held) {
            Object[] slots = held.computeIfAbsent(user, u -> new Object[max]);
            if (slots[slot] != null) {
                return false;
            }
            slots[slot] = RESERVED;
            return true;
        }
    }

    /** Sets what holds the slot (null frees it) and returns what held it before. */
    private Object set(String user, int slot, Object holder) {
        synchronized (held) {
            Object[] slots = held.get(user);
            if (slots == null) {
                return null;
            }
            Object before = slots[slot];
            slots[slot] = holder;
            if (holder == null && java.util.Arrays.stream(slots).allMatch(java.util.Objects::isNull)) {
                held.remove(user);
            }
            return before;
        }
    }

    private Mono<Integer> take(String user, int slot) {
        Connection connection = listener.connection().orElse(null);
        if (connection == null) {
            set(user, slot, HERE_ONLY);
            return Mono.just(slot);
        }
        return run(connection, TAKE, user, slot)
                .map(taken -> taken ? Optional.<Object>of(connection) : Optional.empty())
                .onErrorResume(failure -> {
                    LOG.warn("stream slot not checked with the database, counted on this instance only: {}", failure.toString());
                    return Mono.just(Optional.of(HERE_ONLY));
                })
                .flatMap(holder -> {
                    set(user, slot, holder.orElse(null)); // empty: another instance holds it, so the next slot is tried
                    return holder.isPresent() ? Mono.just(slot) : Mono.empty();
                });
    }

    /**
     * A new LISTEN connection holds no locks: take again the slots held on the old one or counted here only (one may
     * have gone to another instance meanwhile). Reserved slots are being taken on the new connection already.
     */
    private void retakeAll(Connection connection) {
        List<Map.Entry<String, Integer>> mine = new ArrayList<>();
        synchronized (held) {
            held.forEach((user, slots) -> {
                for (int slot = 0; slot < slots.length; slot++) {
                    if (slots[slot] != null && slots[slot] != RESERVED && slots[slot] != connection) {
                        mine.add(Map.entry(user, slot));
                    }
                }
            });
        }
        Flux.fromIterable(mine)
                .concatMap(entry -> run(connection, TAKE, entry.getKey(), entry.getValue())
                        .doOnNext(taken -> {
                            Object before = set(entry.getKey(), entry.getValue(), taken ? connection : HERE_ONLY);
                            if (before == null) { // the stream ended meanwhile: give the lock back
                                set(entry.getKey(), entry.getValue(), null);
                                if (taken) {
                                    run(connection, FREE, entry.getKey(), entry.getValue()).subscribe(freed -> {}, failure -> {});
                                }
                            } else if (!taken) {
                                LOG.warn("a stream slot went to another instance while the LISTEN connection was down;"
                                        + " that user may hold one stream more than the limit until one closes");
                            }
                        }))
                .onErrorResume(failure -> Mono.empty())
                .subscribe();
    }

    private static Mono<Boolean> run(Connection connection, String sql, String user, int slot) {
        return Flux.from(connection.createStatement(sql).bind("$1", user).bind("$2", slot).execute())
                .concatMap(result -> result.map((row, meta) -> Boolean.TRUE.equals(row.get(0, Boolean.class))))
                .next()
                .timeout(DATABASE_WAIT);
    }
}
