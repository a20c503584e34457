package io.chatsessions.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The tests' one JSON library, Jackson databind (the Kubernetes models and the OpenAPI validator are Jackson too):
 * trees and maps for reading answers, and hand-built literals for request bodies whose exact bytes matter.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static JsonNode parse(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON string literal (quotes included); only what JSON requires is escaped, so non-ASCII stays as UTF-8. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** {@code {"role":..., "content":...}} */
    public static String message(String role, String content) {
        return "{\"role\":" + quote(role) + ",\"content\":" + quote(content) + "}";
    }

    /** {@code {"messages":[...]}} of the given message objects. */
    public static String batch(String... messages) {
        return "{\"messages\":[" + String.join(",", messages) + "]}";
    }

    public static String batch(java.util.List<String> messages) {
        return "{\"messages\":[" + String.join(",", messages) + "]}";
    }
}
