package io.chatsessions.analytics;

import io.chatsessions.config.DurationConverter;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/** The settings of the operators' analytics ({@code chat.analytics.*}, the {@code CHAT_ANALYTICS_*} variables). */
@Singleton
public class AnalyticsSettings {

    private final Duration defaultRange;
    private final Duration maxRange;
    private final Duration statementTimeout;
    private final int maxConcurrent;

    public AnalyticsSettings(@Value("${chat.analytics.default-range:P7D}") String defaultRange,
                             @Value("${chat.analytics.max-range:P90D}") String maxRange,
                             @Value("${chat.analytics.statement-timeout:30s}") String statementTimeout,
                             @Value("${chat.analytics.max-concurrent:2}") int maxConcurrent) {
        this.defaultRange = positive("CHAT_ANALYTICS_DEFAULT_RANGE", defaultRange);
        this.maxRange = positive("CHAT_ANALYTICS_MAX_RANGE", maxRange);
        this.statementTimeout = positive("CHAT_ANALYTICS_STATEMENT_TIMEOUT", statementTimeout);
        if (this.defaultRange.compareTo(this.maxRange) > 0) {
            throw new IllegalArgumentException("CHAT_ANALYTICS_DEFAULT_RANGE (" + defaultRange
                    + ") must not be longer than CHAT_ANALYTICS_MAX_RANGE (" + maxRange + ")");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("CHAT_ANALYTICS_MAX_CONCURRENT must be at least 1, got " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
    }

    private static Duration positive(String name, String value) {
        Duration duration;
        try {
            duration = DurationConverter.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must look like P7D, 7d, 5s or PT5S, got '" + value + "'");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got '" + value + "'");
        }
        return duration;
    }

    public Duration defaultRange() {
        return defaultRange;
    }

    public Duration maxRange() {
        return maxRange;
    }

    public Duration statementTimeout() {
        return statementTimeout;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }
}
