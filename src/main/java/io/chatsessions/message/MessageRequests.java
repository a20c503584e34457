package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.db.UuidV7;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.JsonValues;
import io.chatsessions.json.Text;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns message request bodies into validated messages, or a 400 listing every bad field. */
@Singleton
public class MessageRequests {

    static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");
    private static final Set<String> WRITABLE = Set.of("role", "content", "sources", "latency_ms", "top_k", "query_type", "metadata");
    private static final Set<String> READ_ONLY = Set.of("id", "session_id", "seq", "created_at");
    private static final Pattern QUERY_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Set<String> SOURCE_STRINGS = Set.of("document_id", "chunk_id", "title", "url", "snippet");

    private final JsonBodies json;
    private final ApiLimits limits;

    public MessageRequests(JsonBodies json, ApiLimits limits) {
        this.json = json;
        this.limits = limits;
    }

    public NewMessage parseOne(byte[] body) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        NewMessage message = message(object, "", errors);
        errors.throwIfAny();
        return message;
    }

    public List<NewMessage> parseBatch(byte[] body) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", Set.of("messages"), Set.of(), errors);
        JsonNode messages = object.get("messages");
        List<NewMessage> parsed = new ArrayList<>();
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
                parsed.add(message(item, prefix, errors));
            }
        }
        errors.throwIfAny();
        return parsed;
    }

    private NewMessage message(JsonNode object, String prefix, FieldErrors errors) {
        JsonFields.checkNames(object, prefix, WRITABLE, READ_ONLY, errors);
        String role = role(object.get("role"), prefix + "role", errors);
        String content = content(object.get("content"), prefix + "content", role, errors);
        String sources = sources(object.get("sources"), prefix + "sources", errors);
        Integer latency = JsonFields.integer(object.get("latency_ms"), prefix + "latency_ms", 0, Integer.MAX_VALUE, errors);
        Integer topK = JsonFields.integer(object.get("top_k"), prefix + "top_k", 1, 1000, errors);
        String queryType = JsonFields.string(object.get("query_type"), prefix + "query_type", true, errors);
        if (queryType != null && !QUERY_TYPE.matcher(queryType).matches()) {
            errors.add(prefix + "query_type", "must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        String metadata = metadata(object.get("metadata"), prefix + "metadata", errors);
        long bytes = (content == null ? 0 : Text.utf8Length(content)) + utf8Length(sources) + utf8Length(metadata);
        if (bytes > limits.maxMessageBytes()) {
            errors.add(prefix.isEmpty() ? "message" : prefix.substring(0, prefix.length() - 1),
                    "must be at most " + limits.maxMessageBytes() + " bytes of content, sources and metadata together");
        }
        return new NewMessage(UuidV7.next(), role, content, sources, latency, topK, queryType, metadata);
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

    private String content(JsonNode value, String field, String role, FieldErrors errors) {
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

    private String sources(JsonNode value, String field, FieldErrors errors) {
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
            source(source, field + "[" + index++ + "]", errors);
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

    private static long utf8Length(String text) {
        return text == null ? 0 : Text.utf8Length(text);
    }

    private void source(JsonNode source, String field, FieldErrors errors) {
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

    private String metadata(JsonNode value, String field, FieldErrors errors) {
        if (value == null) {
            return "{}";
        }
        if (!value.isObject()) {
            errors.add(field, "must be an object");
            return null;
        }
        if (!JsonValues.check(value, field, limits.maxJsonDepth(), errors)) {
            return null;
        }
        String text = json.write(value);
        if (text.getBytes(StandardCharsets.UTF_8).length > limits.maxMetadataBytes()) {
            errors.add(field, "must be at most " + limits.maxMetadataBytes() + " bytes serialized");
        }
        return text;
    }
}
