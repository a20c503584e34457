package io.chatsessions.session;

import io.micronaut.json.tree.JsonNode;

/**
 * A validated merge patch of a session: each field is either untouched ({@code set*} false) or set to the value
 * (a null title clears it; a metadata patch is merged into the current metadata per RFC 7396).
 */
public record SessionPatch(boolean setTitle, String title, JsonNode metadataPatch, Boolean archived) {

    public boolean isEmpty() {
        return !setTitle && metadataPatch == null && archived == null;
    }
}
