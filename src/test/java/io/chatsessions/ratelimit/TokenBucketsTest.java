package io.chatsessions.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void idleBucketsAreDroppedOnceTheyWouldBeFull() {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(10, 20, clock::get);
        for (int i = 0; i < 1_000; i++) {
            buckets.acquire("user-" + i);
        }
        assertEquals(1_000, buckets.size());
        clock.addAndGet(2_000_000_001L); // 20 tokens at 10/s: full again after 2 s
        assertEquals(0, buckets.size());
    }

    @Test
    void memoryIsBoundedHoweverManyKeys() {
        AtomicLong clock = new AtomicLong();
        TokenBuckets buckets = new TokenBuckets(1, 5, 100, clock::get);
        for (int i = 0; i < 10_000; i++) {
            buckets.acquire("address-" + i);
        }
        assertTrue(buckets.size() <= 100, "buckets: " + buckets.size());
    }

    @Test
    void concurrentCallersNeverOverspendABucket() throws Exception {
        TokenBuckets buckets = new TokenBuckets(0.001, 1_000, System::nanoTime);
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    if (buckets.acquire("shared") == 0) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertEquals(1_000, admitted.get());
    }
}
