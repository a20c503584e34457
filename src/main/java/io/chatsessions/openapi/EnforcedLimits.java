package io.chatsessions.openapi;

import io.chatsessions.config.ApiLimits;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the limits this instance enforces ({@link ApiLimits}, configurable) into the OpenAPI document the annotation
 * processor generated with the defaults: the numeric keywords of the request schemas and page-size parameters, found
 * by name, and every {@code {limits.name}} token in a text. The request types may be named by their old or new names.
 */
final class EnforcedLimits {

    private static final Pattern TOKEN = Pattern.compile("\\{limits\\.([A-Za-z]+)}");

    private final ApiLimits limits;
    private final Map<String, Object> values = new LinkedHashMap<>();

    EnforcedLimits(ApiLimits limits) {
        this.limits = limits;
        for (RecordComponent component : ApiLimits.class.getRecordComponents()) {
            try {
                values.put(component.getName(), component.getAccessor().invoke(limits));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The document with the enforced limits in place (the map is changed in place and returned). */
    @SuppressWarnings("unchecked")
    Map<String, Object> apply(Map<String, Object> document) {
        Map<String, Object> schemas = child(child(document, "components"), "schemas");
        for (String name : List.of("MessageWrite")) {
            Map<String, Object> properties = child(child(schemas, name), "properties");
            set(child(properties, "content"), "maxLength", limits.maxContentBytes());
            set(child(properties, "sources"), "maxItems", limits.maxSources());
        }
        Map<String, Object> batch = child(child(schemas, "MessageBatchWrite"), "properties");
        set(child(batch, "messages"), "maxItems", limits.maxBatchMessages());
        Map<String, Object> paths = child(document, "paths");
        pageSize(child(child(paths, "/api/v1/sessions"), "get"), limits.maxSessionPage(), limits.defaultSessionPage());
        pageSize(child(child(paths, "/api/v1/sessions/{sessionId}/messages"), "get"), limits.maxMessagePage(),
                limits.defaultMessagePage());
        return (Map<String, Object>) replaceTokens(document);
    }

    @SuppressWarnings("unchecked")
    private static void pageSize(Map<String, Object> operation, int maximum, int defaultValue) {
        if (!(operation.get("parameters") instanceof List<?> parameters)) {
            return;
        }
        for (Object parameter : parameters) {
            if (parameter instanceof Map<?, ?> p && "limit".equals(p.get("name")) && "query".equals(p.get("in"))) {
                Map<String, Object> schema = child((Map<String, Object>) p, "schema");
                set(schema, "maximum", maximum);
                set(schema, "default", defaultValue);
            }
        }
    }

    /** {@code {limits.maxContentBytes}} in any text becomes the enforced value; an unknown name is left as written. */
    private Object replaceTokens(Object node) {
        if (node instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) map;
            m.replaceAll((key, value) -> replaceTokens(value));
            return m;
        }
        if (node instanceof List<?> list) {
            @SuppressWarnings("unchecked") List<Object> l = (List<Object>) list;
            l.replaceAll(this::replaceTokens);
            return l;
        }
        if (node instanceof String text && text.contains("{limits.")) {
            Matcher token = TOKEN.matcher(text);
            StringBuilder out = new StringBuilder();
            while (token.find()) {
                Object value = values.get(token.group(1));
                token.appendReplacement(out, Matcher.quoteReplacement(value == null ? token.group() : String.valueOf(value)));
            }
            token.appendTail(out);
            return out.toString();
        }
        return node;
    }

    private static void set(Map<String, Object> node, String keyword, Object value) {
        if (!node.isEmpty()) {
            node.put(keyword, value);
        }
    }

    /** The child object, or an empty map (never stored) when the document has none under that key. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> node, String key) {
        return node.get(key) instanceof Map<?, ?> child ? (Map<String, Object>) child : new LinkedHashMap<>();
    }
}
