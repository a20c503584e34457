package io.chatsessions.session;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.json.JsonValues;
import io.chatsessions.json.Text;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Turns session request bodies into validated commands, or a 400 listing every bad field. */
@Singleton
public class SessionRequests {

    static final int MAX_TITLE_CHARACTERS = 200;
    private static final Set<String> WRITABLE = Set.of("title", "metadata", "archived");
    private static final Set<String> READ_ONLY = Set.of("id", "user_id", "message_count", "created_at", "updated_at", "version");

    private final JsonBodies json;
    private final ApiLimits limits;

    public SessionRequests(JsonBodies json, ApiLimits limits) {
        this.json = json;
        this.limits = limits;
    }

    public NewSession parseCreate(byte[] body) {
        JsonNode object = json.parseObject(body, true);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", WRITABLE, READ_ONLY, errors);
        String title = title(object.get("title"), errors);
        JsonNode metadata = object.get("metadata");
        String metadataJson = "{}";
        if (metadata != null) {
            metadataJson = metadata(metadata, errors);
        }
        Boolean archived = JsonFields.bool(object.get("archived"), "archived", errors);
        if (object.get("archived") != null && object.get("archived").isNull()) {
            errors.add("archived", "must be a boolean");
        }
        errors.throwIfAny();
        return new NewSession(title, metadataJson, Boolean.TRUE.equals(archived));
    }

    public SessionPatch parsePatch(byte[] body) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", WRITABLE, READ_ONLY, errors);
        boolean setTitle = object.get("title") != null;
        String title = title(object.get("title"), errors);
        JsonNode metadata = object.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            errors.add("metadata", "must be an object");
        } else if (metadata != null && !metadata.isNull()) {
            JsonValues.check(metadata, "metadata", limits.maxJsonDepth(), errors);
        }
        JsonNode archivedNode = object.get("archived");
        if (archivedNode != null && archivedNode.isNull()) {
            errors.add("archived", "must be a boolean");
        }
        Boolean archived = JsonFields.bool(archivedNode, "archived", errors);
        errors.throwIfAny();
        // merge patch: "metadata": null removes the member, which for a required object means back to {}
        JsonNode metadataPatch = metadata == null ? null : metadata.isNull() ? JsonNode.nullNode() : metadata;
        return new SessionPatch(setTitle, title, metadataPatch, archived);
    }

    /** Serialized merged metadata, or a 400 when the merge made it too large. */
    String mergedMetadataJson(JsonNode merged) {
        FieldErrors errors = new FieldErrors();
        String text = sized(merged, errors);
        errors.throwIfAny();
        return text;
    }

    private String title(JsonNode value, FieldErrors errors) {
        String title = JsonFields.string(value, "title", true, errors);
        if (title != null && Text.characters(title) > MAX_TITLE_CHARACTERS) {
            errors.add("title", "must be at most " + MAX_TITLE_CHARACTERS + " characters");
        }
        return title;
    }

    private String metadata(JsonNode metadata, FieldErrors errors) {
        if (!metadata.isObject()) {
            errors.add("metadata", "must be an object");
            return null;
        }
        if (!JsonValues.check(metadata, "metadata", limits.maxJsonDepth(), errors)) {
            return null;
        }
        return sized(metadata, errors);
    }

    private String sized(JsonNode metadata, FieldErrors errors) {
        String text = json.write(metadata);
        if (text.getBytes(StandardCharsets.UTF_8).length > limits.maxMetadataBytes()) {
            errors.add("metadata", "must be at most " + limits.maxMetadataBytes() + " bytes serialized");
        }
        return text;
    }
}
