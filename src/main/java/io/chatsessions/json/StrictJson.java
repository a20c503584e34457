package io.chatsessions.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body as exactly one JSON value and nothing else: strict UTF-8 (no overlong forms or encoded
 * surrogates, which lenient decoders turn into other characters), no trailing content, no duplicate keys, and a
 * nesting limit checked while parsing, so hostile bodies are refused before any tree is built. Pure; unit-tested.
 */
public final class StrictJson {

    /** Far above what any field allows (32); stops a 100,000-deep body at once. */
    static final int MAX_PARSE_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_PARSE_DEPTH).build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {
    }

    /** The value, or an {@link IllegalArgumentException} saying what is wrong (safe to show to the caller). */
    public static JsonNode parse(byte[] body) {
        CharBuffer text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the request body is not valid UTF-8");
        }
        try (JsonParser parser = FACTORY.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("the request body is empty");
            }
            JsonNode value = read(parser, first);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("the request body has content after its JSON value");
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException("the request body is nested deeper than " + MAX_PARSE_DEPTH + " levels or too large");
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().contains("Duplicate field")
                    ? "the request body repeats a field name" : "the request body is not valid JSON");
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("the request body is not valid JSON");
        }
    }

    private static JsonNode read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, JsonNode> members = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    members.put(name, read(parser, parser.nextToken()));
                }
                return JsonNode.createObjectNode(members);
            }
            case START_ARRAY -> {
                List<JsonNode> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(read(parser, t));
                }
                return JsonNode.createArrayNode(items);
            }
            case VALUE_STRING -> {
                return JsonNode.createStringNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> JsonNode.createNumberNode(parser.getIntValue());
                    case LONG -> JsonNode.createNumberNode(parser.getLongValue());
                    default -> JsonNode.createNumberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return JsonNode.createNumberNode(parser.getDecimalValue());
            }
            case VALUE_TRUE -> {
                return JsonNode.createBooleanNode(true);
            }
            case VALUE_FALSE -> {
                return JsonNode.createBooleanNode(false);
            }
            case VALUE_NULL -> {
                return JsonNode.nullNode();
            }
            default -> throw new IllegalArgumentException("the request body is not valid JSON");
        }
    }
}
