package io.chatsessions.db;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines for database calls, kept on one hashed timer wheel. Every request arms one and nearly every one is
 * cancelled: Reactor's default ({@code timeout(Duration)} on the parallel scheduler) takes a lock and reorders a heap
 * for both, and wakes the scheduler thread whenever the earliest deadline goes; here both are a lock-free queue offer.
 * The wheel ticks every 10 ms, which is the precision, plenty for deadlines of seconds.
 */
@Singleton
public class Deadlines {

    private final HashedWheelTimer wheel = new HashedWheelTimer(new DefaultThreadFactory("db-deadlines", true), 10, TimeUnit.MILLISECONDS, 512);

    /** Emits once when {@code delay} has passed; cancelling the subscription takes the deadline off the wheel. */
    public Mono<Long> after(Duration delay) {
        long nanos = delay.toNanos();
        return Mono.create(sink -> {
            Timeout timeout = wheel.newTimeout(expired -> sink.success(nanos), nanos, TimeUnit.NANOSECONDS);
            sink.onCancel(timeout::cancel);
        });
    }

    @PreDestroy
    void stop() {
        wheel.stop();
    }
}
