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
                        + "characters, the server counts bytes); may be empty only for tool")
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
        String metadata) {

    static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");
    private static final Set<String> WRITABLE = Set.of("role", "content", "sources", "latency_ms", "top_k", "query_type", "metadata");
    private static final Set<String> READ_ONLY = Set.of("id", "session_id", "seq", "created_at");
    private static final Pattern QUERY_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
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
    static MessageInput read(JsonNode object, String prefix, JsonBodies json, ApiLimits limits, FieldErrors errors) {
        JsonFields.checkNames(object, prefix, WRITABLE, READ_ONLY, errors);
        String role = role(object.get("role"), prefix + "role", errors);
        String content = content(object.get("content"), prefix + "content", role, limits, errors);
        String sources = sources(object.get("sources"), prefix + "sources", json, limits, errors);
        Integer latency = JsonFields.integer(object.get("latency_ms"), prefix + "latency_ms", 0, Integer.MAX_VALUE, errors);
        Integer topK = JsonFields.integer(object.get("top_k"), prefix + "top_k", 1, 1000, errors);
        String queryType = JsonFields.string(object.get("query_type"), prefix + "query_type", true, errors);
        if (queryType != null && !QUERY_TYPE.matcher(queryType).matches()) {
            errors.add(prefix + "query_type", "must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        JsonNode metadataNode = object.get("metadata");
        String metadata = metadataNode == null ? "{}"
                : json.objectText(metadataNode, prefix + "metadata", limits.maxJsonDepth(), limits.maxMetadataBytes(), errors);
        long bytes = utf8Length(content) + utf8Length(sources) + utf8Length(metadata);
        if (bytes > limits.maxMessageBytes()) {
            errors.add(prefix.isEmpty() ? "message" : prefix.substring(0, prefix.length() - 1),
                    "must be at most " + limits.maxMessageBytes() + " bytes of content, sources and metadata together");
        }
        return new MessageInput(role, content, sources, latency, topK, queryType, metadata);
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

    private static String content(JsonNode value, String field, String role, ApiLimits limits, FieldErrors errors) {
        if (value == null || value.isNull()) {
            errors.add(field, "is required");
            return null;
        }
        String content = JsonFields.string(value, field, false, errors);
        if (content == null) {
            return null;
        }
        if (content.isEmpty() && role != null && !role.equals("tool")) {
            errors.add(field, "must not be empty (only tool messages may be empty)");
        }
        if (Text.utf8Length(content) > limits.maxContentBytes()) {
            errors.add(field, "must be at most " + limits.maxContentBytes() + " bytes of UTF-8");
        }
        return content;
    }

    private static String sources(JsonNode value, String field, JsonBodies json, ApiLimits limits, FieldErrors errors) {
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
