package io.chatsessions.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One Bucket4j token bucket per key: {@code burst} tokens, refilled greedily at {@code rate} per second. The clock is
 * injected (Bucket4j's {@link TimeMeter}), so the arithmetic is unit-tested. The buckets live in a Caffeine cache
 * bounded by {@code maxKeys} and dropped after the time an empty bucket takes to refill (by then it is full, the same as
 * a new one), so memory is bounded by the keys active in that window however many keys an attacker invents.
 * Measured against the hand-written bucket this replaced: 139 vs 118 ns per acquire (docs/BENCHMARKS.md), 0.02% of
 * a request's CPU.
 */
public final class TokenBuckets {

    public static final int DEFAULT_MAX_KEYS = 100_000;
    private final Bandwidth limit;
    private final TimeMeter clock;
    private final Cache<String, Bucket> buckets;

    public TokenBuckets(double rate, int burst, LongSupplier nanoClock) {
        this(rate, burst, DEFAULT_MAX_KEYS, nanoClock);
    }

    public TokenBuckets(double rate, int burst, int maxKeys, LongSupplier nanoClock) {
        if (rate <= 0 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate limit: requests per second must be positive, burst and keys at least 1");
        }
        long refillNanos = Math.max(1, Math.round(burst / rate * 1e9));
        this.limit = Bandwidth.builder().capacity(burst).refillGreedy(burst, Duration.ofNanos(refillNanos)).build();
        this.clock = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoClock.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1_000_000_000L)))
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** 0 if a request may proceed now, otherwise the seconds (at least 1) until it may. */
    public long acquire(String key) {
        Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(limit).withCustomTimePrecision(clock).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, (long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9));
    }

    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
