package io.chatsessions.message;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code messages}. JSON columns are kept as their text. */
public record Message(UUID id, UUID sessionId, int seq, String role, String content, String sourcesJson,
                      Integer latencyMs, Integer topK, String queryType, String metadataJson, OffsetDateTime createdAt) {
}
