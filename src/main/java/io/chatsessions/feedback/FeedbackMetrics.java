package io.chatsessions.feedback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code chat_feedback_total{rating, query_type}}: feedback stored (each PUT, a replacement included). query_type is
 * the rated message's when it is one of {@code chat.metrics.query-types} (env CHAT_METRICS_QUERY_TYPES), {@code none}
 * when it has none, else {@code other}: a client's query_type never creates a new series, so the series stay
 * 2 x (configured types + 2).
 */
@Singleton
public class FeedbackMetrics {

    static final String OTHER = "other";
    static final String NONE = "none";

    private final MeterRegistry registry;
    private final Set<String> queryTypes;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public FeedbackMetrics(MeterRegistry registry,
                           @Value("${chat.metrics.query-types:semantic,hybrid,keyword}") List<String> queryTypes) {
        this.registry = registry;
        this.queryTypes = Set.copyOf(queryTypes.stream().map(String::trim).filter(t -> !t.isEmpty()).toList());
    }

    public void stored(String rating, String queryType) {
        String label = queryType == null ? NONE : queryTypes.contains(queryType) ? queryType : OTHER;
        counters.computeIfAbsent(rating + '\n' + label, key -> Counter.builder("chat.feedback")
                        .description("Feedback stored on answers, by rating and by the answer's query_type (a bounded set)")
                        .tag("rating", rating)
                        .tag("query_type", label)
                        .register(registry))
                .increment();
    }
}
