package io.chatsessions.web;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request and response schemas the build generates from the input and view records: arrays bounded by
 * minItems/maxItems, free-form JSON as objects with additionalProperties (never a JSON library's node class), and
 * citations with their known keys, all optional.
 */
class OpenApiSchemasTest {

    private static final String DOCUMENT = "META-INF/swagger/chat-sessions-1.0.0.yml";

    @Test
    void noSchemaIsAJsonLibrarysNodeClass() throws IOException {
        Map<String, Object> schemas = schemas();
        assertFalse(schemas.containsKey("JsonNode"), "components: " + schemas.keySet());
        assertFalse(String.valueOf(document()).contains("JsonNode"));
    }

    @Test
    void arraysAreBoundedByItemsNotLength() throws IOException {
        List<String> wrong = new ArrayList<>();
        walk(document(), "", wrong);
        assertEquals(List.of(), wrong);
        Map<String, Object> messages = property("MessageBatchWrite", "messages");
        assertEquals(1, messages.get("minItems"));
        assertEquals(100, messages.get("maxItems"));
        Map<String, Object> sources = property("MessageWrite", "sources");
        assertEquals("array", sources.get("type"));
        assertEquals(100, sources.get("maxItems"));
        assertEquals("#/components/schemas/Source", map(sources.get("items")).get("$ref"));
        // a response's sources: the shared nullable array of Source (components.yml), null when the message has none
        assertEquals("#/components/schemas/Sources", property("MessageResponse", "sources").get("$ref"));
        Map<String, Object> responseSources = map(schemas().get("Sources"));
        assertEquals("array", responseSources.get("type"));
        assertEquals(true, responseSources.get("nullable"));
        assertEquals("#/components/schemas/Source", map(responseSources.get("items")).get("$ref"));
    }

    @Test
    void metadataIsAFreeFormObject() throws IOException {
        for (String schema : List.of("MessageWrite", "SessionWrite", "SessionPatch", "MessageResponse", "SessionResponse")) {
            Map<String, Object> metadata = property(schema, "metadata");
            assertEquals("object", metadata.get("type"), schema);
            assertEquals(true, metadata.get("additionalProperties"), schema);
            assertNull(metadata.get("allOf"), schema);
            assertNull(metadata.get("$ref"), schema);
        }
    }

    @Test
    void aSourceHasItsKnownKeysAllOptionalAndKeepsOthers() throws IOException {
        Map<String, Object> source = map(schemas().get("Source"));
        assertEquals(true, source.get("additionalProperties"));
        assertEquals(Set.of("document_id", "chunk_id", "title", "url", "score", "snippet", "page", "cited"),
                map(source.get("properties")).keySet());
        assertNull(source.get("required"));
    }

    @Test
    void writesNameTheirRequiredFieldsOnly() throws IOException {
        assertEquals(List.of("content", "role"), map(schemas().get("MessageWrite")).get("required"));
        assertNull(map(schemas().get("SessionWrite")).get("required"));
        assertNull(map(schemas().get("SessionPatch")).get("required"));
        assertEquals(Set.of("title", "metadata", "archived"), map(map(schemas().get("SessionPatch")).get("properties")).keySet());
        assertEquals(200, property("SessionWrite", "title").get("maxLength"));
        assertEquals(200, property("SessionPatch", "title").get("maxLength"));
    }

    private static void walk(Object node, String path, List<String> wrong) {
        if (node instanceof Map<?, ?> object) {
            if ("array".equals(object.get("type")) && (object.containsKey("minLength") || object.containsKey("maxLength"))) {
                wrong.add(path);
            }
            object.forEach((key, value) -> walk(value, path + "/" + key, wrong));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "/" + i, wrong);
            }
        }
    }

    private static Map<String, Object> property(String schema, String name) throws IOException {
        Map<String, Object> property = map(map(map(schemas().get(schema)).get("properties")).get(name));
        assertNotNull(property, schema + "." + name);
        return property;
    }

    private static Map<String, Object> schemas() throws IOException {
        return map(map(document().get("components")).get("schemas"));
    }

    private static Map<String, Object> document() throws IOException {
        try (InputStream in = OpenApiSchemasTest.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            assertNotNull(in, DOCUMENT + " is generated by the build");
            Map<String, Object> document = new Yaml().load(in);
            assertTrue(document.containsKey("components"));
            return document;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
