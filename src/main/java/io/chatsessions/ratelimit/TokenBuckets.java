package io.chatsessions.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key: {@code burst} tokens, refilled at {@code rate} per second. Pure and clock-injected, so the
 * arithmetic is unit-tested. Idle full buckets are dropped so memory stays bounded by the number of active users.
 */
public final class TokenBuckets {

    private static final int SWEEP_EVERY = 10_000;
    private final double rate;
    private final double burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private int calls;

    public TokenBuckets(double rate, int burst, LongSupplier nanoClock) {
        this.rate = rate;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** 0 if a request may proceed now, otherwise the seconds (at least 1) until it may. */
    public long acquire(String key) {
        long now = nanoClock.getAsLong();
        if (++calls % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.refill(now, rate, burst);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / rate));
        }
    }

    int size() {
        return buckets.size();
    }

    private void sweep(long now) {
        buckets.entrySet().removeIf(entry -> {
            Bucket bucket = entry.getValue();
            synchronized (bucket) {
                bucket.refill(now, rate, burst);
                return bucket.tokens >= burst;
            }
        });
    }

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        void refill(long now, double rate, double burst) {
            tokens = Math.min(burst, tokens + (now - updatedNanos) / 1e9 * rate);
            updatedNanos = now;
        }
    }
}
