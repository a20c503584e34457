package io.chatsessions.session;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code sessions}. JSON columns are kept as their text. */
public record Session(UUID id, String userId, String title, String metadataJson, boolean archived,
                      int messageCount, int version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
