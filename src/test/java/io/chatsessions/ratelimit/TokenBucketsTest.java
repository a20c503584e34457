package io.chatsessions.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenBucketsTest {

    @Test
    void allowsBurstThenRefillsAtRate() {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(2, 3, clock::get);
        assertEquals(0, buckets.acquire("alice"));
        assertEquals(0, buckets.acquire("alice"));
        assertEquals(0, buckets.acquire("alice"));
        assertEquals(1, buckets.acquire("alice"));
        assertEquals(0, buckets.acquire("bob"), "users have separate budgets");
        clock.addAndGet(500_000_000L); // half a second at 2/s = one token
        assertEquals(0, buckets.acquire("alice"));
        assertEquals(1, buckets.acquire("alice"));
    }

    @Test
    void retryAfterReflectsTheRate() {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(0.1, 1, clock::get);
        assertEquals(0, buckets.acquire("alice"));
        assertEquals(10, buckets.acquire("alice"));
    }
}
