package io.chatsessions.analytics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code chat_answer_latency_ms{query_type}}: a Prometheus histogram of the {@code latency_ms} of answers (assistant
 * messages) when they are stored completed, either created completed or PATCHed to completed; an answer without
 * latency_ms is not observed. Copies (fork, import) are not new answers and are not counted. Buckets from 100 ms to
 * 60 s, about 1.5-2x apart, where RAG answers fall (retrieval alone to a long generation); query_type is bounded by
 * {@link QueryTypeLabels}.
 */
@Singleton
public class AnswerLatencyMetrics {

    static final double[] BUCKETS_MS = {100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 60000};

    private final MeterRegistry registry;
    private final QueryTypeLabels labels;
    private final ConcurrentMap<String, DistributionSummary> histograms = new ConcurrentHashMap<>();

    public AnswerLatencyMetrics(MeterRegistry registry, QueryTypeLabels labels) {
        this.registry = registry;
        this.labels = labels;
    }

    /** An answer was stored completed: its role, status, latency_ms and query_type as stored. */
    public void stored(String role, String status, Integer latencyMs, String queryType) {
        if (!"assistant".equals(role) || !"completed".equals(status) || latencyMs == null) {
            return;
        }
        histograms.computeIfAbsent(labels.label(queryType), label -> DistributionSummary.builder("chat.answer.latency.ms")
                        .description("latency_ms of answers stored completed, by query_type (a bounded set)")
                        .tag("query_type", label)
                        .serviceLevelObjectives(BUCKETS_MS)
                        .register(registry))
                .record(latencyMs);
    }
}
