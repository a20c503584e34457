package io.chatsessions.auth;

/**
 * The only bearer token shape worth parsing: a compact JWS of exactly three non-empty base64url segments in canonical
 * form (alphabet {@code [A-Za-z0-9_-]}, no padding, unused trailing bits zero), at most a configured length. Checked
 * before any parsing or cache lookup: the JOSE library skips characters outside the alphabet and ignores unused bits,
 * so without this check one valid token could be sent in endlessly many spellings, each a new cache entry. With it,
 * a token has exactly one accepted spelling.
 */
public final class TokenShape {

    private TokenShape() {
    }

    public static boolean isCanonicalCompactJws(String token, int maxLength) {
        if (token == null || token.isEmpty() || token.length() > maxLength) {
            return false;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return false;
        }
        return isCanonicalSegment(token, 0, first)
                && isCanonicalSegment(token, first + 1, second)
                && isCanonicalSegment(token, second + 1, token.length());
    }

    private static boolean isCanonicalSegment(String token, int from, int to) {
        int length = to - from;
        if (length == 0 || length % 4 == 1) {
            return false;
        }
        int last = 0;
        for (int i = from; i < to; i++) {
            last = value(token.charAt(i));
            if (last < 0) {
                return false;
            }
        }
        // 2 chars in the last group carry 8 bits (4 unused), 3 chars carry 16 bits (2 unused).
        return switch (length % 4) {
            case 2 -> (last & 0x0F) == 0;
            case 3 -> (last & 0x03) == 0;
            default -> true;
        };
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        if (c == '_') {
            return 63;
        }
        return -1;
    }
}
