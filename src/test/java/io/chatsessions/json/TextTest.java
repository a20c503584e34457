package io.chatsessions.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TextTest {

    @Test
    void acceptsAnyValidUnicode() {
        assertNull(Text.problem("héllo 👋 مرحبا привет 你好"));
    }

    @Test
    void rejectsNulAndLoneSurrogates() {
        assertNotNull(Text.problem("a\u0000b"));
        assertNotNull(Text.problem("a\uD800"));
        assertNotNull(Text.problem("\uDC00a"));
    }

    @Test
    void utf8LengthMatchesTheEncoder() {
        String text = "aé€👋مرحبا你好";
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Text.utf8Length(text));
    }

    @Test
    void charactersCountCodePoints() {
        assertEquals(2, Text.characters("👋👋"));
    }
}
