package io.chatsessions.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The token cache's key: the SHA-256 of the (canonical) token, 32 bytes whatever the token's size, so the cache holds
 * no bearer credential and its keys cost the same for every token.
 */
record TokenDigest(long a, long b, long c, long d) {

    static TokenDigest of(String token) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
        return new TokenDigest(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }
}
