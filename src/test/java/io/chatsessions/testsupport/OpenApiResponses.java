package io.chatsessions.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks an answer of the API against the OpenAPI document the server serves (what client teams generate code from):
 * the operation must list the status code, the content type, and the body must match the response's schema (JSON
 * Schema validation with networknt's OpenAPI 3.0 dialect). Answers to requests the document has no operation for
 * (an unknown path or method) are not checked: the document cannot list what does not exist.
 * <p>
 * {@code -Dchat.openapi.responses=strict} (default) fails the call that got a non-conforming answer, {@code report}
 * prints each distinct violation once, {@code off} checks nothing.
 */
public final class OpenApiResponses {

    public enum Mode { STRICT, REPORT, OFF }

    /** Where application.yml maps the generated document ({@code micronaut.router.static-resources.swagger}). */
    public static final String DOCUMENT_PATH = "/swagger/chat-sessions-1.0.0.yml";
    private static final String SCHEMA_IRI = "https://chat-sessions.test/response-schema/";
    private static final Map<URI, OpenApiResponses> BY_SERVER = new ConcurrentHashMap<>();
    /** Servers with the same settings serve the same document: its schemas are compiled once per JVM. */
    private static final Map<String, OpenApiResponses> BY_DOCUMENT = new ConcurrentHashMap<>();
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicInteger SCHEMA_DOCUMENTS = new java.util.concurrent.atomic.AtomicInteger();

    private final List<Operation> operations = new ArrayList<>();
    private final JsonNode components;
    /** Per response schema a document of its own, {"components": (the document's), "response": schema}, so refs resolve. */
    private final Map<String, String> schemaDocuments = new ConcurrentHashMap<>();
    private final SchemaRegistry schemas = SchemaRegistry.withDialect(Dialects.getOpenApi30(),
            builder -> builder.schemas(schemaDocuments::get));
    private final Map<JsonNode, Schema> compiled = new ConcurrentHashMap<>();

    record Operation(String method, String template, Pattern path, JsonNode responses) {
    }

    public OpenApiResponses(String document) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document is not YAML/JSON", e);
        }
        components = root.path("components");
        for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            Pattern pattern = Pattern.compile(Pattern.quote(path.getKey()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q"));
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                operations.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(), pattern,
                        method.getValue().path("responses")));
            }
        }
    }

    public static Mode mode() {
        return Mode.valueOf(System.getProperty("chat.openapi.responses", "strict").trim().toUpperCase(Locale.ROOT));
    }

    /** The document {@code server} serves, fetched once per server (each suite's server may have its own settings). */
    public static OpenApiResponses servedBy(URI server) {
        return BY_SERVER.computeIfAbsent(server, base -> {
            Api.Response document = new Http().get(base.resolve(DOCUMENT_PATH), null, Duration.ofSeconds(30));
            if (document.status() != 200) {
                throw new AssertionError("the server does not serve its OpenAPI document at " + DOCUMENT_PATH + ": "
                        + document.describe());
            }
            return BY_DOCUMENT.computeIfAbsent(document.body(), OpenApiResponses::new);
        });
    }

    /** Checks one answer according to {@link #mode()}: fails (strict), prints once (report) or does nothing (off). */
    public static void check(URI server, String method, String target, Api.Response response) {
        Mode mode = mode();
        if (mode == Mode.OFF || response.status() < 0) {
            return;
        }
        List<String> violations = servedBy(server).violations(method, target, response);
        if (violations.isEmpty()) {
            return;
        }
        if (mode == Mode.STRICT) {
            throw new AssertionError("the answer to " + method + " " + target + " does not match the served OpenAPI document ("
                    + "-Dchat.openapi.responses=report to only list it): " + violations + "\n" + response.describe());
        }
        for (String violation : violations) {
            if (REPORTED.add(violation)) {
                System.out.println("OPENAPI-VIOLATION " + violation);
            }
        }
    }

    /** What in this answer the document does not describe (empty = conforms, or no operation to check against). */
    public List<String> violations(String method, String target, Api.Response response) {
        String path = URI.create(target).getRawPath();
        Operation operation = operations.stream()
                .filter(o -> o.method().equals(method) && o.path().matcher(path).matches())
                // a literal segment beats a template ("messages:batch" vs "{messageId}")
                .min((a, b) -> Integer.compare(a.template().split("\\{").length, b.template().split("\\{").length))
                .orElse(null);
        if (operation == null) {
            return List.of();
        }
        String where = method + " " + operation.template() + " " + response.status();
        String status = Integer.toString(response.status());
        String key = operation.responses().has(status) ? status
                : operation.responses().has(status.charAt(0) + "XX") ? status.charAt(0) + "XX"
                : operation.responses().has("default") ? "default" : null;
        if (key == null) {
            return List.of(where + ": status " + status + " is not documented (documented: "
                    + fieldNames(operation.responses()) + ")");
        }
        JsonNode documented = resolved(operation.responses().get(key));
        if (response.bytes().length == 0) {
            return List.of();
        }
        String contentType = response.header("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode content = documented.path("content");
        if (!content.has(mediaType)) {
            return List.of(where + ": content type " + mediaType + " is not documented (documented: " + fieldNames(content) + ")");
        }
        if (!content.path(mediaType).has("schema") || !mediaType.contains("json")) {
            return List.of();
        }
        Schema schema = compiled.computeIfAbsent(content.path(mediaType).path("schema"), this::compile);
        return schema.validate(response.body(), InputFormat.JSON).stream()
                // one line per kind of problem, not per array element: /items/7/title -> /items/*/title
                .map(error -> where + ": " + error.toString().replaceAll("/\\d+(?=[/:])", "/*"))
                .toList();
    }

    /** A response given as {@code $ref: '#/components/responses/Name'} is the one it names. */
    private JsonNode resolved(JsonNode response) {
        String ref = response.path("$ref").asText("");
        String prefix = "#/components/responses/";
        return ref.startsWith(prefix) ? components.path("responses").path(ref.substring(prefix.length())) : response;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private Schema compile(JsonNode responseSchema) {
        String iri = SCHEMA_IRI + SCHEMA_DOCUMENTS.incrementAndGet() + ".json";
        schemaDocuments.put(iri, Json.write(Map.of("components", components, "response", responseSchema)));
        return schemas.getSchema(SchemaLocation.of(iri + "#/response"));
    }
}
