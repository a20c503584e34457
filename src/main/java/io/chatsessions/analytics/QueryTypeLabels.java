package io.chatsessions.analytics;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Set;

/**
 * The {@code query_type} label of the answer metrics ({@code chat_feedback_total}, {@code chat_answer_latency_ms}): the
 * answer's query_type when it is one of {@code CHAT_METRICS_QUERY_TYPES}, {@code none} without one, else
 * {@code other}. A client's query_type never creates a series: there are at most configured types + 2 label values.
 */
@Singleton
public class QueryTypeLabels {

    public static final String OTHER = "other";
    public static final String NONE = "none";

    private final Set<String> queryTypes;

    public QueryTypeLabels(@Value("${chat.metrics.query-types:semantic,hybrid,keyword}") List<String> queryTypes) {
        this.queryTypes = Set.copyOf(queryTypes.stream().map(String::trim).filter(t -> !t.isEmpty()).toList());
    }

    public String label(String queryType) {
        return queryType == null ? NONE : queryTypes.contains(queryType) ? queryType : OTHER;
    }
}
