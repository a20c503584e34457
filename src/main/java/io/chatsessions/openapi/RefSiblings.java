package io.chatsessions.openapi;

import java.util.List;
import java.util.Map;

/**
 * micronaut-openapi writes a status text (and a schema) next to every {@code $ref} of a response or header; OpenAPI 3.0
 * ignores siblings of {@code $ref}, and linters warn about each one. The served document keeps the reference alone.
 */
final class RefSiblings {

    private RefSiblings() {
    }

    static void remove(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey("$ref")) {
                map.keySet().removeIf(key -> !"$ref".equals(key));
                return;
            }
            map.values().forEach(RefSiblings::remove);
        } else if (node instanceof List<?> list) {
            list.forEach(RefSiblings::remove);
        }
    }
}
