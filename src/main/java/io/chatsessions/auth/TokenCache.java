package io.chatsessions.auth;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tokens that passed every check, with the identity they carry, kept for at most {@code ttlMillis} and never past
 * their own expiry. Only valid tokens enter, so the size bound is against many legitimate tokens, not an attacker;
 * when it is reached, expired entries go, and if that is not enough the cache starts over.
 */
@Singleton
public class TokenCache {

    private record Entry(Authentication authentication, long expiresAtMillis) {
    }

    private final long ttlMillis;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Inject
    public TokenCache(@Value("${chat.auth.token-cache-seconds:30}") int ttlSeconds,
                      @Value("${chat.auth.token-cache-size:10000}") int maxEntries) {
        this(ttlSeconds * 1000L, maxEntries, System::currentTimeMillis);
    }

    TokenCache(long ttlMillis, int maxEntries, LongSupplier clock) {
        if (ttlMillis < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("token cache TTL and size must not be negative");
        }
        this.ttlMillis = ttlMillis;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    @Nullable
    public Authentication get(String token) {
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (clock.getAsLong() >= entry.expiresAtMillis) {
            entries.remove(token, entry);
            return null;
        }
        return entry.authentication;
    }

    public void put(String token, Authentication authentication, @Nullable Date tokenExpiry) {
        if (ttlMillis == 0 || maxEntries == 0) {
            return;
        }
        long now = clock.getAsLong();
        long expiresAt = now + ttlMillis;
        if (tokenExpiry != null) {
            expiresAt = Math.min(expiresAt, tokenExpiry.getTime());
        }
        if (expiresAt <= now) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> entry.expiresAtMillis <= now);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(token, new Entry(authentication, expiresAt));
    }

    int size() {
        return entries.size();
    }
}
