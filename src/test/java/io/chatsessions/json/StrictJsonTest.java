package io.chatsessions.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonTest {

    @Test
    void readsObjectsArraysAndExactDecimals() {
        var node = StrictJson.parse("{\"a\":[1,2.50,true,null,\"x\"],\"big\":123456789012345678901234567890}".getBytes(StandardCharsets.UTF_8));
        assertEquals(5, node.get("a").size());
        assertEquals(new BigDecimal("2.50"), node.get("a").get(1).getNumberValue());
        assertTrue(node.get("big").isNumber());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":1,\"a\":2}", "", "{\"a\":}", "[1,]", "{'a':1}", "NaN"})
    void rejectsAnythingButOneCleanValue(String body) {
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rejectsOverlongAndSurrogateUtf8() {
        byte[] overlongSlash = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        byte[] encodedSurrogate = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse(overlongSlash));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse(encodedSurrogate));
    }

    @Test
    void stopsDeepNestingWhileParsing() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.parse(deep.getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("nested"), refused.getMessage());
    }
}
