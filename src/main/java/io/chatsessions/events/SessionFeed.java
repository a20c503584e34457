package io.chatsessions.events;

import io.chatsessions.error.ProblemException;
import io.chatsessions.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams of one session on this instance share one feed. On a notification (or the heartbeat, which heals
 * notifications lost to a crash between commit and notify) the feed does ONE read of what changed: messages above
 * the highest seq it has seen, the ones it knows are in progress, and the session row. It renders each event once and
 * hands the same bytes to every stream, so a change costs one query however many clients watch the session. Reads
 * never overlap: a change that arrives during a read triggers one more read after it.
 */
final class SessionFeed {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFeed.class);
    private static final int IDLE = 0;
    private static final int READING = 1;
    private static final int READ_AGAIN = 2;

    final UUID sessionId;
    /** The session's owner, from the session row (the first stream may be anyone's, and gets a 404). */
    private volatile String owner;
    private final EventRows rows;
    private final EventRenderer renderer;
    private final Runnable onGone;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger state = new AtomicInteger(READING);
    private final Sinks.One<Boolean> ready = Sinks.one();
    // Only the one running read touches these.
    private int highestSeq;
    private int sessionVersion;
    private final Map<Integer, Integer> inProgress = new TreeMap<>();
    private volatile boolean gone;

    SessionFeed(UUID sessionId, EventRows rows, EventRenderer renderer, Runnable onGone) {
        this.sessionId = sessionId;
        this.rows = rows;
        this.renderer = renderer;
        this.onGone = onGone;
    }

    /** Reads the starting point (the newest seq, the messages in progress); completes once it is known. */
    Mono<Boolean> start() {
        rows.read(sessionId, Integer.MAX_VALUE, List.of(), true).subscribe(this::baseline, failure -> {
            gone = true;
            onGone.run();
            ready.tryEmitError(failure);
        });
        return ready.asMono();
    }

    Mono<Boolean> ready() {
        return ready.asMono();
    }

    boolean add(EventStream stream) {
        if (gone) {
            return false;
        }
        streams.add(stream);
        return true;
    }

    void remove(EventStream stream) {
        streams.remove(stream);
    }

    boolean isEmpty() {
        return streams.isEmpty();
    }

    boolean gone() {
        return gone;
    }

    int streamCount() {
        return streams.size();
    }

    /** Something in the session changed (or may have): read it, now or right after the read in progress. */
    void refresh() {
        if (gone) {
            return;
        }
        if (state.getAndUpdate(s -> s == IDLE ? READING : READ_AGAIN) == IDLE) {
            read();
        }
    }

    void heartbeat() {
        for (EventStream stream : streams) {
            stream.offer(FeedEvent.HEARTBEAT);
        }
        refresh();
    }

    /** This instance stops: every stream ends (after what it has queued), so that clients reconnect elsewhere. */
    void shutdown() {
        gone = true;
        streams.forEach(stream -> stream.end(null));
    }

    private void baseline(EventRows.FeedRead read) {
        if (read.session() == null) {
            gone = true;
            onGone.run();
            streams.forEach(stream -> stream.end(null));
            ready.tryEmitError(ProblemException.notFound("session"));
            return;
        }
        owner = read.session().owner();
        highestSeq = read.session().messageCount();
        sessionVersion = read.session().version();
        for (Message message : read.messages()) {
            if (message.inProgress()) {
                inProgress.put(message.seq(), message.version());
            }
        }
        ready.tryEmitValue(true);
        readDone();
    }

    private void read() {
        List<Integer> watched = new ArrayList<>(inProgress.keySet());
        rows.read(sessionId, highestSeq, watched, false)
                .flatMap(this::apply)
                .subscribe(done -> { }, failure -> {
                    LOG.warn("reading the changes of session {} failed ({}); the next change or heartbeat reads again", sessionId, failure.toString());
                    readDone();
                }, this::readDone);
    }

    private void readDone() {
        if (gone) {
            return;
        }
        if (state.getAndUpdate(s -> s == READ_AGAIN ? READING : IDLE) == READ_AGAIN) {
            read();
        }
    }

    /** Publishes what the read found; a changed session version is followed by a read of the session row. */
    private Mono<Boolean> apply(EventRows.FeedRead read) {
        EventRows.SessionState session = read.session();
        if (session == null) {
            deleted();
            return Mono.empty();
        }
        for (Message message : read.messages()) {
            Integer known = inProgress.get(message.seq());
            boolean isNew = message.seq() > highestSeq;
            if (isNew || (known != null && known != message.version())) {
                publish(renderer.message(message));
            }
            if (message.inProgress()) {
                inProgress.put(message.seq(), message.version());
            } else {
                inProgress.remove(message.seq());
            }
            highestSeq = Math.max(highestSeq, message.seq());
        }
        if (session.version() == sessionVersion) {
            return Mono.empty();
        }
        sessionVersion = session.version();
        return rows.session(sessionId, owner).map(row -> {
            publish(FeedEvent.other(renderer.sessionUpdated(row)));
            return true;
        });
    }

    /** The session was deleted: every stream gets session.deleted and ends. */
    private void deleted() {
        gone = true;
        onGone.run();
        FeedEvent deleted = FeedEvent.other(renderer.sessionDeleted(sessionId));
        streams.forEach(stream -> stream.end(deleted));
    }

    private void publish(FeedEvent event) {
        for (EventStream stream : streams) {
            stream.offer(event);
        }
    }
}
