package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.JsonValues;
import io.chatsessions.json.Text;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One message to append, validated: the request's value and its OpenAPI schema. Bodies come through
 * {@link JsonBodies#parseObject} ({@code StrictJson}) and {@link #read}, which holds every rule; limits come from
 * {@link ApiLimits} (the numbers in the annotations are their defaults, replaced by the configured ones in the served
 * document). {@code sources} and {@code metadata} are kept as the JSON text to store.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "MessageWrite", description = "One message to append; unknown or read-only fields are rejected with 400. "
        + "Content, sources and metadata together take at most {limits.maxMessageBytes} bytes (CHAT_LIMITS_MAX_MESSAGE_BYTES). A JSON number anywhere "
        + "may take at most 40 characters once written without an exponent (as the database stores it).")
public record MessageInput(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"user", "assistant", "system", "tool"})
        String role,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 262144,
                description = "At most {limits.maxContentBytes} bytes of UTF-8 (CHAT_LIMITS_MAX_CONTENT_BYTES; maxLength counts "
                        + "characters, the server counts bytes); may be empty only for tool, or while not completed")
        String content,
        @ArraySchema(arraySchema = @Schema(implementation = Sources.class, nullable = true, requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                description = "RAG citations, at most {limits.maxSources} and {limits.maxSourcesBytes} bytes serialized (CHAT_LIMITS_MAX_SOURCES, CHAT_LIMITS_MAX_SOURCES_BYTES)"),
                schema = @Schema(implementation = Source.class), maxItems = 100)
        @Nullable String sources,
        @Schema(nullable = true, minimum = "0") Integer latencyMs,
        @Schema(nullable = true, minimum = "1", maximum = "1000") Integer topK,
        @Schema(nullable = true, pattern = "^[A-Za-z0-9_.:-]{1,64}$", example = "hybrid") String queryType,
        @Schema(implementation = Map.class, additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "Any JSON object, at most {limits.maxMetadataBytes} bytes serialized (CHAT_LIMITS_MAX_METADATA_BYTES)")
        String metadata,
        @Schema(allowableValues = {"completed", "in_progress", "failed", "cancelled"}, requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                description = "Default completed (no `default` keyword: generated clients would then require the field). in_progress: an answer still being streamed. It gets its seq now (the next message lands after it), "
                        + "its content may be empty, and it is completed by PATCH")
        String status,
        @Schema(nullable = true, pattern = "^[a-z0-9_]{1,64}$", example = "stop") String finishReason,
        @Schema(implementation = MessageError.class, type = "object", nullable = true) String error) {

    static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");
    static final Set<String> STATUSES = Set.of(Message.COMPLETED, Message.IN_PROGRESS, "failed", "cancelled");
    static final int MAX_ERROR_BYTES = 2048;
    private static final Set<String> WRITABLE = Set.of("role", "content", "sources", "latency_ms", "top_k", "query_type", "metadata",
            "status", "finish_reason", "error");
    static final Set<String> READ_ONLY = Set.of("id", "session_id", "seq", "created_at", "version", "updated_at", "completed_at", "feedback");
    private static final Pattern QUERY_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern FINISH_REASON = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Set<String> SOURCE_STRINGS = Set.of("document_id", "chunk_id", "title", "url", "snippet");

    /** A citation as documented; only for the schema (sources are validated and stored as JSON text). */
    @Schema(name = "Source", description = "A citation; known keys are type-checked (each may be null), other keys are kept as given",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record Source(@Nullable String documentId, @Nullable String chunkId, @Nullable String title, @Nullable String url,
                  @Nullable Double score, @Nullable String snippet, @Nullable Integer page, @Nullable Boolean cited) {
    }

    /** Only for the schema: what {@code sources} holds, an array of {@link Source}s. */
    interface Sources extends List<Source> {
    }

    /** The body of a batch append: 1 to {@code maxBatchMessages} messages, appended atomically in this order. */
    @Serdeable
    @Schema(name = "MessageBatchWrite")
    public record Batch(@ArraySchema(minItems = 1, maxItems = 100, arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED))
                        List<MessageInput> messages) {

        public static Batch parse(byte[] body, JsonBodies json, ApiLimits limits) {
            JsonNode object = json.parseObject(body, false);
            FieldErrors errors = new FieldErrors();
            JsonFields.checkNames(object, "", Set.of("messages"), Set.of(), errors);
            JsonNode messages = object.get("messages");
            List<MessageInput> parsed = new ArrayList<>();
            if (messages == null || !messages.isArray()) {
                errors.add("messages", "must be an array of 1 to " + limits.maxBatchMessages() + " messages");
            } else if (messages.size() < 1 || messages.size() > limits.maxBatchMessages()) {
                errors.add("messages", "must hold 1 to " + limits.maxBatchMessages() + " messages");
            } else {
                int index = 0;
                for (JsonNode item : messages.values()) {
                    String prefix = "messages[" + index++ + "].";
                    if (!item.isObject()) {
                        errors.add(prefix.substring(0, prefix.length() - 1), "must be an object");
                        continue;
                    }
                    parsed.add(read(item, prefix, json, limits, errors));
                }
            }
            errors.throwIfAny();
            return new Batch(parsed);
        }
    }

    /** The body as one message, or a 400 listing every bad field. */
    public static MessageInput parse(byte[] body, JsonBodies json, ApiLimits limits) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        MessageInput message = read(object, "", json, limits, errors);
        errors.throwIfAny();
        return message;
    }

    /** The message in {@code object}, its problems reported at {@code prefix + field}. */
    public static MessageInput read(JsonNode object, String prefix, JsonBodies json, ApiLimits limits, FieldErrors errors) {
        JsonFields.checkNames(object, prefix, WRITABLE, READ_ONLY, errors);
        String role = role(object.get("role"), prefix + "role", errors);
        String status = object.get("status") == null ? Message.COMPLETED : status(object.get("status"), prefix + "status", errors);
        String content = content(object.get("content"), prefix + "content", limits, errors);
        if (content != null) {
            checkNotEmpty(content, role, status, prefix + "content", errors);
        }
        String sources = sources(object.get("sources"), prefix + "sources", json, limits, errors);
        Integer latency = latencyMs(object.get("latency_ms"), prefix + "latency_ms", errors);
        Integer topK = topK(object.get("top_k"), prefix + "top_k", errors);
        String queryType = queryType(object.get("query_type"), prefix + "query_type", errors);
        JsonNode metadataNode = object.get("metadata");
        String metadata = metadataNode == null ? "{}" : metadata(metadataNode, prefix + "metadata", json, limits, errors);
        String finishReason = finishReason(object.get("finish_reason"), prefix + "finish_reason", errors);
        String error = error(object.get("error"), prefix + "error", json, errors);
        checkTotal(content, sources, metadata, prefix, limits, errors);
        return new MessageInput(role, content, sources, latency, topK, queryType, metadata, status, finishReason, error);
    }

    /** Content, sources and metadata together within {@code maxMessageBytes}. */
    static void checkTotal(String content, String sources, String metadata, String prefix, ApiLimits limits, FieldErrors errors) {
        long bytes = utf8Length(content) + utf8Length(sources) + utf8Length(metadata);
        if (bytes > limits.maxMessageBytes()) {
            errors.add(prefix.isEmpty() ? "message" : prefix.substring(0, prefix.length() - 1),
                    "must be at most " + limits.maxMessageBytes() + " bytes of content, sources and metadata together");
        }
    }

    /** A completed message needs content, unless it is a tool's; one being streamed (or failed) may be empty. */
    static void checkNotEmpty(String content, String role, String status, String field, FieldErrors errors) {
        if (content.isEmpty() && role != null && !role.equals("tool") && Message.COMPLETED.equals(status)) {
            errors.add(field, "must not be empty (only tool messages, and messages not completed, may be empty)");
        }
    }

    static Integer latencyMs(JsonNode value, String field, FieldErrors errors) {
        return JsonFields.integer(value, field, 0, Integer.MAX_VALUE, errors);
    }

    static Integer topK(JsonNode value, String field, FieldErrors errors) {
        return JsonFields.integer(value, field, 1, 1000, errors);
    }

    static String queryType(JsonNode value, String field, FieldErrors errors) {
        String queryType = JsonFields.string(value, field, true, errors);
        if (queryType != null && !QUERY_TYPE.matcher(queryType).matches()) {
            errors.add(field, "must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        return queryType;
    }

    static String metadata(JsonNode value, String field, JsonBodies json, ApiLimits limits, FieldErrors errors) {
        return json.objectText(value, field, limits.maxJsonDepth(), limits.maxMetadataBytes(), errors);
    }

    static String status(JsonNode value, String field, FieldErrors errors) {
        String status = JsonFields.string(value, field, false, errors);
        if (status != null && !STATUSES.contains(status)) {
            errors.add(field, "must be one of completed, in_progress, failed, cancelled");
            return null;
        }
        return status;
    }

    static String finishReason(JsonNode value, String field, FieldErrors errors) {
        String reason = JsonFields.string(value, field, true, errors);
        if (reason != null && !FINISH_REASON.matcher(reason).matches()) {
            errors.add(field, "must be 1 to 64 characters of a-z 0-9 _");
            return null;
        }
        return reason;
    }

    /** {@code {code, message}} (both strings, nothing else) within 2 KiB, as JSON text; null stays null. */
    static String error(JsonNode value, String field, JsonBodies json, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            errors.add(field, "must be an object {code, message} or null");
            return null;
        }
        int before = errors.size();
        JsonFields.checkNames(value, field + ".", Set.of("code", "message"), Set.of(), errors);
        for (String key : new String[]{"code", "message"}) {
            if (value.get(key) == null) {
                errors.add(field + "." + key, "is required");
            } else {
                JsonFields.string(value.get(key), field + "." + key, false, errors);
            }
        }
        if (errors.size() != before) {
            return null;
        }
        String text = json.write(value);
        if (Text.utf8Length(text) > MAX_ERROR_BYTES) {
            errors.add(field, "must be at most " + MAX_ERROR_BYTES + " bytes serialized");
            return null;
        }
        return text;
    }

    private static String role(JsonNode value, String field, FieldErrors errors) {
        if (value == null) {
            errors.add(field, "is required");
            return null;
        }
        String role = JsonFields.string(value, field, false, errors);
        if (role != null && !ROLES.contains(role)) {
            errors.add(field, "must be one of user, assistant, system, tool");
            return null;
        }
        return role;
    }

    static String content(JsonNode value, String field, ApiLimits limits, FieldErrors errors) {
        if (value == null || value.isNull()) {
            errors.add(field, "is required");
            return null;
        }
        String content = JsonFields.string(value, field, false, errors);
        if (content == null) {
            return null;
        }
        if (Text.utf8Length(content) > limits.maxContentBytes()) {
            errors.add(field, "must be at most " + limits.maxContentBytes() + " bytes of UTF-8");
        }
        return content;
    }

    static String sources(JsonNode value, String field, JsonBodies json, ApiLimits limits, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            errors.add(field, "must be an array of objects or null");
            return null;
        }
        if (value.size() > limits.maxSources()) {
            errors.add(field, "must hold at most " + limits.maxSources() + " sources");
            return null;
        }
        int before = errors.size();
        int index = 0;
        for (JsonNode source : value.values()) {
            source(source, field + "[" + index++ + "]", limits, errors);
        }
        if (errors.size() != before) {
            return null;
        }
        String text = json.write(value);
        if (Text.utf8Length(text) > limits.maxSourcesBytes()) {
            errors.add(field, "must be at most " + limits.maxSourcesBytes() + " bytes serialized");
            return null;
        }
        return text;
    }

    private static void source(JsonNode source, String field, ApiLimits limits, FieldErrors errors) {
        if (!source.isObject()) {
            errors.add(field, "must be an object");
            return;
        }
        for (Map.Entry<String, JsonNode> entry : source.entries()) {
            String key = entry.getKey();
            JsonNode v = entry.getValue();
            String path = field + "." + key;
            if (v.isNull()) {
                continue;
            }
            if (SOURCE_STRINGS.contains(key)) {
                JsonFields.string(v, path, false, errors);
            } else if (key.equals("score")) {
                if (!v.isNumber()) {
                    errors.add(path, "must be a number");
                } else {
                    String problem = JsonValues.numberProblem(v);
                    if (problem != null) {
                        errors.add(path, problem);
                    }
                }
            } else if (key.equals("page")) {
                JsonFields.integer(v, path, Integer.MIN_VALUE, Integer.MAX_VALUE, errors);
            } else if (key.equals("cited")) {
                JsonFields.bool(v, path, errors);
            } else {
                String keyProblem = Text.problem(key);
                if (keyProblem != null) {
                    errors.add(path, keyProblem);
                } else {
                    JsonValues.check(v, path, limits.maxJsonDepth(), errors);
                }
            }
        }
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : Text.utf8Length(text);
    }
}
