package io.chatsessions.security;

import io.chatsessions.testsupport.Programs;
import io.chatsessions.testsupport.Api;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 10: the chat page (reliability/browser/chat-page.html) is served from another origin, like the real
 * frontend, and run in headless Chromium driven by playwright-core (reliability/browser/cors-check.cjs). From an origin
 * in CORS_ALLOWED_ORIGINS it creates a session, appends a turn and reads it back (and can read the exposed ETag and
 * Location headers); from an origin not in the list the browser refuses the calls and nothing is written.
 * Needs Debian's chromium (installed by .ci/run) and npm (playwright-core is installed into target/browser); without
 * them the test is skipped with the reason.
 */
class BrowserCorsTest {

    @Test
    void chatPageOnAnAllowedOriginWorksAndAnotherOriginIsRefused() throws Exception {
        String chromium = Programs.chromium();
        Assumptions.assumeTrue(chromium != null, "skipped: no chromium on PATH (set CHROMIUM, or apt-get install chromium as .ci/run does)");
        Assumptions.assumeTrue(Programs.onPath("node") && Programs.onPath("npm"), "skipped: node/npm not installed (needed to install playwright-core)");
        Path root = Path.of("").toAbsolutePath();
        Process install = new ProcessBuilder("bash", root.resolve("reliability/browser/install-playwright.sh").toString())
                .redirectErrorStream(true).start();
        String installLog = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean installed = install.waitFor(5, TimeUnit.MINUTES) && install.exitValue() == 0;
        Assumptions.assumeTrue(installed, "skipped: could not install playwright-core from npm: " + installLog);

        byte[] page = Files.readAllBytes(root.resolve("reliability/browser/chat-page.html"));
        HttpServer allowedOrigin = pageServer(page);
        HttpServer refusedOrigin = pageServer(page);
        String allowed = "http://127.0.0.1:" + allowedOrigin.getAddress().getPort();
        String refused = "http://127.0.0.1:" + refusedOrigin.getAddress().getPort();
        try (Servers.Dedicated api = Servers.start(Map.of("CORS_ALLOWED_ORIGINS", allowed + ", https://chat.example.com"), Servers.NO_RATE_LIMIT)) {
            String apiUrl = "http://127.0.0.1:" + api.url().getPort();
            String allowedUser = "browser-ok-" + UUID.randomUUID();
            String refusedUser = "browser-refused-" + UUID.randomUUID();
            String content = "hello from the browser 👋 Привет 你好 مرحبا";
            String allowedPage = allowed + "/#" + fragment(apiUrl, Servers.token(allowedUser), content);
            String refusedPage = refused + "/#" + fragment(apiUrl, Servers.token(refusedUser), content);

            ProcessBuilder nodeCommand = new ProcessBuilder("node", root.resolve("reliability/browser/cors-check.cjs").toString(), allowedPage, refusedPage)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            nodeCommand.environment().put("PLAYWRIGHT_CORE_DIR", root.resolve("target/browser").toString());
            nodeCommand.environment().put("CHROMIUM", chromium);
            Process node = nodeCommand.start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(node.waitFor(3, TimeUnit.MINUTES), "playwright did not finish");
            JsonNode result = Json.parse(output.substring(output.lastIndexOf("\n{") + 1));

            List<String> violations = new ArrayList<>();
            if (result.has("fatal")) {
                violations.add("browser run failed: " + result.get("fatal").asText());
            } else {
                JsonNode ok = result.get("allowed");
                if (!ok.path("ok").asBoolean()) {
                    violations.add("allowed origin " + allowed + ": the page failed: " + ok);
                } else {
                    for (JsonNode step : ok.get("steps")) {
                        int status = step.get("status").asInt();
                        if (status < 200 || status >= 300) {
                            violations.add("allowed origin: " + step);
                        }
                    }
                    if (!ok.path("readBack").path(0).asText().equals(content)) {
                        violations.add("allowed origin: read back " + ok.get("readBack") + " instead of " + content);
                    }
                    if (ok.get("steps").get(0).path("location").isNull() || ok.get("steps").get(3).path("etag").isNull()) {
                        violations.add("allowed origin: Location/ETag not exposed to the page: " + ok.get("steps"));
                    }
                }
                JsonNode no = result.get("refused");
                if (no.path("ok").asBoolean() || !no.path("error").asText().contains("TypeError")) {
                    violations.add("refused origin " + refused + ": the browser let the page call the API: " + no);
                }
            }
            long written = TestSql.number(api.db(), "SELECT count(*) FROM chat.sessions WHERE user_id = ?", refusedUser);
            if (written != 0) {
                violations.add("the refused origin's calls still wrote " + written + " sessions");
            }

            // The same, as raw preflights.
            Http http = new Http();
            Api.Response preflightOk = http.send("OPTIONS", api.url("/api/v1/sessions"), null, null, Map.of("Origin", allowed,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type,idempotency-key"), Duration.ofSeconds(10));
            Api.Response preflightNo = http.send("OPTIONS", api.url("/api/v1/sessions"), null, null, Map.of("Origin", refused,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"), Duration.ofSeconds(10));
            if (!allowed.equals(preflightOk.header("Access-Control-Allow-Origin"))) {
                violations.add("preflight from the allowed origin: " + preflightOk.status() + " " + preflightOk.headers());
            }
            if (preflightNo.header("Access-Control-Allow-Origin") != null) {
                violations.add("preflight from a refused origin was allowed: " + preflightNo.headers());
            }

            Figures.report("10 browser CORS", "Chromium (%s) on %s: %s, read back byte-identical: %s; on %s: %s; sessions written by the refused origin: %d; "
                            + "preflight allowed %d / refused %d (no Access-Control-Allow-Origin); %s",
                    chromium, allowed, result.path("allowed").path("steps"), result.path("allowed").path("readBack").path(0).asText().equals(content),
                    refused, result.path("refused").path("error").asText(), written, preflightOk.status(), preflightNo.status(),
                    violations.isEmpty() ? "PASS" : "FAIL");
            assertTrue(violations.isEmpty(), "browser CORS violations:\n  " + String.join("\n  ", violations)
                    + "\nconsole: " + result.path("console"));
        } finally {
            allowedOrigin.stop(0);
            refusedOrigin.stop(0);
        }
    }

    private static String fragment(String api, String token, String content) {
        return URLEncoder.encode(Json.write(Map.of("api", api, "token", token, "content", content)), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpServer pageServer(byte[] page) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
        return server;
    }

}
