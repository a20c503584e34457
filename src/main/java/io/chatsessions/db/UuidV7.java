package io.chatsessions.db;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/** RFC 9562 version 7 UUIDs: 48-bit Unix milliseconds then random bits, so new rows land at the right edge of the index. */
public final class UuidV7 {

    private static final int RANDOM_BYTES = 10;

    // One generator per thread: the default SecureRandom (NativePRNG) serialises every caller on one lock.
    private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);

    private UuidV7() {
    }

    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    static UUID at(long epochMillis) {
        RandomBytes source = RANDOM.get();
        byte[] random = source.buffer;
        int at = source.take();
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L
                | ((random[at] & 0x0FL) << 8) | (random[at + 1] & 0xFFL);
        long lsb = 0x8000_0000_0000_0000L | ((random[at + 2] & 0x3FL) << 56);
        for (int i = 3; i < RANDOM_BYTES; i++) {
            lsb |= (random[at + i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(msb, lsb);
    }

    /**
     * Random bytes drawn from a DRBG 64 ids at a time: each draw costs a hash of the generator's state on top of the
     * bytes themselves, so one draw per id spent more on that than on the randomness. Every byte is used once.
     */
    private static final class RandomBytes {
        private final SecureRandom random = newRandom();
        final byte[] buffer = new byte[64 * RANDOM_BYTES];
        private int position = buffer.length;

        int take() {
            if (position == buffer.length) {
                random.nextBytes(buffer);
                position = 0;
            }
            int at = position;
            position += RANDOM_BYTES;
            return at;
        }
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
