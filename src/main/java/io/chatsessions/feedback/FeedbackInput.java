package io.chatsessions.feedback;

import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.json.Text;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of a feedback PUT, validated: the request's value and its OpenAPI schema. Bodies come through
 * {@link JsonBodies#parseObject} ({@code StrictJson}) and {@link #parse}, which holds every rule. Whether each source
 * index lies within the message's sources is checked by the statement that stores it ({@link FeedbackRepository#PUT}).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "FeedbackWrite", description = "The session owner's feedback on an answer; replaces earlier feedback. "
        + "Unknown fields are rejected with 400.")
public record FeedbackInput(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"up", "down"}) String rating,
        @ArraySchema(arraySchema = @Schema(nullable = true, description = "Why; default []"),
                schema = @Schema(minLength = 1, maxLength = 64), maxItems = 10)
        @Nullable List<String> reasons,
        @Schema(nullable = true, maxLength = 4096,
                description = "At most 4096 bytes of UTF-8 (maxLength counts characters, the server counts bytes)")
        @Nullable String comment,
        @ArraySchema(arraySchema = @Schema(nullable = true,
                description = "Per cited source: whether it was relevant. `index` is 0-based into the message's sources and "
                        + "must be below their number (else 400); each index at most once. Default []"),
                schema = @Schema(implementation = FeedbackResponse.SourceRating.class), maxItems = 100)
        @Nullable List<FeedbackResponse.SourceRating> sources) {

    static final Set<String> RATINGS = Set.of("up", "down");
    static final int MAX_REASONS = 10;
    static final int MAX_REASON_CHARACTERS = 64;
    static final int MAX_COMMENT_BYTES = 4096;
    static final int MAX_SOURCES = 100;
    private static final Set<String> WRITABLE = Set.of("rating", "reasons", "comment", "sources");
    private static final Set<String> READ_ONLY = Set.of("created_at", "updated_at");

    /** The body as feedback, or a 400 listing every bad field. Absent or null lists are empty. */
    public static FeedbackInput parse(byte[] body, JsonBodies json) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        FeedbackInput feedback = read(object, errors);
        errors.throwIfAny();
        return feedback;
    }

    /** The feedback in {@code object} (its created_at and updated_at are the caller's to read), problems into {@code errors}. */
    public static FeedbackInput read(JsonNode object, FieldErrors errors) {
        JsonFields.checkNames(object, "", WRITABLE, READ_ONLY, errors);
        String rating = rating(object.get("rating"), errors);
        List<String> reasons = reasons(object.get("reasons"), errors);
        String comment = comment(object.get("comment"), errors);
        List<FeedbackResponse.SourceRating> sources = sources(object.get("sources"), errors);
        return new FeedbackInput(rating, reasons, comment, sources);
    }

    /** {@code reasons} as the JSON array to store. */
    public String reasonsJson() {
        return new String(JsonOutput.write(g -> {
            g.writeStartArray();
            for (String reason : reasons) {
                g.writeString(reason);
            }
            g.writeEndArray();
        }), StandardCharsets.UTF_8);
    }

    /** {@code sources} as the JSON array to store. */
    public String sourcesJson() {
        return new String(JsonOutput.write(g -> {
            g.writeStartArray();
            for (FeedbackResponse.SourceRating source : sources) {
                g.writeStartObject();
                g.writeNumberField("index", source.index());
                g.writeBooleanField("relevant", source.relevant());
                g.writeEndObject();
            }
            g.writeEndArray();
        }), StandardCharsets.UTF_8);
    }

    /** The position of the first rated source whose index is at least {@code count}, or -1. */
    public int firstIndexAtLeast(int count) {
        for (int position = 0; position < sources.size(); position++) {
            if (sources.get(position).index() >= count) {
                return position;
            }
        }
        return -1;
    }

    private static String rating(JsonNode value, FieldErrors errors) {
        if (value == null) {
            errors.add("rating", "is required");
            return null;
        }
        String rating = JsonFields.string(value, "rating", false, errors);
        if (rating != null && !RATINGS.contains(rating)) {
            errors.add("rating", "must be up or down");
            return null;
        }
        return rating;
    }

    private static List<String> reasons(JsonNode value, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            errors.add("reasons", "must be an array of strings");
            return null;
        }
        if (value.size() > MAX_REASONS) {
            errors.add("reasons", "must hold at most " + MAX_REASONS + " reasons");
            return null;
        }
        List<String> reasons = new ArrayList<>(value.size());
        int index = 0;
        for (JsonNode reason : value.values()) {
            String field = "reasons[" + index++ + "]";
            String text = JsonFields.string(reason, field, false, errors);
            if (text != null && (text.isEmpty() || Text.characters(text) > MAX_REASON_CHARACTERS)) {
                errors.add(field, "must be 1 to " + MAX_REASON_CHARACTERS + " characters");
            }
            reasons.add(text);
        }
        return reasons;
    }

    private static String comment(JsonNode value, FieldErrors errors) {
        String comment = JsonFields.string(value, "comment", true, errors);
        if (comment != null && Text.utf8Length(comment) > MAX_COMMENT_BYTES) {
            errors.add("comment", "must be at most " + MAX_COMMENT_BYTES + " bytes of UTF-8");
        }
        return comment;
    }

    private static List<FeedbackResponse.SourceRating> sources(JsonNode value, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            errors.add("sources", "must be an array of {index, relevant}");
            return null;
        }
        if (value.size() > MAX_SOURCES) {
            errors.add("sources", "must hold at most " + MAX_SOURCES + " items");
            return null;
        }
        List<FeedbackResponse.SourceRating> sources = new ArrayList<>(value.size());
        Set<Integer> seen = new HashSet<>();
        int position = 0;
        for (JsonNode item : value.values()) {
            String field = "sources[" + position++ + "]";
            if (!item.isObject()) {
                errors.add(field, "must be an object {index, relevant}");
                continue;
            }
            JsonFields.checkNames(item, field + ".", Set.of("index", "relevant"), Set.of(), errors);
            Integer index = required(item, "index", field, errors)
                    ? JsonFields.integer(item.get("index"), field + ".index", 0, Integer.MAX_VALUE, errors) : null;
            Boolean relevant = required(item, "relevant", field, errors)
                    ? JsonFields.bool(item.get("relevant"), field + ".relevant", errors) : null;
            if (index != null && !seen.add(index)) {
                errors.add(field + ".index", "repeats index " + index);
            }
            if (index != null && relevant != null) {
                sources.add(new FeedbackResponse.SourceRating(index, relevant));
            }
        }
        return sources;
    }

    /** Present and not null; else reported. */
    private static boolean required(JsonNode item, String key, String field, FieldErrors errors) {
        JsonNode value = item.get(key);
        if (value == null || value.isNull()) {
            errors.add(field + "." + key, "is required");
            return false;
        }
        return true;
    }
}
