package io.chatsessions.importing;

import io.chatsessions.idempotency.IdempotencyService;
import io.chatsessions.idempotency.IdempotentRequest;
import io.chatsessions.idempotency.StoredResponse;
import io.chatsessions.session.Session;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.util.function.Function;

/**
 * Imports a session once per Idempotency-Key; the stored response is written in the import's transaction, which has
 * the import's own deadline ({@link ImportSettings}).
 */
@Singleton
public class ImportService {

    private final IdempotencyService idempotency;
    private final ImportRepository imports;
    private final ImportSettings settings;

    public ImportService(IdempotencyService idempotency, ImportRepository imports, ImportSettings settings) {
        this.idempotency = idempotency;
        this.imports = imports;
        this.settings = settings;
    }

    public Mono<IdempotencyService.Replayable> importSession(String userId, ImportInput input, IdempotentRequest request,
                                                             Function<Session, StoredResponse> render) {
        return idempotency.execute(userId, request, settings.deadline(),
                connection -> imports.insert(connection, userId, input, settings.statementTimeout()).map(render));
    }
}
