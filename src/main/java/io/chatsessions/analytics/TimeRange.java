package io.chatsessions.analytics;

import io.chatsessions.error.ProblemException;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * The half-open range [from, to) of an analytics call, over the answers' {@code created_at}. Both are RFC 3339
 * timestamps with an offset. Without {@code to} it ends now; without {@code from} it starts the default range before
 * {@code to}. Longer than the maximum, empty, or reversed is a 400 naming the parameter: a range is what bounds the
 * rows an operator's query reads.
 */
public record TimeRange(Instant from, Instant to) {

    public static TimeRange parse(@Nullable String from, @Nullable String to, AnalyticsSettings settings, Supplier<Instant> now) {
        Instant end = to == null ? now.get() : instant(to, "to");
        Instant start = from == null ? end.minus(settings.defaultRange()) : instant(from, "from");
        if (!start.isBefore(end)) {
            throw ProblemException.invalidField("from", "must be before to (" + end + ")");
        }
        if (Duration.between(start, end).compareTo(settings.maxRange()) > 0) {
            throw ProblemException.invalidField(from == null ? "to" : "from", "the range from " + start + " to " + end
                    + " is longer than CHAT_ANALYTICS_MAX_RANGE (" + settings.maxRange() + ")");
        }
        return new TimeRange(start, end);
    }

    private static Instant instant(String value, String field) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "must be an RFC 3339 timestamp with an offset, e.g. 2026-01-31T00:00:00Z");
        }
    }
}
