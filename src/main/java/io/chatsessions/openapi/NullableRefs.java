package io.chatsessions.openapi;

import java.util.List;
import java.util.Map;

/**
 * A nullable reference needs {@code type: object, nullable: true, allOf: [$ref]} in OpenAPI 3.0 (Redocly's
 * nullable-type-sibling); given {@code type = "object"}, micronaut-openapi also adds a second {@code allOf} item
 * {@code {type: object}}, which openapi-typescript reads as "an object with no properties" and so types every such
 * field as never. The served document keeps the reference alone in the allOf.
 */
final class NullableRefs {

    private NullableRefs() {
    }

    static void tidy(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("allOf") instanceof List<?> allOf && allOf.stream().anyMatch(item -> item instanceof Map<?, ?> m && m.containsKey("$ref"))) {
                allOf.removeIf(item -> item instanceof Map<?, ?> m && m.size() == 1 && "object".equals(m.get("type")));
            }
            map.values().forEach(NullableRefs::tidy);
        } else if (node instanceof List<?> list) {
            list.forEach(NullableRefs::tidy);
        }
    }
}
