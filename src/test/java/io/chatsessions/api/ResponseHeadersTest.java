package io.chatsessions.api;

import io.chatsessions.testsupport.ApiSuite;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Responses carrying chat content are never cached or sniffed; Swagger UI runs under a Content-Security-Policy. */
@MicronautTest(transactional = false)
class ResponseHeadersTest implements ApiSuite {

    private static final String SESSIONS = "/api/v1/sessions";

    @Test
    void everyApiResponseIsNoStoreAndNosniff() {
        TestUser user = TestUser.create();
        Api api = user.api();
        Api.Response created = api.post(SESSIONS, "{\"title\":\"t\"}");
        String id = (String) created.expect(201).json().get("id");
        Map<String, Api.Response> responses = new java.util.LinkedHashMap<>();
        responses.put("201 create", created);
        responses.put("200 list", api.get(SESSIONS).expect(200));
        responses.put("200 get", api.get(SESSIONS + "/" + id).expect(200));
        responses.put("200 patch", api.patch(SESSIONS + "/" + id, "{\"title\":\"u\"}").expect(200));
        responses.put("201 message", api.post(SESSIONS + "/" + id + "/messages", "{\"role\":\"user\",\"content\":\"hi\"}").expect(201));
        responses.put("201 replay", api.post(SESSIONS, "{}", Map.of("Idempotency-Key", "k-" + UUID.randomUUID())).expect(201));
        responses.put("200 page", api.get(SESSIONS + "/" + id + "/messages").expect(200));
        responses.put("400 validation", api.post(SESSIONS, "{\"title\":5}").expect(400));
        responses.put("400 malformed", api.post(SESSIONS, "{").expect(400));
        responses.put("400 bad id", api.get(SESSIONS + "/nope").expect(400));
        responses.put("404 session", api.get(SESSIONS + "/" + UUID.randomUUID()).expect(404));
        responses.put("404 no route", api.get("/api/v1/nothing-here").expect(404));
        responses.put("412", api.send("DELETE", SESSIONS + "/" + id, null, Map.of("If-Match", "\"99\"")).expect(412));
        responses.put("413", api.sendBytes("POST", SESSIONS, ("{\"title\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json")).expect(413));
        responses.put("401 no token", api.withToken(null).get(SESSIONS).expect(401));
        responses.put("401 bad token", api.withToken("garbage").get(SESSIONS + "/" + id).expect(401));
        responses.put("204 delete", api.delete(SESSIONS + "/" + id).expect(204));
        responses.forEach((what, response) -> {
            assertEquals("no-store", response.header("Cache-Control"), what + ": Cache-Control");
            assertEquals("nosniff", response.header("X-Content-Type-Options"), what + ": X-Content-Type-Options");
        });
    }

    @Test
    void swaggerUiHasAContentSecurityPolicyThatAllowsItsOwnInlineScript() throws Exception {
        Api anonymous = Api.newUser().withToken(null);
        Api.Response page = anonymous.get("/swagger-ui/index.html").expect(200);
        String csp = page.header("Content-Security-Policy");
        assertNotNull(csp, "Swagger UI needs a Content-Security-Policy");
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertTrue(csp.contains("object-src 'none'"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        String scripts = directive(csp, "script-src");
        assertTrue(!scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'") && !scripts.contains("*"), csp);
        Matcher inline = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
        int inlineScripts = 0;
        while (inline.find()) {
            inlineScripts++;
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(inline.group(1).getBytes(StandardCharsets.UTF_8));
            String source = "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
            assertTrue(scripts.contains(source), () -> "the inline script " + source + " is not allowed by: " + csp);
        }
        assertTrue(inlineScripts > 0, "the page has its inline bootstrap script");
        assertNotNull(anonymous.get("/swagger-ui/res/swagger-ui-bundle.js").expect(200).header("Content-Security-Policy"));
    }

    /** The policy must not stop the UI from rendering: headless Chromium loads it and the operations appear in the DOM. */
    @Test
    void swaggerUiStillRendersUnderItsPolicy() throws Exception {
        String chromium = null;
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (chromium == null && Files.isExecutable(Path.of(dir, name))) {
                    chromium = Path.of(dir, name).toString();
                }
            }
        }
        Assumptions.assumeTrue(chromium != null, "skipped: no chromium on PATH (apt-get install chromium, as .ci/run does)");
        String url = Api.newUser().base().resolve("/swagger-ui/index.html").toString();
        Path profile = Files.createTempDirectory("csp-chromium");
        Process browser = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=20000", "--timeout=60000", "--dump-dom", url)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] dom = browser.getInputStream().readAllBytes();
        assertTrue(browser.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        String html = new String(dom, StandardCharsets.UTF_8);
        assertTrue(html.contains("opblock") && html.contains("/api/v1/sessions"),
                () -> "Swagger UI did not render its operations under the policy:\n" + html.substring(0, Math.min(html.length(), 2000)));
    }

    private static String directive(String csp, String name) {
        for (String part : csp.split(";")) {
            if (part.trim().startsWith(name + " ")) {
                return part.trim();
            }
        }
        throw new AssertionError("no " + name + " in " + csp);
    }
}
