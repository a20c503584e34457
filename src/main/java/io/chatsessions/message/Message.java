package io.chatsessions.message;

import io.chatsessions.feedback.Feedback;
import io.micronaut.core.annotation.Nullable;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of {@code messages} (with its feedback, when read with it). JSON columns are kept as their text. Rows written
 * by the previous release have no updated_at/completed_at: the repository reads created_at for them.
 */
public record Message(UUID id, UUID sessionId, int seq, String role, String content, String sourcesJson,
                      Integer latencyMs, Integer topK, String queryType, String metadataJson, OffsetDateTime createdAt,
                      String status, @Nullable String finishReason, @Nullable String errorJson, int version,
                      OffsetDateTime updatedAt, @Nullable OffsetDateTime completedAt, @Nullable Feedback feedback) {

    public static final String COMPLETED = "completed";
    public static final String IN_PROGRESS = "in_progress";
    /** Every message's version when it is created (the column's default); each update adds one. */
    public static final int FIRST_VERSION = 1;

    public boolean inProgress() {
        return IN_PROGRESS.equals(status);
    }
}
