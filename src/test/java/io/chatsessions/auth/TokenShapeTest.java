package io.chatsessions.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenShapeTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";
    private final String valid = Tokens.sign(SECRET, "alice", Duration.ofHours(1), null, null);

    @Test
    void acceptsARealToken() {
        assertTrue(TokenShape.isCanonicalCompactJws(valid, 4096));
    }

    @Test
    void refusesOtherShapes() {
        String[] parts = valid.split("\\.");
        for (String bad : new String[]{"", "a.b", "a.b.c.d", parts[0] + "." + parts[1] + ".", "." + parts[1] + "." + parts[2],
                parts[0] + "." + parts[1] + "." + parts[2] + "=", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + "!!" + parts[2].substring(10),
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + "+/" + parts[2].substring(10),
                "abcde.abcd.abcd", "abcd.abcd.a"}) {
            assertFalse(TokenShape.isCanonicalCompactJws(bad, 4096), bad);
        }
    }

    @Test
    void refusesNonCanonicalTrailingBits() {
        // HS256 signatures are 32 bytes = 43 characters: the last carries 2 unused bits that must be zero.
        String[] parts = valid.split("\\.");
        char last = parts[2].charAt(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char variant = alphabet.charAt(alphabet.indexOf(last) | 1);
        assertFalse(TokenShape.isCanonicalCompactJws(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 42) + variant, 4096));
    }

    @Test
    void refusesTooLong() {
        assertFalse(TokenShape.isCanonicalCompactJws(valid, valid.length() - 1));
        assertTrue(TokenShape.isCanonicalCompactJws(valid, valid.length()));
    }
}
