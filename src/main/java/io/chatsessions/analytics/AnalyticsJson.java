package io.chatsessions.analytics;

import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.json.JsonOutput;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.io.IOException;
import java.util.List;

/**
 * Writes the two reports; {@code query_type} and {@code day} appear only when the report is grouped by them. The
 * documented shapes are the records below.
 */
public final class AnalyticsJson {

    private AnalyticsJson() {
    }

    public static byte[] answers(List<AnswerFigures> groups, Grouping grouping) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (AnswerFigures a : groups) {
                g.writeStartObject();
                if (grouping.byQueryType()) {
                    g.writeStringField("query_type", a.queryType());
                }
                if (grouping.byDay()) {
                    g.writeStringField("day", a.day().toString());
                }
                g.writeNumberField("answers", a.answers());
                g.writeObjectFieldStart("latency_ms");
                number(g, "p50", a.latencyP50());
                number(g, "p95", a.latencyP95());
                number(g, "p99", a.latencyP99());
                g.writeEndObject();
                number(g, "top_k_avg", a.topKAvg());
                g.writeNumberField("with_sources", a.withSources());
                g.writeNumberField("cited", a.cited());
                feedback(g, a.feedbackUp(), a.feedbackDown());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    public static byte[] sources(List<SourceFigures> documents) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (SourceFigures s : documents) {
                g.writeStartObject();
                g.writeStringField("document_id", s.documentId());
                g.writeStringField("title", s.title());
                g.writeNumberField("citations", s.citations());
                g.writeNumberField("cited", s.cited());
                feedback(g, s.feedbackUp(), s.feedbackDown());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void number(JsonGenerator g, String name, Double value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    private static void feedback(JsonGenerator g, long up, long down) throws IOException {
        g.writeObjectFieldStart("feedback");
        g.writeNumberField("up", up);
        g.writeNumberField("down", down);
        g.writeEndObject();
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @Schema(name = "AnalyticsAnswers", description = "Answers (assistant messages that are completed) created in [from, to), by group")
    public record Answers(@ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED)) List<AnswerGroup> items) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @Schema(name = "AnalyticsAnswerGroup", description = "One group: `query_type` when grouped by it (null for answers without one), "
            + "`day` (UTC) when grouped by it")
    public record AnswerGroup(
            @Schema(nullable = true, description = "Present when group_by has query_type") String queryType,
            @Schema(format = "date", description = "Present when group_by has day: the UTC date of created_at") String day,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1") long answers,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Latency latencyMs,
            @Schema(name = "top_k_avg", requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, description = "Mean top_k of the answers that have one")
            Double topKAvg,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0", description = "Answers with at least one source")
            long withSources,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0", description = "Answers with at least one source marked cited: true")
            long cited,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) FeedbackCounts feedback) {
    }

    @Serdeable
    @Schema(name = "AnalyticsLatency", description = "percentile_cont of latency_ms (linear interpolation at p * (n - 1) over the n "
            + "answers that have latency_ms; null when none has)")
    public record Latency(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) Double p50,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) Double p95,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) Double p99) {
    }

    @Serdeable
    @Schema(name = "AnalyticsFeedbackCounts", description = "Answers rated up and down by their owner")
    public record FeedbackCounts(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") long up,
                                 @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") long down) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @Schema(name = "AnalyticsSources", description = "The documents listed most often in the sources of answers created in [from, to)")
    public record Sources(@ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED)) List<SourceDocument> items) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @Schema(name = "AnalyticsSourceDocument")
    public record SourceDocument(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String documentId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, description = "The latest non-null title it was cited with")
            String title,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1", description = "Answers that list it in sources")
            long citations,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0", description = "Of those, answers that mark it cited: true")
            long cited,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Feedback on the answers that list it") FeedbackCounts feedback) {
    }
}
