package io.chatsessions.idempotency;

/** A response as first sent: replays of the same Idempotency-Key return exactly this. */
public record StoredResponse(int status, String location, String body) {
}
