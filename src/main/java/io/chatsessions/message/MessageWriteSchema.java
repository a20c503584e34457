package io.chatsessions.message;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The documented shape of a message in request bodies. Bodies are parsed by {@link MessageRequests}, which enforces
 * exactly these rules; these types exist for the OpenAPI document.
 */
@Schema(name = "MessageWrite", description = "One message to append; unknown or read-only fields are rejected with 400. "
        + "Content, sources and metadata together take at most 320 KiB (configurable). A JSON number anywhere may take at "
        + "most 40 characters once written without an exponent (as the database stores it).")
record MessageWriteSchema(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"user", "assistant", "system", "tool"}) String role,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "At most 256 KiB of UTF-8 (configurable); may be empty only for tool") String content,
        @Schema(nullable = true, maxLength = 100, description = "RAG citations, at most 100 and 64 KiB serialized (configurable)") List<SourceSchema> sources,
        @Schema(nullable = true, minimum = "0") Integer latencyMs,
        @Schema(nullable = true, minimum = "1", maximum = "1000") Integer topK,
        @Schema(nullable = true, pattern = "^[A-Za-z0-9_.:-]{1,64}$", example = "hybrid") String queryType,
        @Schema(description = "Any JSON object, at most 16 KiB serialized") Map<String, Object> metadata) {

    @Schema(name = "Source", description = "A citation; known keys are type-checked, other keys are kept as given")
    record SourceSchema(String documentId, String chunkId, String title, String url, Double score, String snippet,
                        Integer page, Boolean cited) {
    }

    @Schema(name = "MessageBatchWrite")
    record BatchSchema(@Schema(minLength = 1, maxLength = 100) List<MessageWriteSchema> messages) {
    }
}
