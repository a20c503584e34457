package io.chatsessions.message;

import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The documented shape of a message in request bodies. Bodies are parsed by {@link MessageRequests}, which enforces
 * exactly these rules; these types exist for the OpenAPI document.
 */
@Schema(name = "MessageWrite", description = "One message to append; unknown or read-only fields are rejected with 400. "
        + "Content, sources and metadata together take at most {limits.maxMessageBytes} bytes. A JSON number anywhere may take at "
        + "most 40 characters once written without an exponent (as the database stores it).")
record MessageWriteSchema(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"user", "assistant", "system", "tool"}) String role,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 262144, description = "At most {limits.maxContentBytes} bytes of UTF-8 (maxLength counts characters, the server bytes); may be empty only for tool") String content,
        @ArraySchema(maxItems = 100, arraySchema = @Schema(nullable = true, requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "RAG citations, at most {limits.maxSources} and {limits.maxSourcesBytes} bytes serialized")) @Nullable List<SourceSchema> sources,
        @Schema(nullable = true, minimum = "0") Integer latencyMs,
        @Schema(nullable = true, minimum = "1", maximum = "1000") Integer topK,
        @Schema(nullable = true, pattern = "^[A-Za-z0-9_.:-]{1,64}$", example = "hybrid") String queryType,
        @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, description = "Any JSON object, at most {limits.maxMetadataBytes} bytes serialized") Map<String, Object> metadata) {

    @Schema(name = "Source", description = "A citation; known keys are type-checked and may be null, other keys are kept as given",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record SourceSchema(@Nullable String documentId, @Nullable String chunkId, @Nullable String title, @Nullable String url,
                        @Nullable Double score, @Nullable String snippet, @Nullable Integer page, @Nullable Boolean cited) {
    }

    @Schema(name = "MessageBatchWrite")
    record BatchSchema(@ArraySchema(minItems = 1, maxItems = 100, arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED)) List<MessageWriteSchema> messages) {
    }
}
