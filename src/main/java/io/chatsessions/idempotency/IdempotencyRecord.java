package io.chatsessions.idempotency;

/** The stored state of one key: who claimed it for which request, and the response once completed. */
record IdempotencyRecord(String requestHash, boolean completed, StoredResponse response) {
}
