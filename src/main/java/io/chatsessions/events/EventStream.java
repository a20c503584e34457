package io.chatsessions.events;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's open stream. Live events wait in a bounded queue (a number of events and of bytes) until the client's
 * connection takes them: Micronaut's HTTP/1 writer asks for the next chunk only while the socket is writable, so a
 * client that reads slowly leaves them in this queue, and when it is full the stream is closed (the client reconnects
 * with {@code Last-Event-ID} and gets the snapshot). Heap per stream is therefore bounded by the queue, whatever the
 * client does. While the snapshot is being sent, live events wait in the same queue; those the snapshot already
 * covered (same message, same or older version) are dropped when they come out.
 */
final class EventStream {

    /** The client did not keep up: the connection is closed instead of buffering more. */
    static final class FellBehind extends RuntimeException {
        FellBehind(String detail) {
            super(detail, null, false, false);
        }
    }

    final String user;
    final UUID sessionId;
    private final Sinks.Many<FeedEvent> live;
    private final Sinks.One<Boolean> stop = Sinks.one();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxBytes;
    private final int maxEvents;
    /** seq -> version of what the snapshot sent. */
    private final Map<Integer, Integer> snapshotVersions = new ConcurrentHashMap<>();
    private boolean ended;

    EventStream(String user, UUID sessionId, EventSettings settings) {
        this.user = user;
        this.sessionId = sessionId;
        this.maxEvents = settings.bufferEvents();
        this.maxBytes = settings.bufferBytes();
        this.live = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(maxEvents));
    }

    /** A live event; closes the stream when the client has not taken the earlier ones. */
    synchronized void offer(FeedEvent event) {
        if (ended) {
            return;
        }
        if (queuedBytes.addAndGet(event.bytes().length) > maxBytes || live.tryEmitNext(event).isFailure()) {
            ended = true;
            stop.tryEmitError(new FellBehind("the client fell behind by " + maxEvents + " events or " + maxBytes
                    + " bytes; it resumes with Last-Event-ID"));
        }
    }

    /** Ends the stream once the client has what is queued, after {@code last} (null: nothing more). */
    synchronized void end(FeedEvent last) {
        if (ended) {
            return;
        }
        if (last != null) {
            offer(last);
            if (ended) {
                return;
            }
        }
        ended = true;
        live.tryEmitComplete();
    }

    /** Records what the snapshot sends, so that the same state coming live is not sent twice. */
    void sentInSnapshot(int seq, int version) {
        snapshotVersions.merge(seq, version, Math::max);
    }

    private boolean coveredBySnapshot(FeedEvent event) {
        if (!event.isMessage()) {
            return false;
        }
        Integer sent = snapshotVersions.get(event.seq());
        return sent != null && event.version() <= sent;
    }

    /** The response body: the retry hint, the snapshot, then live events until the end, a fall-behind or a cancel. */
    Flux<byte[]> body(Flux<byte[]> snapshot, Runnable onClose) {
        Flux<byte[]> liveFrames = live.asFlux()
                .doOnNext(event -> queuedBytes.addAndGet(-event.bytes().length))
                .filter(event -> !coveredBySnapshot(event))
                .map(FeedEvent::bytes);
        return Flux.concat(Flux.just(SseFrames.RETRY), snapshot, liveFrames)
                .takeUntilOther(stop.asMono())
                .doFinally(signal -> onClose.run());
    }
}
