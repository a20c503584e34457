package io.chatsessions.openapi;

import io.chatsessions.testsupport.Api;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The OpenAPI document a service serves (the URL Swagger UI loads), as text and as a tree. */
record ServedDocument(String text, Map<String, Object> tree) {

    static final String PATH = "/swagger/chat-sessions-1.0.0.yml";

    static ServedDocument of(URI service) {
        Api.Response response = new Api(service, null).get(PATH);
        assertEquals(200, response.status(), response.body());
        Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(response.body());
        return new ServedDocument(response.body(), tree);
    }

    /** The node at a path of keys (map keys, or {@code name=value} to pick a list element by its name). */
    @SuppressWarnings("unchecked")
    Map<String, Object> at(String... keys) {
        Object node = tree;
        for (String key : keys) {
            if (key.startsWith("name=")) {
                node = ((List<Map<String, Object>>) node).stream().filter(p -> key.substring(5).equals(p.get("name")))
                        .findFirst().orElse(null);
            } else {
                node = ((Map<String, Object>) node).get(key);
            }
            assertNotNull(node, "the document has no " + String.join(" / ", keys));
        }
        return (Map<String, Object>) node;
    }

    int number(String keyword, String... keys) {
        Object value = at(keys).get(keyword);
        assertNotNull(value, "no " + keyword + " at " + String.join(" / ", keys));
        return ((Number) value).intValue();
    }
}
