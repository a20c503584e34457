package io.chatsessions.feedback;

import java.time.OffsetDateTime;

/** A row of {@code message_feedback}: the session owner's rating of one answer. JSON columns are kept as their text. */
public record Feedback(String rating, String reasonsJson, String comment, String sourcesJson,
                       OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
