package io.chatsessions.session;

import io.micronaut.core.annotation.Nullable;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code sessions}. JSON columns are kept as their text; {@code forkedFrom} is null unless it was forked. */
public record Session(UUID id, String userId, String title, String metadataJson, boolean archived,
                      int messageCount, int version, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                      @Nullable ForkedFrom forkedFrom) {
}
