package io.chatsessions.analytics;

import io.micronaut.core.annotation.Nullable;

import java.time.LocalDate;

/** One group of the answers report; queryType and day are null when the report is not grouped by them. */
public record AnswerFigures(@Nullable String queryType, @Nullable LocalDate day, long answers,
                            @Nullable Double latencyP50, @Nullable Double latencyP95, @Nullable Double latencyP99,
                            @Nullable Double topKAvg, long withSources, long cited, long feedbackUp, long feedbackDown) {
}
