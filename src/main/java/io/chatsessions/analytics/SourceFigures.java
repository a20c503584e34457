package io.chatsessions.analytics;

import io.micronaut.core.annotation.Nullable;

/** One document of the sources report. */
public record SourceFigures(String documentId, @Nullable String title, long citations, long cited,
                            long feedbackUp, long feedbackDown) {
}
