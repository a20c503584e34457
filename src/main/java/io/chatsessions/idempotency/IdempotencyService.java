package io.chatsessions.idempotency;

import io.chatsessions.db.Database;
import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.r2dbc.spi.Connection;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Idempotency-Key handling (draft-ietf-httpapi-idempotency-key-header), scoped to the caller.
 * <p>
 * The key is claimed in its own statement, so a concurrent duplicate sees it and gets 409 at once. The write and the
 * stored response then commit in one transaction: a replay can never find the write without its response, nor the
 * response without the write. Only successful responses are stored; a failed attempt releases the key for a retry.
 */
@Singleton
public class IdempotencyService {

    public static final int MAX_KEY_LENGTH = 255;
    /** Longer than any request can hold a claim (database calls time out well before). */
    static final long ABANDONED_CLAIM_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyService.class);

    private final Database database;
    private final IdempotencyRepository keys;

    public IdempotencyService(Database database, IdempotencyRepository keys) {
        this.database = database;
        this.keys = keys;
    }

    /**
     * Runs {@code write} once per key. {@code write} ends in the rendered response (status, Location, body bytes),
     * which is stored in the write's transaction, so a replay answers exactly what the first request got. Without a
     * key the write runs on a plain connection (a single statement needs no explicit transaction).
     */
    public Mono<Replayable> execute(String userId, IdempotentRequest request, Function<Connection, Mono<StoredResponse>> write) {
        return execute(userId, request, null, write);
    }

    /**
     * As {@link #execute(String, IdempotentRequest, Function)}, but the write always runs in a transaction with this
     * deadline instead of the database's call deadline (a write that sets its own SET LOCAL statement_timeout).
     */
    public Mono<Replayable> execute(String userId, IdempotentRequest request, Duration deadline,
                                    Function<Connection, Mono<StoredResponse>> write) {
        String key = request.key();
        if (key == null) {
            Mono<StoredResponse> once = deadline == null ? database.withConnection(write::apply) : database.inTransaction(write::apply, deadline);
            return once.map(response -> new Replayable(response, false));
        }
        validateKey(key);
        String hash = requestHash(request.method(), request.path(), request.body());
        return database.withConnection(c -> keys.claim(c, userId, key, hash, ABANDONED_CLAIM_SECONDS))
                .flatMap(claimed -> claimed
                        ? writeOnce(userId, key, deadline, write)
                        : replay(userId, key, hash));
    }

    private Mono<Replayable> writeOnce(String userId, String key, Duration deadline, Function<Connection, Mono<StoredResponse>> write) {
        Function<Connection, Mono<StoredResponse>> stored = c -> write.apply(c)
                .flatMap(response -> keys.complete(c, userId, key, response).thenReturn(response));
        return (deadline == null ? database.inTransaction(stored::apply) : database.inTransaction(stored::apply, deadline))
                .map(response -> new Replayable(response, false))
                .onErrorResume(failure -> database.withConnection(c -> keys.release(c, userId, key))
                        .onErrorResume(releaseFailure -> {
                            LOG.warn("could not release Idempotency-Key claim; it expires after {}s", ABANDONED_CLAIM_SECONDS);
                            return Mono.empty();
                        })
                        .then(Mono.error(failure)));
    }

    private Mono<Replayable> replay(String userId, String key, String hash) {
        return database.withConnection(c -> keys.find(c, userId, key))
                .switchIfEmpty(Mono.error(() -> new ProblemException(ProblemType.IDEMPOTENCY_KEY_IN_USE,
                        "a request with this Idempotency-Key was just released; retry")))
                .map(stored -> {
                    if (!stored.requestHash().equals(hash)) {
                        throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                                "this Idempotency-Key was used for a different request");
                    }
                    if (!stored.completed()) {
                        throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_IN_USE,
                                "a request with this Idempotency-Key is still in progress; retry later");
                    }
                    return new Replayable(stored.response(), true);
                });
    }

    static void validateKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw ProblemException.invalidField("Idempotency-Key", "must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw ProblemException.invalidField("Idempotency-Key", "must be printable ASCII");
            }
        }
    }

    static String requestHash(String method, String path, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                digest.update(body);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response and whether it is a replay of an earlier one. */
    public record Replayable(StoredResponse response, boolean replayed) {
    }
}
