package io.chatsessions.security;

import io.chatsessions.testsupport.Api;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 8 (second half): content with emoji, RTL text, Cyrillic, CJK (and the other traps: combining marks
 * not normalised, ZWJ sequences, bidi controls, supplementary planes, line separators, SQL and script fragments as
 * plain text) round-trips byte for byte through create, append, batch, patch, every read, and the database itself.
 * Also the 256 KiB content limit counts UTF-8 bytes: 65,536 four-byte emoji are accepted, one more is refused.
 */
class UnicodeRoundTripTest {

    static final Map<String, String> SAMPLES = new LinkedHashMap<>();

    static {
        SAMPLES.put("emoji", "👩🏽‍💻 ships 🚀 with 🇺🇦 and 👨‍👩‍👧‍👦 family; skin tones 👍🏻👍🏿; keycap 1️⃣; ✓ ★");
        SAMPLES.put("rtl", "مرحبا بالعالم — שלום עולם — سلام دنیا (123) with \u200F RLM, \u200E LRM, \u202B embedding\u202C and \u2067 isolate \u2069");
        SAMPLES.put("bidi override", "user\u202Egnp.exe \u202Dplain");
        SAMPLES.put("cyrillic", "Привет, мир! Ёжик в тумане. Ђурђевдан. Її");
        SAMPLES.put("cjk", "你好，世界。こんにちは世界。안녕하세요 세계. 𠜎𠜱𠝹𠱓 (Ext. B), ｆｕｌｌｗｉｄｔｈ, 〜");
        SAMPLES.put("combining (NFD kept)", "e\u0301 a\u0308 n\u0303 Z\u0351\u0346\u0364\u0308\u0357\u0364\u034B\u0350\u0352 versus é ä ñ");
        SAMPLES.put("invisible", "zero\u200Bwidth\u200Cnon\u200Djoiner word\u2060joiner \uFEFF BOM in the middle, soft\u00ADhyphen");
        SAMPLES.put("separators", "line\u2028separator paragraph\u2029separator tab\tnew\nline carriage\rreturn");
        SAMPLES.put("quotes and escapes", "\"double\" 'single' `back` \\backslash\\ /slash/ \\u0000 as text, \\n as text");
        SAMPLES.put("sql as text", "'; DROP TABLE chat.messages; -- and ' OR '1'='1 and $$ dollar $$ and E'\\x00'");
        SAMPLES.put("script as text", "<script>alert(1)</script><img src=x onerror=alert(2)>{{7*7}}${7*7}");
        SAMPLES.put("symbols", "Σ∫∂√∞≠≤≥ ♔♕♖ 𝕬𝖇𝖈 𝒜 ℵ₀ ½ ⅞ ° € £ ¥ ₿ ™ © ®");
        SAMPLES.put("max code points", "\uD83F\uDFFD \uDBFF\uDFFD \uE000 private use, \uFFFD replacement");
    }

