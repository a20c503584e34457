package io.chatsessions.feedback;

import io.chatsessions.analytics.QueryTypeLabels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code chat_feedback_total{rating, query_type}}: feedback stored (each PUT, a replacement included). query_type is
 * the rated message's, bounded by {@link QueryTypeLabels} (CHAT_METRICS_QUERY_TYPES, {@code none}, {@code other}): a
 * client's query_type never creates a new series, so the series stay 2 x (configured types + 2).
 */
@Singleton
public class FeedbackMetrics {

    private final MeterRegistry registry;
    private final QueryTypeLabels labels;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public FeedbackMetrics(MeterRegistry registry, QueryTypeLabels labels) {
        this.registry = registry;
        this.labels = labels;
    }

    public void stored(String rating, String queryType) {
        String label = labels.label(queryType);
        counters.computeIfAbsent(rating + '\n' + label, key -> Counter.builder("chat.feedback")
                        .description("Feedback stored on answers, by rating and by the answer's query_type (a bounded set)")
                        .tag("rating", rating)
                        .tag("query_type", label)
                        .register(registry))
                .increment();
    }
}
