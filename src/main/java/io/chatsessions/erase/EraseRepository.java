package io.chatsessions.erase;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One CALL of erase_user on an autocommit connection (the procedure commits after every batch). */
@Singleton
class EraseRepository {

    Mono<Erasure> call(Connection connection, String userId, int batchSize, int budgetMillis) {
        return Flux.from(connection.createStatement(EraseSql.CALL).bind(0, userId).bind(1, batchSize).bind(2, budgetMillis).execute())
                .flatMap(result -> result.map(EraseRepository::map))
                .singleOrEmpty()
                .defaultIfEmpty(Erasure.NONE);
    }

    /** Whether an erase of the user is running or stopped part-way (its user_erasures row exists). */
    Mono<Boolean> inProgress(Connection connection, String userId) {
        return Flux.from(connection.createStatement(EraseSql.IN_PROGRESS).bind(0, userId).execute())
                .flatMap(result -> result.map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class))))
                .single(false);
    }

    private static Erasure map(Readable row) {
        return new Erasure(number(row, 0), number(row, 1), number(row, 2), number(row, 3), Boolean.TRUE.equals(row.get(4, Boolean.class)));
    }

    private static long number(Readable row, int index) {
        Number value = row.get(index, Number.class);
        return value == null ? 0 : value.longValue();
    }
}
