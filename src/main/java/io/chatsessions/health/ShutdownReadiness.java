package io.chatsessions.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Reports not-ready as soon as a graceful shutdown begins, so load balancers stop routing before requests drain. */
@Singleton
@Readiness
public class ShutdownReadiness implements HealthIndicator, GracefulShutdownCapable {

    private volatile boolean draining;

    @Override
    public CompletionStage<?> shutdownGracefully() {
        draining = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public OptionalLong reportActiveTasks() {
        return OptionalLong.empty();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.just(HealthResult.builder("shutdown", draining ? HealthStatus.DOWN : HealthStatus.UP).build());
    }
}
