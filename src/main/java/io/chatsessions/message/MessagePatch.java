package io.chatsessions.message;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.JsonValues;
import io.chatsessions.json.MergePatch;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A validated merge patch (RFC 7396) of a message being streamed, and its OpenAPI schema. {@code sets} names the fields
 * present in the body; a present nullable field may be null (it clears the value). Values are checked with
 * {@link MessageInput}'s rules; {@code metadata} is kept as the patch to merge into the stored metadata.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "MessagePatch", description = "Fields to change while the message is in_progress; absent fields stay as they are, "
        + "unknown or read-only fields (role among them) are rejected with 400. An empty patch changes nothing but the version and "
        + "updated_at (a keep-alive: the message is then not abandoned). Content, sources and metadata of the result take at most "
        + "{limits.maxMessageBytes} bytes together (CHAT_LIMITS_MAX_MESSAGE_BYTES).")
public record MessagePatch(
        @Schema(hidden = true) Set<String> sets,
        @Schema(maxLength = 262144, description = "The whole content so far (it replaces the stored one), at most "
                + "{limits.maxContentBytes} bytes of UTF-8 (CHAT_LIMITS_MAX_CONTENT_BYTES); not null. It may be empty "
                + "unless the message ends up completed (tool messages excepted)") String content,
        @ArraySchema(arraySchema = @Schema(implementation = MessageInput.Sources.class, nullable = true,
                description = "Replaces the citations (null clears them), at most {limits.maxSources} and {limits.maxSourcesBytes} bytes serialized"),
                schema = @Schema(implementation = MessageInput.Source.class), maxItems = 100)
        @Nullable String sources,
        @Schema(nullable = true, minimum = "0") Integer latencyMs,
        @Schema(nullable = true, minimum = "1", maximum = "1000") Integer topK,
        @Schema(nullable = true, pattern = "^[A-Za-z0-9_.:-]{1,64}$", example = "hybrid") String queryType,
        @Schema(implementation = Map.class, nullable = true, additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "Merged into the current metadata per RFC 7396 (null resets it to {}); the result takes at most "
                        + "{limits.maxMetadataBytes} bytes serialized (CHAT_LIMITS_MAX_METADATA_BYTES)") JsonNode metadata,
        @Schema(allowableValues = {"completed", "in_progress", "failed", "cancelled"},
                description = "Leaving in_progress completes the message (completed_at is set, the session's version and updated_at "
                        + "bump) and makes it final: a later PATCH is 409. Never back to in_progress") String status,
        @Schema(nullable = true, pattern = "^[a-z0-9_]{1,64}$", example = "stop") String finishReason,
        @Schema(implementation = MessageError.class, nullable = true) String error) {

    static final Set<String> WRITABLE = Set.of("content", "sources", "latency_ms", "top_k", "query_type", "metadata",
            "status", "finish_reason", "error");
    private static final Set<String> READ_ONLY = readOnly();

    /** The body as a patch, or a 400 listing every bad field. */
    public static MessagePatch parse(byte[] body, JsonBodies json, ApiLimits limits) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", WRITABLE, READ_ONLY, errors);
        Set<String> sets = new LinkedHashSet<>();
        for (String name : WRITABLE) {
            if (object.get(name) != null) {
                sets.add(name);
            }
        }
        JsonNode contentNode = object.get("content");
        String content = null;
        if (contentNode != null) {
            if (contentNode.isNull()) {
                errors.add("content", "must be a string (null is not allowed; send \"\" for no content)");
            } else {
                content = MessageInput.content(contentNode, "content", limits, errors);
            }
        }
        String sources = MessageInput.sources(object.get("sources"), "sources", json, limits, errors);
        Integer latency = MessageInput.latencyMs(object.get("latency_ms"), "latency_ms", errors);
        Integer topK = MessageInput.topK(object.get("top_k"), "top_k", errors);
        String queryType = MessageInput.queryType(object.get("query_type"), "query_type", errors);
        JsonNode metadata = object.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            errors.add("metadata", "must be an object or null");
        } else if (metadata != null && !metadata.isNull()) {
            JsonValues.check(metadata, "metadata", limits.maxJsonDepth(), errors);
        }
        String status = object.get("status") == null ? null : MessageInput.status(object.get("status"), "status", errors);
        String finishReason = MessageInput.finishReason(object.get("finish_reason"), "finish_reason", errors);
        String error = MessageInput.error(object.get("error"), "error", json, errors);
        // An empty completed message is refused by the repository: the role that decides it is on the stored row.
        errors.throwIfAny();
        return new MessagePatch(Set.copyOf(sets), content, sources, latency, topK, queryType, metadata, status, finishReason, error);
    }

    public boolean sets(String field) {
        return sets.contains(field);
    }

    /** Whether this patch takes the message out of in_progress (its completion). */
    public boolean completes() {
        return status != null && !Message.IN_PROGRESS.equals(status);
    }

    /** The stored metadata after this patch, as text within the metadata limit, or a 400. */
    String mergedMetadata(String currentJson, JsonBodies json, ApiLimits limits) {
        JsonNode merged = metadata.isNull()
                ? JsonNode.createObjectNode(Map.of())
                : MergePatch.apply(json.parseStored(currentJson), metadata);
        FieldErrors errors = new FieldErrors();
        String text = json.sizedText(merged, "metadata", limits.maxMetadataBytes(), errors);
        errors.throwIfAny();
        return text;
    }

    private static Set<String> readOnly() {
        Set<String> names = new LinkedHashSet<>(MessageInput.READ_ONLY);
        names.add("role");
        return Set.copyOf(names);
    }
}
