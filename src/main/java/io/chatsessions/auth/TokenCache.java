package io.chatsessions.auth;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tokens that passed every check, with the identity they carry, kept for at most {@code ttlMillis} and never past
 * their own expiry. Only valid tokens enter, so the size bound is against many legitimate tokens, not an attacker;
 * when it is reached, expired entries go first, then arbitrary ones (a dropped token is simply checked again).
 * An entry is about 1 KB, so the default 20,000 entries stay under 20 MB.
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
    public TokenCache(@Value("${chat.auth.token-cache-seconds:300}") int ttlSeconds,
                      @Value("${chat.auth.token-cache-size:20000}") int maxEntries) {
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
            makeRoom(now);
        }
        entries.put(token, new Entry(authentication, expiresAt));
    }

    /** Drops expired entries, then (if that was not enough) arbitrary ones until a tenth of the room is free. */
    private void makeRoom(long now) {
        entries.values().removeIf(entry -> entry.expiresAtMillis <= now);
        int target = maxEntries - Math.max(1, maxEntries / 10);
        Iterator<String> tokens = entries.keySet().iterator();
        while (entries.size() > target && tokens.hasNext()) {
            tokens.next();
            tokens.remove();
        }
    }

    int size() {
        return entries.size();
    }
}
