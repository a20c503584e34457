package io.chatsessions.idempotency;

/** A response as first sent: replays of the same Idempotency-Key return exactly this status, Location and body bytes. */
public record StoredResponse(int status, String location, byte[] body) {
}
