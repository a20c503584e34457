package io.chatsessions.export;

import io.chatsessions.db.Database;
import io.chatsessions.error.ProblemException;
import io.chatsessions.session.SessionRepository;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.message.Message;
import io.chatsessions.session.Session;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Exports as streams of byte pieces, read in keyset batches inside one snapshot ({@link ExportSnapshot}). A batch is
 * read only when the client has taken what came before (the response body is requested piece by piece as Netty writes
 * it), so memory holds about one batch whatever the session's size: {@value #MESSAGE_BATCH} messages, at most
 * CHAT_LIMITS_MAX_MESSAGE_BYTES each.
 */
@Singleton
public class ExportService {

    static final int MESSAGE_BATCH = 200;
    static final int SESSION_BATCH = 100;

    private final Database database;
    private final SessionRepository sessions;
    private final ExportRows rows;
    private final ExportSnapshot snapshot;
    private final JsonBodies json;

    public ExportService(Database database, SessionRepository sessions, ExportRows rows, ExportSnapshot snapshot, JsonBodies json) {
        this.database = database;
        this.sessions = sessions;
        this.rows = rows;
        this.snapshot = snapshot;
        this.json = json;
    }

    /** The caller's session, or 404 (before the response starts: an error inside the stream could only be a 500). */
    public Mono<Session> find(String userId, UUID sessionId) {
        return database.withConnection(c -> sessions.find(c, sessionId, userId))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")));
    }

    /**
     * One session and its messages in {@code format}; {@code found} sees the session row before the first piece is
     * emitted (the response's headers are still open then). A session {@link #find} saw but that was deleted before the
     * snapshot began fails the stream before its first piece (the server answers 500).
     */
    public Flux<byte[]> session(String userId, UUID sessionId, ExportFormat format, Consumer<Session> found) {
        ExportWriter writer = writer(format);
        return snapshot.read(c -> rows.session(c, sessionId, userId)
                        .switchIfEmpty(Mono.error(() -> ProblemException.notFound("session")))
                        .doOnNext(found)
                        .flatMapMany(session -> one(c, session, writer)))
                .concatWith(Mono.fromCallable(writer::end))
                .filter(bytes -> bytes.length > 0);
    }

    /** Every session of the caller (not archived first, then archived; each most recently updated first) as ndjson. */
    public Flux<byte[]> all(String userId) {
        ExportWriter writer = JsonExportWriter.lines();
        return snapshot.read(c -> Flux.concat(sessionsOf(c, userId, false), sessionsOf(c, userId, true))
                        .concatMap(batch -> Flux.fromIterable(batch).concatMap(session -> one(c, session, writer), 0), 0))
                .concatWith(Mono.fromCallable(writer::end))
                .filter(bytes -> bytes.length > 0);
    }

    private ExportWriter writer(ExportFormat format) {
        return switch (format) {
            case JSON -> JsonExportWriter.document();
            case NDJSON -> JsonExportWriter.lines();
            case MARKDOWN -> new MarkdownExportWriter(json);
        };
    }

    private Flux<byte[]> one(Connection c, Session session, ExportWriter writer) {
        return Flux.concat(Mono.fromCallable(() -> writer.session(session)),
                messages(c, session.id()).map(writer::messages),
                Mono.fromCallable(writer::endSession));
    }

    /** The session's messages in batches by seq; each batch is read when the one before has been taken. */
    private Flux<List<Message>> messages(Connection c, UUID sessionId) {
        return Flux.defer(() -> {
            int[] after = {0};
            return Mono.defer(() -> rows.messagesAfter(c, sessionId, after[0], MESSAGE_BATCH))
                    .repeat()
                    .takeUntil(batch -> batch.size() < MESSAGE_BATCH)
                    .filter(batch -> !batch.isEmpty())
                    .doOnNext(batch -> after[0] = batch.get(batch.size() - 1).seq());
        });
    }

    private Flux<List<Session>> sessionsOf(Connection c, String userId, boolean archived) {
        return Flux.defer(() -> {
            Session[] after = {null};
            return Mono.defer(() -> rows.sessionsAfter(c, userId, archived, after[0], SESSION_BATCH))
                    .repeat()
                    .takeUntil(batch -> batch.size() < SESSION_BATCH)
                    .filter(batch -> !batch.isEmpty())
                    .doOnNext(batch -> after[0] = batch.get(batch.size() - 1));
        });
    }
}
