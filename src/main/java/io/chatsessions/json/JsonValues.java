package io.chatsessions.json;

import io.micronaut.json.tree.JsonNode;

import java.util.Map;

/**
 * Deep checks of free-form JSON (metadata, extra citation keys): storable strings, numbers that stay small once
 * stored (see {@link JsonNumbers}) and bounded nesting.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** Null if the tree passes {@link #check}; otherwise why not (without the path). */
    public static String problem(JsonNode node, int maxDepth) {
        FieldErrors errors = new FieldErrors();
        return check(node, "", maxDepth, errors) ? null : errors.first().message();
    }

    /**
     * Reports the first problem of the tree at its path below {@code field} ({@code metadata.a[2].b}); true if none.
     * One problem per tree is enough to refuse it and keeps a hostile tree from filling the error list.
     */
    public static boolean check(JsonNode node, String field, int maxDepth, FieldErrors errors) {
        return check(node, field, maxDepth, 0, errors);
    }

    private static boolean check(JsonNode node, String path, int maxDepth, int depth, FieldErrors errors) {
        if (depth > maxDepth) {
            errors.add(path, "is nested deeper than " + maxDepth + " levels");
            return false;
        }
        if (node.isString()) {
            return report(path, Text.problem(node.getStringValue()), errors);
        }
        if (node.isNumber()) {
            return report(path, numberProblem(node), errors);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.entries()) {
                String member = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
                if (!report(member, Text.problem(entry.getKey()), errors)
                        || !check(entry.getValue(), member, maxDepth, depth + 1, errors)) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            int index = 0;
            for (JsonNode value : node.values()) {
                if (!check(value, path + "[" + index++ + "]", maxDepth, depth + 1, errors)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Null for a finite number whose stored text is short; otherwise why not. */
    public static String numberProblem(JsonNode number) {
        // the length first: it is exact arithmetic, while a double conversion of 1e999999999 is not free
        if (!JsonNumbers.fits(number.getNumberValue())) {
            return JsonNumbers.TOO_LONG;
        }
        return JsonFields.isFiniteNumber(number) ? null : "contains a number out of range";
    }

    private static boolean report(String path, String problem, FieldErrors errors) {
        if (problem == null) {
            return true;
        }
        errors.add(path, problem);
        return false;
    }
}
