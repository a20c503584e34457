package io.chatsessions.json;

import io.micronaut.json.tree.JsonNode;

import java.util.Map;

/** Deep checks of free-form JSON (metadata, extra citation keys): storable strings and bounded nesting. */
public final class JsonValues {

    private JsonValues() {
    }

    /** Null if every string in the tree is storable and nesting is at most {@code maxDepth}; otherwise why not. */
    public static String problem(JsonNode node, int maxDepth) {
        return problem(node, maxDepth, 0);
    }

    private static String problem(JsonNode node, int maxDepth, int depth) {
        if (depth > maxDepth) {
            return "is nested deeper than " + maxDepth + " levels";
        }
        if (node.isString()) {
            return Text.problem(node.getStringValue());
        }
        if (node.isNumber() && !JsonFields.isFiniteNumber(node)) {
            return "contains a number out of range";
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.entries()) {
                String keyProblem = Text.problem(entry.getKey());
                if (keyProblem != null) {
                    return keyProblem;
                }
                String inner = problem(entry.getValue(), maxDepth, depth + 1);
                if (inner != null) {
                    return inner;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode value : node.values()) {
                String inner = problem(value, maxDepth, depth + 1);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }
}
