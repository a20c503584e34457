package io.chatsessions.openapi;

import io.chatsessions.testsupport.Programs;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frontend team's client: openapi-typescript generates types from the served document, TypeScript (strict) compiles
 * reliability/openapi/client/session.mts against them and openapi-fetch, and the compiled script runs the README's
 * session (create, batch with citations, replay, append, page, get, list, patch, stale and real delete, 404) against a
 * live service, in Node and in headless Chromium from a page on an origin CORS_ALLOWED_ORIGINS allows.
 */
class GeneratedClientTest {

    private static final Path SOURCES = OpenApiTools.ROOT.resolve("reliability/openapi/client");
    private static final Path CLIENT = OpenApiTools.DIR.resolve("client");
    private static HttpServer pageOrigin;
    private static EmbeddedServer service;

    @BeforeAll
    static void generateAndCompile() throws Exception {
        OpenApiTools.install();
        pageOrigin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pageOrigin.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            Path file = switch (name) {
                case "page.html" -> SOURCES.resolve(name);
                case "openapi-fetch.mjs" -> OpenApiTools.DIR.resolve("node_modules/openapi-fetch/dist/index.mjs");
                case "browser-main.mjs", "session.mjs" -> CLIENT.resolve("out").resolve(name);
                default -> null;
            };
            byte[] body = file == null ? new byte[0] : Files.readAllBytes(file);
            exchange.getResponseHeaders().add("Content-Type", name.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript");
            exchange.sendResponseHeaders(file == null ? 404 : 200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        pageOrigin.start();
        service = TestServer.start(Map.of("CORS_ALLOWED_ORIGINS", origin()), Map.of());

        Files.createDirectories(CLIENT);
        for (String source : List.of("session.mts", "node-main.mts", "browser-main.mts", "tsconfig.json")) {
            Files.copy(SOURCES.resolve(source), CLIENT.resolve(source), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(CLIENT.resolve("served.yml"), ServedDocument.of(service.getURI()).text());
        OpenApiTools.Result types = OpenApiTools.run(List.of(OpenApiTools.bin("openapi-typescript").toString(), "served.yml",
                "-o", "api.d.ts"), CLIENT, Map.of(), 3);
        assertEquals(0, types.status(), "openapi-typescript failed:\n" + types.output());
        OpenApiTools.Result compile = OpenApiTools.run(List.of(OpenApiTools.bin("tsc").toString(), "-p", "."), CLIENT, Map.of(), 5);
        assertEquals(0, compile.status(), "the client does not compile against the generated types:\n" + compile.output());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.getApplicationContext().close();
        }
        if (pageOrigin != null) {
            pageOrigin.stop(0);
        }
    }

    @Test
    void readmeSessionRunsInNode() throws Exception {
        OpenApiTools.Result run = OpenApiTools.run(List.of("node", "out/node-main.mjs", apiUrl(), token()), CLIENT, Map.of(), 3);
        assertPassed("node", run.output());
    }

    @Test
    void readmeSessionRunsInChromium() throws Exception {
        String chromium = Programs.chromium();
        Assumptions.assumeTrue(chromium != null, "skipped: no chromium on PATH (set CHROMIUM, or apt-get install chromium as .ci/run does)");
        OpenApiTools.Result install = OpenApiTools.run(List.of("bash", OpenApiTools.ROOT.resolve("reliability/browser/install-playwright.sh").toString()),
                OpenApiTools.ROOT, Map.of(), 10);
        Assumptions.assumeTrue(install.status() == 0, "skipped: could not install playwright-core from npm: " + install.output());
        String config = Json.write(Map.of("api", apiUrl(), "token", token()));
        String page = origin() + "/page.html#" + URLEncoder.encode(config, StandardCharsets.UTF_8).replace("+", "%20");
        OpenApiTools.Result run = OpenApiTools.run(List.of("node", SOURCES.resolve("run-in-browser.cjs").toString(), page), CLIENT,
                Map.of("PLAYWRIGHT_CORE_DIR", OpenApiTools.ROOT.resolve("target/browser").toString(), "CHROMIUM", chromium), 3);
        assertPassed("chromium", run.output());
    }

    private static void assertPassed(String where, String output) {
        int start = output.lastIndexOf("\n{") + 1;
        JsonNode result = Json.parse(output.substring(start).trim());
        System.out.println("generated client in " + where + ": " + result.path("steps"));
        assertTrue(result.path("ok").asBoolean(), "the README session failed in " + where + ": " + output);
        assertEquals(13, result.path("steps").size(), "steps run in " + where + ": " + result.path("steps"));
    }

    private static String origin() {
        return "http://127.0.0.1:" + pageOrigin.getAddress().getPort();
    }

    private static String apiUrl() {
        return "http://127.0.0.1:" + service.getPort();
    }

    private static String token() {
        return Tokens.sign(TestServer.SECRET, "client-" + UUID.randomUUID(), Duration.ofHours(1), null, null);
    }

}
