package io.chatsessions.json;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonFieldsTest {

    private static final JsonMapper MAPPER = JsonMapper.createDefault();

    @Test
    void integersMustBeWholeAndInRange() throws IOException {
        FieldErrors errors = new FieldErrors();
        assertEquals(5, JsonFields.integer(parse("5"), "n", 1, 10, errors));
        assertNull(JsonFields.integer(parse("5.5"), "n", 1, 10, errors));
        assertNull(JsonFields.integer(parse("11"), "n", 1, 10, errors));
        assertNull(JsonFields.integer(parse("99999999999999999999999"), "n", 1, 10, errors));
        assertNull(JsonFields.integer(parse("\"5\""), "n", 1, 10, errors));
        assertEquals(4, errors.size());
    }

    @Test
    void unknownAndReadOnlyNamesAreReported() throws IOException {
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(parse("{\"role\":1,\"seq\":2,\"colour\":3}"), "m.", Set.of("role"), Set.of("seq"), errors);
        assertEquals(2, errors.size());
    }

    @Test
    void hugeExponentIsNotAFiniteNumber() throws IOException {
        assertFalse(JsonFields.isFiniteNumber(parse("1e400")));
        assertTrue(JsonFields.isFiniteNumber(parse("0.75")));
    }

    @Test
    void deepNestingIsRejected() throws IOException {
        String deep = "[".repeat(40) + "]".repeat(40);
        assertTrue(JsonValues.problem(parse(deep), 32).contains("nested deeper"));
        assertNull(JsonValues.problem(parse("{\"a\":[{\"b\":1}]}"), 32));
    }

    private static JsonNode parse(String json) throws IOException {
        return MAPPER.readValue(json, JsonNode.class);
    }
}
