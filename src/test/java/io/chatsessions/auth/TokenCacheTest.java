package io.chatsessions.auth;

import io.micronaut.security.authentication.Authentication;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class TokenCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Authentication alice = Authentication.build("alice");

    @Test
    void keepsAValidTokenForTheTtl() {
        TokenCache cache = new TokenCache(30_000, 10, now::get);
        cache.put("t", alice, new Date(now.get() + 3_600_000));
        now.addAndGet(29_999);
        assertSame(alice, cache.get("t"));
        now.addAndGet(1);
        assertNull(cache.get("t"));
        assertEquals(0, cache.size());
    }

    @Test
    void neverKeepsATokenPastItsOwnExpiry() {
        TokenCache cache = new TokenCache(30_000, 10, now::get);
        cache.put("t", alice, new Date(now.get() + 5_000));
        now.addAndGet(4_999);
        assertSame(alice, cache.get("t"));
        now.addAndGet(1);
        assertNull(cache.get("t"));
    }

    @Test
    void ignoresATokenThatHasAlreadyExpired() {
        TokenCache cache = new TokenCache(30_000, 10, now::get);
        cache.put("t", alice, new Date(now.get()));
        assertNull(cache.get("t"));
        assertEquals(0, cache.size());
    }

    @Test
    void aTokenWithoutExpiryLastsTheTtl() {
        TokenCache cache = new TokenCache(30_000, 10, now::get);
        cache.put("t", alice, null);
        now.addAndGet(29_999);
        assertSame(alice, cache.get("t"));
        now.addAndGet(1);
        assertNull(cache.get("t"));
    }

    @Test
    void zeroTtlTurnsTheCacheOff() {
        TokenCache cache = new TokenCache(0, 10, now::get);
        cache.put("t", alice, null);
        assertNull(cache.get("t"));
    }

    @Test
    void staysWithinItsSizeDroppingExpiredEntriesFirst() {
        TokenCache cache = new TokenCache(30_000, 3, now::get);
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

    @Test
    void whenFullOfLiveEntriesDropsATenthAndKeepsTheNewOne() {
        TokenCache cache = new TokenCache(30_000, 100, now::get);
        for (int i = 0; i < 100; i++) {
            cache.put("t" + i, alice, null);
        }
        cache.put("new", alice, null);
        assertEquals(91, cache.size());
        assertSame(alice, cache.get("new"));
    }
}
