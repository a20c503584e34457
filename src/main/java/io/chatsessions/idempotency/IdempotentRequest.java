package io.chatsessions.idempotency;

/**
 * What an Idempotency-Key is scoped to besides the caller: the key (null: none given) and the request it was first
 * used for (method, canonical path, body bytes).
 */
public record IdempotentRequest(String key, String method, String path, byte[] body) {

    public static IdempotentRequest post(String key, String path, byte[] body) {
        return new IdempotentRequest(key, "POST", path, body);
    }
}
