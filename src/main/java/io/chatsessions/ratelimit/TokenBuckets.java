package io.chatsessions.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.function.LongSupplier;

// Kept hand-written on Caffeine: Resilience4j's RateLimiter refills per fixed period (no burst above its per-period limit); Bucket4j 8.14 fits, but unbenchmarked it may cost the 5% CPU budget to save ~25 lines.
/**
 * One token bucket per key: {@code burst} tokens, refilled at {@code rate} per second. Clock-injected, so the
 * arithmetic is unit-tested. The buckets live in a Caffeine cache bounded by {@code maxKeys} and dropped after the
 * time an empty bucket takes to refill (by then it is full, the same as a new one), so memory is bounded by the keys
 * active in that window however many keys an attacker invents. Each bucket is updated under its own lock; nothing is
 * shared between keys (the hand-written map before this counted calls in an unsynchronised field).
 */
public final class TokenBuckets {

    public static final int DEFAULT_MAX_KEYS = 100_000;
    private final double rate;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Cache<String, Bucket> buckets;

    public TokenBuckets(double rate, int burst, LongSupplier nanoClock) {
        this(rate, burst, DEFAULT_MAX_KEYS, nanoClock);
    }

    public TokenBuckets(double rate, int burst, int maxKeys, LongSupplier nanoClock) {
        if (rate <= 0 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate limit: requests per second must be positive, burst and keys at least 1");
        }
        this.rate = rate;
        this.burst = burst;
        this.nanoClock = nanoClock;
        long refillNanos = (long) Math.ceil(burst / rate * 1e9);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1_000_000_000L)))
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** 0 if a request may proceed now, otherwise the seconds (at least 1) until it may. */
    public long acquire(String key) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.refill(now, rate, burst);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / rate));
        }
    }

    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        void refill(long now, double rate, double burst) {
            if (now > updatedNanos) {
                tokens = Math.min(burst, tokens + (now - updatedNanos) / 1e9 * rate);
                updatedNanos = now;
            }
        }
    }
}
