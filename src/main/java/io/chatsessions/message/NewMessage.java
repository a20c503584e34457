package io.chatsessions.message;

import java.util.UUID;

/** A validated message to append; {@code id} is assigned before the insert (UUIDv7). */
public record NewMessage(UUID id, String role, String content, String sourcesJson, Integer latencyMs, Integer topK,
                         String queryType, String metadataJson) {
}
