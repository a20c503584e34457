package io.chatsessions.session;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/**
 * The documented shape of session request bodies (POST and merge-patch PATCH). Bodies are parsed by
 * {@link SessionRequests}, which enforces exactly these rules; this type exists for the OpenAPI document.
 */
@Schema(name = "SessionWrite", description = "Writable session fields; unknown or read-only fields are rejected with 400")
record SessionWriteSchema(
        @Schema(nullable = true, maxLength = 200, description = "At most 200 characters; null clears it") String title,
        @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, description = "Any JSON object, at most {limits.maxMetadataBytes} bytes serialized; PATCH merges it per RFC 7396") Map<String, Object> metadata,
        @Schema(description = "false when omitted on create") Boolean archived) {
}
