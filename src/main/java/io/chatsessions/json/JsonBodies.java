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
