package io.chatsessions.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.Programs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium (Debian's, driven by playwright-core as in BrowserCorsTest) opens a page served from another
 * origin that consumes the stream with EventSource (the token as access_token: EventSource cannot send headers) and
 * shows the streamed answer; the test PATCHes the answer three times and completes it, and the page's text grows
 * through every state to the final one. Skipped with the reason when chromium or npm is missing.
 */
class BrowserEventSourceTest {

    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>stream</title><div id="answer"></div>
            <script>
            const p = JSON.parse(decodeURIComponent(location.hash.slice(1)));
            const shown = [], ids = [];
            const source = new EventSource(p.api + '/api/v1/sessions/' + p.session + '/events?access_token=' + encodeURIComponent(p.token));
            source.onopen = () => { window.__open = true; };
            source.onerror = () => { if (!window.__result) { shown.push('(error, readyState ' + source.readyState + ')'); } };
            const show = e => {
              const m = JSON.parse(e.data);
              document.getElementById('answer').textContent = m.content;
              shown.push(m.content); ids.push(e.lastEventId);
              if (e.type === 'message.completed') { source.close(); window.__result = { shown, ids, dom: document.getElementById('answer').textContent }; }
            };
            ['message.created', 'message.updated', 'message.completed'].forEach(t => source.addEventListener(t, show));
            </script>""";

    static final String DRIVER = """
            const path = require('path');
            const { chromium } = require(path.join(process.env.PLAYWRIGHT_CORE_DIR, 'node_modules', 'playwright-core'));
            (async () => {
              const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true,
                args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
              try {
                const page = await browser.newPage();
                await page.goto(process.argv[2]);
                await page.waitForFunction(() => window.__open === true, null, { timeout: 30000 });
                process.stdout.write('OPEN\\n');
                await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60000 });
                process.stdout.write(JSON.stringify(await page.evaluate(() => window.__result)) + '\\n');
              } finally { await browser.close(); }
            })().catch(e => { process.stdout.write(JSON.stringify({ fatal: String(e && e.stack || e) }) + '\\n'); process.exit(2); });
            """;

    @Test
    void eventSourceOnAnotherOriginShowsTheAnswerGrowing() throws Exception {
        String chromium = Programs.chromium();
        Assumptions.assumeTrue(chromium != null, "skipped: no chromium on PATH (set CHROMIUM, or apt-get install chromium as .ci/run does)");
        Assumptions.assumeTrue(Programs.onPath("node") && Programs.onPath("npm"), "skipped: node/npm not installed (needed to install playwright-core)");
        Path root = Path.of("").toAbsolutePath();
        Process install = new ProcessBuilder("bash", root.resolve("reliability/browser/install-playwright.sh").toString()).redirectErrorStream(true).start();
        String installLog = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(install.waitFor(5, TimeUnit.MINUTES) && install.exitValue() == 0,
                "skipped: could not install playwright-core from npm: " + installLog);
        Path driver = root.resolve("target/browser/event-source.cjs");
        Files.writeString(driver, DRIVER);

        byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
        HttpServer pageServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pageServer.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        pageServer.start();
        String origin = "http://127.0.0.1:" + pageServer.getAddress().getPort();
        try (Servers.Dedicated api = Servers.start(Map.of("CORS_ALLOWED_ORIGINS", origin), Servers.NO_RATE_LIMIT)) {
            String apiUrl = "http://127.0.0.1:" + api.url().getPort();
            String user = "browser-events-" + UUID.randomUUID();
            Api client = Api.forUser(api.url(), user);
            String session = client.createSession("{}");
            String message = (String) client.appendMessage(session, "{\"role\":\"assistant\",\"content\":\"\",\"status\":\"in_progress\"}").get("id");
            String fragment = URLEncoder.encode(Json.write(Map.of("api", apiUrl, "session", session, "token", Servers.token(user))),
                    StandardCharsets.UTF_8).replace("+", "%20");

            ProcessBuilder command = new ProcessBuilder("node", driver.toString(), origin + "/#" + fragment).redirectError(ProcessBuilder.Redirect.INHERIT);
            command.environment().put("PLAYWRIGHT_CORE_DIR", root.resolve("target/browser").toString());
            command.environment().put("CHROMIUM", chromium);
            Process node = command.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("OPEN", line, "the page's EventSource did not open");
            List<String> states = List.of("Returns ", "Returns are free ", "Returns are free within 30 days.");
            String path = "/api/v1/sessions/" + session + "/messages/" + message;
            for (String state : states) {
                client.patch(path, Json.write(Map.of("content", state))).expect(200);
                Thread.sleep(300); // paced like tokens arriving, so the page sees each state (not a synchronisation)
            }
            client.patch(path, "{\"status\":\"completed\",\"finish_reason\":\"stop\"}").expect(200);
            String result = out.readLine();
            assertTrue(node.waitFor(2, TimeUnit.MINUTES), "playwright did not finish");
            JsonNode shown = Json.parse(result.getBytes(StandardCharsets.UTF_8));
            assertTrue(!shown.has("fatal"), "browser run failed: " + result);
            List<String> texts = new ArrayList<>();
            shown.get("shown").forEach(t -> texts.add(t.asText()));
            System.out.println("Chromium's EventSource from " + origin + " showed " + texts + " with ids " + shown.get("ids"));
            assertEquals("Returns are free within 30 days.", shown.get("dom").asText(), "the page shows the final answer");
            for (int i = 1; i < texts.size(); i++) {
                assertTrue(texts.get(i).startsWith(texts.get(i - 1)), "the text only grows: " + texts);
            }
            assertTrue(texts.containsAll(states.subList(0, 2)), "the page showed the answer growing: " + texts);
        } finally {
            pageServer.stop(0);
        }
    }
}
