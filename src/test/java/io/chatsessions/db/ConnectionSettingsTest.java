package io.chatsessions.db;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.r2dbc.spi.Connection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What every connection of the service's pool runs with, as {@code serve} configures it (ServerProperties). */
@MicronautTest(transactional = false)
class ConnectionSettingsTest implements ApiSuite {

    @Inject
    Database database;

    @Test
    void everyStatementRunsWithoutParallelWorkersAndWithTheDeadlines() {
        assertEquals("0", show("max_parallel_workers_per_gather"), "a search of one user's rows never waits for workers to start");
        assertEquals("3s", show("statement_timeout"));
        assertEquals("2s", show("lock_timeout"));
    }

    private String show(String setting) {
        return database.withConnection((Connection c) -> Flux.from(c.createStatement("SELECT current_setting($1)").bind(0, setting).execute())
                        .concatMap(result -> result.map(row -> row.get(0, String.class))))
                .block(Duration.ofSeconds(10));
    }
}
