package io.chatsessions.health;

import io.chatsessions.db.Database;
import io.chatsessions.db.Rows;
import io.chatsessions.migration.Migrations;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.flywaydb.core.api.MigrationVersion;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ready when the database answers within 2 s and its schema is at the version this build expects (a pod of a newer
 * build stays unready until its migrations ran; an older build on a newer schema is ready only if the schema is not behind).
 * <p>
 * The answer is remembered for {@link #CACHED_FOR}: readiness is anonymous, so without the cache every call would take a
 * connection from the API's pool and run SQL. Calls that arrive while a check is running share it, so the database sees
 * at most one check per second however often readiness is asked (probes ask every few seconds; 1 s of staleness is
 * far below what a probe's period and failure threshold already allow).
 */
@Singleton
@Readiness
public class SchemaReadinessIndicator implements HealthIndicator {

    private static final String NAME = "database";
    private static final String CURRENT_VERSION = """
            SELECT version FROM flyway_schema_history
             WHERE success AND version IS NOT NULL
             ORDER BY installed_rank DESC LIMIT 1""";

    static final Duration CACHED_FOR = Duration.ofSeconds(1);

    private final Database database;
    private final MigrationVersion expectedVersion = Migrations.expectedVersion();
    private final Mono<HealthResult> cached;

    public SchemaReadinessIndicator(Database database) {
        this.database = database;
        // check() never fails (errors become DOWN), so every answer, UP or DOWN, is kept for the same time.
        this.cached = Mono.defer(this::check).cache(result -> CACHED_FOR, failure -> Duration.ZERO, () -> Duration.ZERO);
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return cached;
    }

    private Mono<HealthResult> check() {
        return database.withConnection(c -> Flux.from(c.createStatement(CURRENT_VERSION).execute())
                        .flatMap(result -> result.map(row -> Rows.text(row, "version")))
                        .singleOrEmpty())
                .timeout(Duration.ofSeconds(2))
                .map(this::forVersion)
                .defaultIfEmpty(result(HealthStatus.DOWN, null, "no migrations applied"))
                .onErrorResume(failure -> Mono.just(result(HealthStatus.DOWN, null, "database unreachable")));
    }

    private HealthResult forVersion(String current) {
        if (MigrationVersion.fromVersion(current).compareTo(expectedVersion) < 0) {
            return result(HealthStatus.DOWN, current, "schema is behind this build: run `migrate`");
        }
        return result(HealthStatus.UP, current, null);
    }

    private HealthResult result(HealthStatus status, String current, String problem) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("expected_schema_version", expectedVersion.getVersion());
        if (current != null) {
            details.put("schema_version", current);
        }
        if (problem != null) {
            details.put("problem", problem);
        }
        return HealthResult.builder(NAME, status).details(details).build();
    }
}
