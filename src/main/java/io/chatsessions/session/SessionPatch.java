package io.chatsessions.session;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.JsonValues;
import io.chatsessions.json.MergePatch;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/**
 * A validated merge patch of a session (RFC 7396), and its OpenAPI schema: each field is either untouched (absent;
 * for the title {@code setsTitle} false) or set (a null title clears it; a metadata patch is merged into the current
 * metadata, JSON null resets it to {}).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "SessionPatch", description = "Fields to change; absent fields stay as they are, unknown or read-only fields are rejected with 400")
public record SessionPatch(
        @Schema(hidden = true) boolean setsTitle,
        @Schema(nullable = true, maxLength = SessionInput.MAX_TITLE_CHARACTERS,
                description = "At most " + SessionInput.MAX_TITLE_CHARACTERS + " characters; null clears it") String title,
        @Schema(implementation = Map.class, nullable = true, additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "Merged into the current metadata per RFC 7396 (null resets it to {}); the result takes at most "
                        + "{limits.maxMetadataBytes} bytes serialized (CHAT_LIMITS_MAX_METADATA_BYTES)") JsonNode metadata,
        @Schema(description = "true or false (not null)") Boolean archived) {

    /** The body as a patch, or a 400 listing every bad field. */
    public static SessionPatch parse(byte[] body, JsonBodies json, ApiLimits limits) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", SessionInput.WRITABLE, SessionInput.READ_ONLY, errors);
        boolean setsTitle = object.get("title") != null;
        String title = SessionInput.title(object.get("title"), errors);
        JsonNode metadata = object.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            errors.add("metadata", "must be an object");
        } else if (metadata != null && !metadata.isNull()) {
            JsonValues.check(metadata, "metadata", limits.maxJsonDepth(), errors);
        }
        Boolean archived = SessionInput.archived(object.get("archived"), errors);
        errors.throwIfAny();
        return new SessionPatch(setsTitle, title, metadata, archived);
    }

    public boolean isEmpty() {
        return !setsTitle && metadata == null && archived == null;
    }

    /** The session's fields after this patch, or a 400 when the merged metadata is too large. */
    Session applyTo(Session current, JsonBodies json, ApiLimits limits) {
        String metadataJson = current.metadataJson();
        if (metadata != null) {
            JsonNode merged = metadata.isNull()
                    ? JsonNode.createObjectNode(Map.of())
                    : MergePatch.apply(json.parseStored(current.metadataJson()), metadata);
            FieldErrors errors = new FieldErrors();
            metadataJson = json.sizedText(merged, "metadata", limits.maxMetadataBytes(), errors);
            errors.throwIfAny();
        }
        return new Session(current.id(), current.userId(), setsTitle ? title : current.title(), metadataJson,
                archived != null ? archived : current.archived(), current.messageCount(), current.version(),
                current.createdAt(), current.updatedAt(), current.forkedFrom());
    }
}
