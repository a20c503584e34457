package io.chatsessions.export;

import io.micronaut.data.r2dbc.operations.R2dbcOperations;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.TransactionDefinition;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.Function;

/**
 * Runs an export's reads in one REPEATABLE READ, READ ONLY transaction on one pooled connection: every batch sees
 * the database as of the export's first statement, so a message appended, patched or deleted while the export streams
 * is either wholly in it or not at all, and message_count matches the messages written. The transaction lives as
 * long as the response streams; the body is read only as the client takes it, and a client that stops reading is
 * disconnected by the server's idle timeout (60 s), which cancels the stream and rolls this back. A snapshot held
 * that long delays vacuum of rows deleted meanwhile, which is the price of a consistent export.
 */
@Singleton
public class ExportSnapshot {

    private static final TransactionDefinition READ_ONLY_SNAPSHOT = new TransactionDefinition() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T getAttribute(Option<T> option) {
            if (option.equals(TransactionDefinition.ISOLATION_LEVEL)) {
                return (T) IsolationLevel.REPEATABLE_READ;
            }
            if (option.equals(TransactionDefinition.READ_ONLY)) {
                return (T) Boolean.TRUE;
            }
            return null;
        }
    };

    private final R2dbcOperations operations;

    public ExportSnapshot(R2dbcOperations operations) {
        this.operations = operations;
    }

    /** What {@code reads} emits, read in the snapshot; committed when it completes, rolled back on error or cancel. */
    public <T> Flux<T> read(Function<Connection, Flux<T>> reads) {
        return Flux.usingWhen(
                Mono.from(operations.connectionFactory().create())
                        .flatMap(c -> Mono.from(c.beginTransaction(READ_ONLY_SNAPSHOT))
                                .thenReturn(c)
                                .onErrorResume(e -> Mono.from(c.close()).then(Mono.error(e)))),
                reads,
                c -> Mono.from(c.commitTransaction()).then(Mono.from(c.close())),
                (c, error) -> end(c),
                ExportSnapshot::end);
    }

    private static Mono<Void> end(Connection c) {
        return Mono.from(c.rollbackTransaction()).onErrorResume(e -> Mono.empty()).then(Mono.from(c.close()));
    }
}
