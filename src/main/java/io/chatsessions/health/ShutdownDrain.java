package io.chatsessions.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The first step of a SIGTERM: readiness turns DOWN while the server keeps serving for the drain delay, so load
 * balancers stop sending new requests before the server stops accepting them (Micronaut's graceful shutdown then
 * finishes the requests in flight).
 */
@Singleton
@Readiness
public class ShutdownDrain implements HealthIndicator {

    private volatile boolean draining;

    public void begin() {
        draining = true;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.just(HealthResult.builder("draining", draining ? HealthStatus.DOWN : HealthStatus.UP).build());
    }
}
