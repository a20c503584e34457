package io.chatsessions.auth;

import io.micronaut.security.authentication.Authentication;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCacheTest {

    private static final long PLENTY_OF_BYTES = 1 << 20;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Authentication alice = Authentication.build("alice");

    private TokenCache cache(long ttlMillis, int maxEntries) {
        return new TokenCache(ttlMillis, maxEntries, PLENTY_OF_BYTES, now::get);
    }

    @Test
    void keepsAValidTokenForTheTtl() {
        TokenCache cache = cache(30_000, 10);
        cache.put("t", alice, new Date(now.get() + 3_600_000));
        now.addAndGet(29_999);
        assertSame(alice, cache.get("t"));
        now.addAndGet(1);
        assertNull(cache.get("t"));
        assertEquals(0, cache.size());
    }

    @Test
    void neverKeepsATokenPastItsOwnExpiry() {
        TokenCache cache = cache(30_000, 10);
        cache.put("t", alice, new Date(now.get() + 5_000));
        now.addAndGet(4_999);
        assertSame(alice, cache.get("t"));
        now.addAndGet(1);
        assertNull(cache.get("t"));
    }

    @Test
    void ignoresATokenThatHasAlreadyExpired() {
        TokenCache cache = cache(30_000, 10);
        cache.put("t", alice, new Date(now.get()));
        assertNull(cache.get("t"));
        assertEquals(0, cache.size());
    }

    @Test
    void aTokenWithoutExpiryLastsTheTtl() {
        TokenCache cache = cache(30_000, 10);
        cache.put("t", alice, null);
        now.addAndGet(29_999);
        assertSame(alice, cache.get("t"));
        now.addAndGet(1);
        assertNull(cache.get("t"));
    }

    @Test
    void zeroTtlTurnsTheCacheOff() {
        TokenCache cache = cache(0, 10);
        cache.put("t", alice, null);
        assertNull(cache.get("t"));
    }

    @Test
    void staysWithinItsSizeDroppingExpiredEntriesFirst() {
        TokenCache cache = cache(30_000, 3);
        cache.put("old", alice, new Date(now.get() + 1_000));
        cache.put("a", alice, null);
        cache.put("b", alice, null);
        now.addAndGet(1_000);
        cache.put("c", alice, null);
        assertEquals(3, cache.size());
        assertSame(alice, cache.get("a"));
        assertSame(alice, cache.get("b"));
        assertSame(alice, cache.get("c"));
    }

    /** Was "drops a tenth and keeps the new one" (the hand-written eviction); Caffeine's admission policy decides which. */
    @Test
    void whenFullOfLiveEntriesStaysWithinItsSize() {
        TokenCache cache = cache(30_000, 100);
        for (int i = 0; i < 1_000; i++) {
            cache.put("t" + i, alice, null);
        }
        assertEquals(100, cache.size());
    }

    @Test
    void holdsAtMostItsBytes() {
        String big = "x".repeat(4_000);
        long perEntry = TokenCache.estimatedBytes(big);
        long maxBytes = 10 * perEntry;
        TokenCache cache = new TokenCache(30_000, 20_000, maxBytes, now::get);
        for (int i = 0; i < 1_000; i++) {
            cache.put(big + i, alice, null);
        }
        assertTrue(cache.weight() <= maxBytes, "weight " + cache.weight() + " > " + maxBytes);
        assertTrue(cache.size() <= 10, "entries " + cache.size());
        assertTrue(cache.size() >= 9, "the bound is bytes, not fewer entries: " + cache.size());
    }

    @Test
    void keysAreDigestsSoEqualTokensShareAnEntry() {
        TokenCache cache = cache(30_000, 10);
        cache.put(new String("same-token"), alice, null);
        cache.put(new String("same-token"), alice, null);
        assertEquals(1, cache.size());
        assertSame(alice, cache.get("same-token"));
        assertNull(cache.get("same-tokeN"));
    }
}
