package io.chatsessions.json;

import io.micronaut.json.tree.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 7396 JSON Merge Patch. */
public final class MergePatch {

    private MergePatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        Map<String, JsonNode> result = new LinkedHashMap<>();
        if (target != null && target.isObject()) {
            for (Map.Entry<String, JsonNode> entry : target.entries()) {
                result.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, JsonNode> entry : patch.entries()) {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else {
                result.put(entry.getKey(), apply(result.get(entry.getKey()), entry.getValue()));
            }
        }
        return JsonNode.createObjectNode(result);
    }
}