    @Test
    void contentRoundTripsByteForByte() {
        Servers.Dedicated server = Servers.shared();
        Http http = new Http();
        String token = Servers.token("unicode-" + UUID.randomUUID() + "-Ёж-🙂");
        List<String> violations = new ArrayList<>();
        int checked = 0;
        for (var sample : SAMPLES.entrySet()) {
            String label = sample.getKey();
            String text = sample.getValue();
            ObjectNode session = Json.MAPPER.createObjectNode();
            session.put("title", text.length() > 200 ? text.substring(0, 100) : text);
            session.putObject("metadata").put(text, text).putArray("list").add(text);
            Api.Response created = http.postJson(server.url("/api/v1/sessions"), token, Json.write(session), Map.of(), Duration.ofSeconds(10));
            if (created.status() != 201) {
                violations.add(label + ": create answered " + created.describe());
                continue;
            }
            String id = Json.parse(created.bytes()).get("id").asText();
            checked += compare(violations, label + " (create response)", session, Json.parse(created.bytes()), "title", "metadata");
            checked += compare(violations, label + " (session read)", session,
                    Json.parse(http.get(server.url("/api/v1/sessions/" + id), token, Duration.ofSeconds(10)).bytes()), "title", "metadata");

            ObjectNode message = Json.MAPPER.createObjectNode();
            message.put("role", "assistant");
            message.put("content", text);
            ArrayNode sources = message.putArray("sources");
            sources.addObject().put("title", text).put("snippet", text).put("url", "https://例え.テスト/" + text.replace(' ', '_'))
                    .put("document_id", text).put(text, text);
            message.put("query_type", "hybrid");
            message.putObject("metadata").put("note", text);
            Api.Response appended = http.postJson(server.url("/api/v1/sessions/" + id + "/messages"), token, Json.write(message), Map.of(), Duration.ofSeconds(10));
            if (appended.status() != 201) {
                violations.add(label + ": append answered " + appended.describe());
                continue;
            }
            JsonNode stored = Json.parse(appended.bytes());
            String messageId = stored.get("id").asText();
            checked += compare(violations, label + " (append response)", message, stored, "content", "sources", "metadata");
            checked += compare(violations, label + " (message read)", message, Json.parse(http.get(server.url("/api/v1/sessions/" + id
                    + "/messages/" + messageId), token, Duration.ofSeconds(10)).bytes()), "content", "sources", "metadata");
            JsonNode page = Json.parse(http.get(server.url("/api/v1/sessions/" + id + "/messages"), token, Duration.ofSeconds(10)).bytes());
            checked += compare(violations, label + " (page read)", message, page.get("items").get(0), "content", "sources", "metadata");

            ObjectNode batch = Json.MAPPER.createObjectNode();
            batch.putArray("messages").addObject().put("role", "user").put("content", text + " ↩ " + text);
            Api.Response batched = http.postJson(server.url("/api/v1/sessions/" + id + "/messages:batch"), token, Json.write(batch), Map.of(), Duration.ofSeconds(10));
            if (batched.status() != 201) {
                violations.add(label + ": batch answered " + batched.describe());
            } else {
                checked += compare(violations, label + " (batch response)", (ObjectNode) batch.get("messages").get(0),
                        Json.parse(batched.bytes()).get("items").get(0), "content");
            }

            ObjectNode patch = Json.MAPPER.createObjectNode();
            patch.put("title", new StringBuilder(text.length() > 100 ? text.substring(0, 100) : text).reverse().toString()
                    .replaceAll("[\uD800-\uDFFF]", "x"));
            Api.Response patched = http.send("PATCH", server.url("/api/v1/sessions/" + id), token, Json.write(patch).getBytes(StandardCharsets.UTF_8),
                    Map.of("Content-Type", "application/merge-patch+json"), Duration.ofSeconds(10));
            if (patched.status() != 200) {
                violations.add(label + ": patch answered " + patched.describe());
            } else {
                checked += compare(violations, label + " (patch response)", patch, Json.parse(patched.bytes()), "title");
            }

            // And in the database, as UTF-8 bytes.
            byte[] inDatabase = (byte[]) TestSql.rows(server.db(), "SELECT convert_to(content, 'UTF8') FROM chat.messages WHERE id = ?::uuid", messageId).get(0).get(0);
            checked++;
            if (!Arrays.equals(inDatabase, text.getBytes(StandardCharsets.UTF_8))) {
                violations.add(label + ": the database holds other bytes: " + new String(inDatabase, StandardCharsets.UTF_8));
            }
        }

        // The content limit is 256 KiB of UTF-8, not characters.
        Api.Response createdForLimit = http.postJson(server.url("/api/v1/sessions"), token, "{}", Map.of(), Duration.ofSeconds(10));
        String limitSession = Json.parse(createdForLimit.bytes()).get("id").asText();
        String fits = "😀".repeat(65_536);
        Api.Response atLimit = http.postJson(server.url("/api/v1/sessions/" + limitSession + "/messages"), token,
                "{\"role\":\"user\",\"content\":" + Json.quote(fits) + "}", Map.of(), Duration.ofSeconds(30));
        if (atLimit.status() != 201 || !Json.parse(atLimit.bytes()).get("content").asText().equals(fits)) {
            violations.add("65,536 four-byte emoji (exactly 256 KiB of UTF-8) should be stored as sent: " + atLimit.describe());
        }
        Api.Response overLimit = http.postJson(server.url("/api/v1/sessions/" + limitSession + "/messages"), token,
                "{\"role\":\"user\",\"content\":" + Json.quote(fits + "😀") + "}", Map.of(), Duration.ofSeconds(30));
        if (overLimit.status() != 400) {
            violations.add("65,537 four-byte emoji (256 KiB + 4 bytes) should be a 400: " + overLimit.describe());
        }

        Figures.report("8 unicode round-trip", "%d samples (emoji, RTL + bidi controls, Cyrillic, CJK incl. Ext. B, NFD, invisibles, "
                        + "separators, SQL/script as text) through create, read, append, batch, page, patch and the database: %d comparisons, "
                        + "%d differences; 256 KiB limit counted in UTF-8 bytes: %s; %s",
                SAMPLES.size(), checked, violations.size(), atLimit.status() == 201 && overLimit.status() == 400,
                violations.isEmpty() ? "PASS" : "FAIL");
        assertTrue(violations.isEmpty(), "unicode round-trip violations:\n  " + String.join("\n  ", violations));
    }

    private static int compare(List<String> violations, String label, JsonNode sent, JsonNode received, String... fields) {
        for (String field : fields) {
            JsonNode expected = sent.get(field);
            JsonNode actual = received.get(field);
            if (expected == null || actual == null || !expected.equals(actual)) {
                violations.add(label + ": field " + field + " differs:\n      sent     " + expected + "\n      received " + actual);
            } else if (expected.isTextual() && !Arrays.equals(expected.asText().getBytes(StandardCharsets.UTF_8), actual.asText().getBytes(StandardCharsets.UTF_8))) {
                violations.add(label + ": field " + field + " differs in bytes");
            }
        }
        return fields.length;
    }
}
