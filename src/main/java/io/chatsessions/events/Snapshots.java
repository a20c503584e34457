package io.chatsessions.events;

import io.chatsessions.error.ProblemException;
import io.chatsessions.message.Message;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a stream sends first: the current state of every message above after_seq and of every message in progress,
 * read in pages as the client takes them (a long session is never held in memory at once). Each message it sends is
 * recorded on the stream, which then drops the same state coming live.
 */
@Singleton
public class Snapshots {

    static final int PAGE = 100;
    private final EventRows rows;
    private final EventRenderer renderer;

    public Snapshots(EventRows rows, EventRenderer renderer) {
        this.rows = rows;
        this.renderer = renderer;
    }

    /** The first page, which also checks that the session is the caller's (404 otherwise, as every route). */
    Mono<EventRows.Page> first(EventStream stream, Integer afterSeq) {
        return rows.snapshotPage(stream.sessionId, stream.user, afterSeq, PAGE, true)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")));
    }

    Flux<byte[]> frames(EventStream stream, EventRows.Page first) {
        return pages(stream, first).map(message -> {
            stream.sentInSnapshot(message.seq(), message.version());
            return renderer.message(message).bytes();
        });
    }

    private Flux<Message> pages(EventStream stream, EventRows.Page page) {
        Flux<Message> messages = Flux.fromIterable(page.messages());
        if (!page.full() || page.messages().isEmpty()) {
            return messages;
        }
        int last = page.messages().get(page.messages().size() - 1).seq();
        return messages.concatWith(Flux.defer(() -> rows.snapshotPage(stream.sessionId, stream.user, last, PAGE, false)
                .flatMapMany(next -> pages(stream, next))));
    }
}
