package io.chatsessions.json;

import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Parses request bodies into JSON trees and writes trees back out; the only JSON codec requests go through. */
@Singleton
public class JsonBodies {

    private final JsonMapper mapper;

    public JsonBodies(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON object; an empty body is {@code {}} when {@code emptyIsObject}. */
    public JsonNode parseObject(byte[] body, boolean emptyIsObject) {
        if (body == null || body.length == 0 || isBlank(body)) {
            if (emptyIsObject) {
                return JsonNode.createObjectNode(java.util.Map.of());
            }
            throw new ProblemException(ProblemType.MALFORMED_JSON, "the request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = StrictJson.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "the request body must be a JSON object");
        }
        return node;
    }

    public JsonNode parseStored(String json) {
        try {
            return mapper.readValue(json, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free-form JSON object (metadata) as the text to store: checked by {@link JsonValues#check} and at most
     * {@code maxBytes} serialized; null when it is no object or fails the checks (the text, with an error, when too large).
     */
    public String objectText(JsonNode value, String field, int maxDepth, int maxBytes, FieldErrors errors) {
        if (!value.isObject()) {
            errors.add(field, "must be an object");
            return null;
        }
        if (!JsonValues.check(value, field, maxDepth, errors)) {
            return null;
        }
        return sizedText(value, field, maxBytes, errors);
    }

    /** The tree as text, with an error when it takes more than {@code maxBytes} bytes. */
    public String sizedText(JsonNode value, String field, int maxBytes, FieldErrors errors) {
        String text = write(value);
        if (Text.utf8Length(text) > maxBytes) {
            errors.add(field, "must be at most " + maxBytes + " bytes serialized");
        }
        return text;
    }

    public String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
