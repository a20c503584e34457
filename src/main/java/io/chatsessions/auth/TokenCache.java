package io.chatsessions.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tokens that passed every check, keyed by their SHA-256 ({@link TokenDigest}), with the identity they carry, kept for
 * at most {@code ttlMillis} and never past their own expiry. Caffeine bounds it by weight: an entry weighs its
 * estimated heap size ({@link #estimatedBytes}), but at least {@code maxBytes / maxEntries}, so the cache holds at most
 * {@code maxEntries} entries and at most {@code maxBytes} estimated bytes, whichever comes first. Eviction and expiry
 * run on the calling thread in Caffeine's amortised O(1) maintenance (on one CPU the common pool would start a thread
 * per task); a dropped token is simply checked again.
 */
@Singleton
public class TokenCache {

    /** Key, Caffeine node, entry record and an {@link Authentication} with a small claims map. */
    static final int ENTRY_OVERHEAD_BYTES = 512;

    private record Entry(Authentication authentication, long expiresAtMillis, int weight) {
    }

    private final long ttlMillis;
    private final LongSupplier clock;
    private final long minWeight;
    private final Cache<TokenDigest, Entry> entries;

    @Inject
    public TokenCache(@Value("${chat.auth.token-cache-seconds:300}") int ttlSeconds,
                      @Value("${chat.auth.token-cache-size:20000}") int maxEntries,
                      @Value("${chat.auth.token-cache-bytes:33554432}") long maxBytes) {
        this(ttlSeconds * 1000L, maxEntries, maxBytes, System::currentTimeMillis);
    }

    TokenCache(long ttlMillis, int maxEntries, long maxBytes, LongSupplier clock) {
        if (ttlMillis < 0 || maxEntries < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("token cache TTL, size and bytes must not be negative");
        }
        this.ttlMillis = ttlMillis == 0 || maxEntries == 0 || maxBytes == 0 ? 0 : ttlMillis;
        this.clock = clock;
        this.minWeight = maxEntries == 0 ? 1 : Math.max(1, maxBytes / maxEntries);
        this.entries = Caffeine.newBuilder()
                .maximumWeight(Math.max(1, maxBytes))
                .weigher((TokenDigest key, Entry entry) -> entry.weight)
                .expireAfter(new Expiry<TokenDigest, Entry>() {
                    @Override
                    public long expireAfterCreate(TokenDigest key, Entry entry, long currentTime) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, entry.expiresAtMillis - clock.getAsLong()));
                    }

                    @Override
                    public long expireAfterUpdate(TokenDigest key, Entry entry, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, entry, currentTime);
                    }

                    @Override
                    public long expireAfterRead(TokenDigest key, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.getAsLong()))
                .executor(Runnable::run)
                .build();
    }

    @Nullable
    public Authentication get(String token) {
        if (ttlMillis == 0) {
            return null;
        }
        Entry entry = entries.getIfPresent(TokenDigest.of(token));
        // Caffeine hides expired entries; the check guards the millisecond its maintenance has not run yet.
        if (entry == null || clock.getAsLong() >= entry.expiresAtMillis) {
            return null;
        }
        return entry.authentication;
    }

    public void put(String token, Authentication authentication, @Nullable Date tokenExpiry) {
        if (ttlMillis == 0) {
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
        int weight = (int) Math.min(Integer.MAX_VALUE, Math.max(minWeight, estimatedBytes(token)));
        entries.put(TokenDigest.of(token), new Entry(authentication, expiresAt, weight));
    }

    /**
     * Heap an entry costs, estimated from the token: its claims are decoded into the {@link Authentication}'s
     * attributes (the payload is about 3/4 of the token; decoded into Java strings and maps, about 3 bytes per token
     * character), plus a fixed overhead.
     */
    static long estimatedBytes(String token) {
        return ENTRY_OVERHEAD_BYTES + 3L * token.length();
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    long weight() {
        entries.cleanUp();
        return entries.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }
}
