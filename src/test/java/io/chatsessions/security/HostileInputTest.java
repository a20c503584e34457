package io.chatsessions.security;

import io.chatsessions.testsupport.Api;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.RawHttp;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.testsupport.TestUser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static io.chatsessions.reliability.support.Figures.s;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 8: at least 5,000 generated malformed requests (wrong types, huge numbers, deep and huge JSON,
 * invalid UTF-8, NUL bytes, SQL and script fragments in every field, oversized headers and bodies, bad UUIDs and
 * cursors, protocol-level garbage on a raw socket). Every request carries at least one definite defect, so the only
 * correct answer is a 4xx. Pass: zero 5xx, every answer an RFC 9457 problem+json (status field = HTTP status, no stack
 * trace, SQL or class names), and zero changed rows (row count and md5 of every table before and after).
 * The full run generates 20,000.
 */
class HostileInputTest {

    static final List<String> FRAGMENTS = List.of(
            "'; DROP TABLE chat.messages; --", "' OR '1'='1", "1; SELECT pg_sleep(10)--", "$$; DELETE FROM chat.sessions; $$",
            "\\'; TRUNCATE chat.sessions CASCADE; --", "%' AND 1=1 --", "' UNION SELECT usename, passwd FROM pg_shadow --",
            "0x27; COPY chat.sessions TO PROGRAM 'id'", "); DROP TABLE sessions; --", "' || (SELECT version()) || '",
            "<script>alert(document.cookie)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
            "{{7*7}}", "${7*7}", "#{7*7}", "${jndi:ldap://127.0.0.1:1/a}", "../../../../etc/passwd", "..\\..\\windows\\win.ini",
            "\\u0000", "%00", "%27%20OR%201%3D1", "\r\nX-Injected: yes", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
            "{\"$ne\": null}", "__proto__", "constructor", "' AND extractvalue(1, concat(0x7e, version())) --", "\u202E\u0000evil");
    static final List<String> WRONG_TYPES = List.of("1", "-1", "1.5", "true", "false", "[]", "{}", "[1,2]", "{\"a\":1}",
            "1e400", "-1e400", "99999999999999999999999999999999", "0.0000000000000000000000000001");
    private static final Pattern LEAK = Pattern.compile("(?i)exception|\\bat (io|java|org|reactor|com)\\.|java\\.|org\\.postgresql|io\\.r2dbc"
            + "|sqlstate|ERROR: |caused by|stack ?trace|io\\.micronaut|com\\.fasterxml|\\.java:\\d+");

    record Hostile(String category, String method, String target, Map<String, String> headers, byte[] body, byte[] wire) {
    }

    private final Random random = new Random(20261122);
    private String session;
    private String message;

    @Test
    void malformedRequestsGetProblemJson4xxAndChangeNothing() throws Exception {
        int wanted = Figures.FULL ? 20_000 : 5_000;
        try (Servers.Dedicated server = Servers.start(Map.of(), Servers.NO_RATE_LIMIT)) {
            Http http = new Http();
            String token = Servers.token("hostile-" + UUID.randomUUID());
            Api.Response created = http.postJson(server.url("/api/v1/sessions"), token, "{\"title\":\"target\",\"metadata\":{\"k\":\"v\"}}", Map.of(), Duration.ofSeconds(10));
            assertEquals(201, created.status(), created.describe());
            session = Json.parse(created.bytes()).get("id").asText();
            for (int i = 0; i < 2; i++) {
                Api.Response appended = http.postJson(server.url("/api/v1/sessions/" + session + "/messages"), token,
                        "{\"role\":\"user\",\"content\":\"m" + i + "\"}", Map.of(), Duration.ofSeconds(10));
                assertEquals(201, appended.status(), appended.describe());
                message = Json.parse(appended.bytes()).get("id").asText();
            }
            Map<String, String> before = TestSql.fingerprint(server.db());

            List<Hostile> requests = new ArrayList<>();
            requests.addAll(rawRequests(token));
            requests.addAll(headerRequests(token));
            requests.addAll(oversizedBodies(token));
            while (requests.size() < wanted) {
                requests.addAll(bodyRequests(token));
                requests.addAll(queryAndPathRequests(token));
            }

            Map<String, AtomicInteger> byCategory = new ConcurrentHashMap<>();
            Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
            List<String> violations = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger violationCount = new AtomicInteger();
            long[] maxLatency = new long[1];
            int port = server.url().getPort();
            long began = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (Hostile request : requests) {
                futures.add(pool.submit(() -> {
                    int status;
                    String contentType;
                    byte[] body;
                    long latency;
                    String failure = null;
                    if (request.wire() != null || needsRawSocket(request)) {
                        RawHttp.Response response = request.wire() != null
                                ? RawHttp.exchange("localhost", port, request.wire(), 20_000)
                                : RawHttp.request("localhost", port, request.method(), request.target(), request.headers(), request.body(), 20_000);
                        status = response.status();
                        contentType = response.headers().get("content-type");
                        body = response.body();
                        latency = response.latencyNanos();
                        if (response.failure() != RawHttp.Failure.NONE) {
                            failure = response.describe();
                        }
                    } else {
                        Api.Response outcome = http.send(request.method(), URI.create(server.url() + request.target()), null, request.body(),
                                request.headers(), Duration.ofSeconds(20));
                        status = outcome.status();
                        contentType = outcome.header("Content-Type");
                        body = outcome.bytes();
                        latency = outcome.latencyNanos();
                        if (outcome.failure() != null) {
                            failure = outcome.describe();
                        }
                    }
                    byCategory.computeIfAbsent(request.category(), k -> new AtomicInteger()).incrementAndGet();
                    byStatus.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                    synchronized (maxLatency) {
                        maxLatency[0] = Math.max(maxLatency[0], latency);
                    }
                    String problem = check(status, contentType, body, failure);
                    if (problem != null && violationCount.incrementAndGet() <= 40) {
                        violations.add(("[" + request.category() + "] " + request.method() + " " + abbreviate(request.target(), 120)
                                + " headers=" + abbreviate(String.valueOf(request.headers()).replace(token, "<token>"), 160)
                                + " body=" + abbreviate((request.body() == null ? (request.wire() == null ? "" : "(raw) " + printable(request.wire()))
                                : printable(request.body())).replace(token, "<token>"), 400) + "\n      -> " + problem).replace(token, "<token>"));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
            pool.shutdownNow();
            long elapsed = System.nanoTime() - began;

            Map<String, String> after = TestSql.fingerprint(server.db());
            boolean unchanged = before.equals(after);
            if (!unchanged) {
                violations.add(0, "rows changed:\n      before " + before + "\n      after  " + after);
            }
            long fiveHundreds = byStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(e -> e.getValue().get()).sum();
            Figures.report("8 hostile input", "%d malformed requests in %s (max latency %s); statuses %s; %d 5xx; %d answers that are not a "
                            + "4xx problem+json; rows unchanged: %s; by category %s; %s",
                    requests.size(), s(elapsed), s(maxLatency[0]), new TreeMap<>(byStatus), fiveHundreds, violationCount.get(), unchanged,
                    new TreeMap<>(byCategory), violations.isEmpty() ? "PASS" : "FAIL");
            assertTrue(requests.size() >= wanted);
            assertTrue(violations.isEmpty(), "hostile input violations (" + violationCount.get() + " answers; first 40):\n  "
                    + String.join("\n  ", violations));
        }
    }

    /** java.net.http refuses some targets and header values: those requests go over a plain socket as written. */
    private static boolean needsRawSocket(Hostile request) {
        try {
            URI.create("http://localhost" + request.target());
        } catch (IllegalArgumentException e) {
            return true;
        }
        return request.headers().values().stream().anyMatch(v -> v.chars().anyMatch(c -> c < 0x20 || c > 0x7E));
    }

    /** Null when the answer is a 4xx problem+json that leaks nothing, else what is wrong with it. */
    static String check(int status, String contentType, byte[] body, String failure) {
        if (status < 0) {
            return "no answer: " + failure;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (status < 400 || status >= 500) {
            return "HTTP " + status + " " + abbreviate(text, 300);
        }
        if (contentType == null || !contentType.startsWith("application/problem+json")) {
            return "HTTP " + status + " with Content-Type " + contentType + ": " + abbreviate(text, 200);
        }
        JsonNode problem;
        try {
            problem = Json.parse(body);
        } catch (RuntimeException e) {
            return "HTTP " + status + " problem body is not JSON: " + abbreviate(text, 200);
        }
        if (!problem.path("status").isInt() || problem.get("status").asInt() != status || !problem.path("type").isTextual()
                || !problem.path("title").isTextual()) {
            return "HTTP " + status + " malformed problem: " + abbreviate(text, 200);
        }
        if (LEAK.matcher(text).find()) {
            return "HTTP " + status + " leaks internals: " + abbreviate(text, 300);
        }
        return null;
    }

    // ---------------------------------------------------------------- generators

    private String fragment() {
        return FRAGMENTS.get(random.nextInt(FRAGMENTS.size()));
    }

    private String q(String text) {
        return Json.quote(text);
    }

    private String spice() {
        return switch (random.nextInt(4)) {
            case 0 -> fragment();
            case 1 -> fragment() + " 🙂 مرحبا Привет 你好";
            case 2 -> "plain text";
            default -> fragment() + fragment();
        };
    }

    private static String nest(int depth, String inner) {
        return "{\"a\":".repeat(depth) + inner + "}".repeat(depth);
    }

    private static String nestArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private String validMessage() {
        return "{\"role\":\"user\",\"content\":" + q(spice()) + "}";
    }

    /** Message bodies, each with one definite defect (and fragments in the valid fields). */
    private List<String> messageDefects() {
        String c = q(spice());
        List<String> d = new ArrayList<>();
        for (String role : List.of("\"\"", "\"admin\"", "\"USER\"", "\"user \"", "null", q(fragment()), "\"us\\u0000er\"")) {
            d.add("{\"role\":" + role + ",\"content\":" + c + "}");
        }
        for (String wrong : WRONG_TYPES) {
            d.add("{\"role\":" + wrong + ",\"content\":" + c + "}");
            if (!wrong.startsWith("\"")) {
                d.add("{\"role\":\"user\",\"content\":" + wrong + "}");
            }
            if (!wrong.startsWith("[")) {
                d.add("{\"role\":\"user\",\"content\":" + c + ",\"sources\":" + wrong + "}");
            }
            if (!wrong.startsWith("{")) {
                d.add("{\"role\":\"user\",\"content\":" + c + ",\"metadata\":" + wrong + "}");
                d.add("{\"role\":\"user\",\"content\":" + c + ",\"sources\":[" + wrong + "]}");
            }
        }
        d.add("{\"content\":" + c + "}");
        d.add("{\"role\":\"user\"}");
        d.add("{\"role\":\"user\",\"content\":null}");
        d.add("{\"role\":\"user\",\"content\":\"\"}");
        d.add("{\"role\":\"assistant\",\"content\":\"\"}");
        d.add("{\"role\":\"user\",\"content\":\"nul \\u0000 inside\"}");
        d.add("{\"role\":\"user\",\"content\":\"lone surrogate \\ud800 inside\"}");
        d.add("{\"role\":\"user\",\"content\":\"lone low surrogate \\udfff\"}");
        for (String bad : List.of("-1", "1.5", "\"5\"", "true", "1e400", "2147483648", "99999999999999999999", "-2147483649", "[]")) {
            d.add("{\"role\":\"user\",\"content\":" + c + ",\"latency_ms\":" + bad + "}");
        }
        for (String bad : List.of("0", "-5", "1001", "1.5", "\"10\"", "1e400", "2147483648", "99999999999999999999", "{}")) {
            d.add("{\"role\":\"user\",\"content\":" + c + ",\"top_k\":" + bad + "}");
        }
        // a fragment plus a space: never matches [A-Za-z0-9_.:-]{1,64} (some fragments alone, e.g. "__proto__", would be valid)
        for (String bad : List.of("\"\"", q("x".repeat(65)), "\"semantic search\"", "\"<script>\"", q(fragment() + " x"), "\"日本語\"", "5", "[]", "\"a\\u0000b\"")) {
            d.add("{\"role\":\"user\",\"content\":" + c + ",\"query_type\":" + bad + "}");
        }
        for (String source : List.of("{\"document_id\":5}", "{\"chunk_id\":{}}", "{\"title\":[]}", "{\"url\":7}", "{\"score\":\"high\"}",
                "{\"snippet\":1}", "{\"page\":1.5}", "{\"page\":\"3\"}", "{\"page\":1e400}", "{\"page\":99999999999999999999}",
                "{\"cited\":\"yes\"}", "{\"cited\":1}", "{\"score\":1e400}", "{\"x\":" + nest(40, "1") + "}", "null", "\"s\"", "[]")) {
            d.add("{\"role\":\"user\",\"content\":" + c + ",\"sources\":[{\"title\":" + q(spice()) + "}," + source + "]}");
        }
        d.add("{\"role\":\"user\",\"content\":" + c + ",\"sources\":[" + String.join(",", Collections.nCopies(101, "{\"title\":\"t\"}")) + "]}");
        for (String field : List.of("id", "seq", "session_id", "created_at", "user_id")) {
            d.add("{\"role\":\"user\",\"content\":" + c + ",\"" + field + "\":" + (field.equals("seq") ? "1" : q(UUID.randomUUID().toString())) + "}");
        }
        d.add("{\"role\":\"user\",\"content\":" + c + "," + q(fragment()) + ":" + q(fragment()) + "}");
        d.add("{\"role\":\"user\",\"content\":" + c + ",\"Role\":\"user\"}");
        int depth = 33 + random.nextInt(3) * 100;
        d.add("{\"role\":\"user\",\"content\":" + c + ",\"metadata\":" + nest(depth, q(spice())) + "}");
        d.add("{\"role\":\"user\",\"content\":" + c + ",\"metadata\":{\"deep\":" + nestArrays(depth) + "}}");
        d.add("{\"role\":\"user\",\"content\":" + c + ",\"metadata\":{\"big\":" + q("x".repeat(16 * 1024 + 1)) + "}}");
        d.add("{\"role\":\"user\",\"content\":" + q("y".repeat(256 * 1024 + 1)) + "}");
        return d;
    }

    private List<String> sessionDefects() {
        List<String> d = new ArrayList<>();
        String t = q(spice());
        for (String wrong : WRONG_TYPES) {
            d.add("{\"title\":" + wrong + "}");
            if (!wrong.startsWith("{")) {
                d.add("{\"title\":" + t + ",\"metadata\":" + wrong + "}");
            }
        }
        d.add("{\"title\":" + q("x".repeat(201)) + "}");
        d.add("{\"title\":" + q("🙂".repeat(201)) + "}");
        d.add("{\"title\":\"nul \\u0000 title\"}");
        d.add("{\"title\":\"lone \\ud800 surrogate\"}");
        d.add("{\"title\":" + t + ",\"metadata\":\"{}\"}");
        d.add("{\"title\":" + t + ",\"metadata\":" + nest(33 + random.nextInt(500), "1") + "}");
        d.add("{\"title\":" + t + ",\"metadata\":{\"big\":" + q("z".repeat(16 * 1024 + 1)) + "}}");
        d.add("{\"title\":" + t + ",\"metadata\":{\"k\\u0000\":\"v\"}}");
        for (String field : List.of("id", "user_id", "version", "created_at", "updated_at", "message_count")) {
            d.add("{\"title\":" + t + ",\"" + field + "\":" + (field.equals("version") || field.equals("message_count") ? "7" : q(fragment())) + "}");
        }
        d.add("{\"title\":" + t + "," + q(fragment()) + ":1}");
        return d;
    }

    private List<String> syntaxDefects() {
        String valid = validMessage();
        return List.of(valid.substring(0, valid.length() - 1), valid + "garbage", valid + "}", "{'role':'user','content':'x'}",
                "{\"role\":\"user\",\"content\":NaN}", "{\"role\":\"user\",/* c */\"content\":\"x\"}", "{\"role\":\"user\" \"content\":\"x\"}",
                "[" + valid + "]", "\"just a string\"", "42", "null", "true", "{", "}", "{\"role\":\"user\",\"content\":\"x\",}",
                "{\"role\":\"user\",\"content\":\"unterminated}", "{\"role\":\"user\",\"content\":\"bad escape \\q\"}",
                "{\"role\":\"user\",\"content\":\"\\u12\"}", nestArrays(100_000), nest(100_000, "1"), fragment());
    }

    /** Invalid UTF-8 and raw control bytes inside otherwise valid JSON. */
    private List<byte[]> encodingDefects(String field) {
        List<byte[]> d = new ArrayList<>();
        for (byte[] bad : List.of(new byte[]{(byte) 0xFF}, new byte[]{(byte) 0xC3, 0x28}, new byte[]{(byte) 0xC0, (byte) 0xAF},
                new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[]{(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[]{(byte) 0xE2, (byte) 0x82}, new byte[]{0x00}, new byte[]{0x01, 0x1F}, new byte[]{(byte) 0xFE, (byte) 0xFF})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String head = field.equals("title") ? "{\"title\":\"before " : "{\"role\":\"user\",\"content\":\"before ";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bad);
            out.writeBytes(" after\"}".getBytes(StandardCharsets.UTF_8));
            d.add(out.toByteArray());
        }
        return d;
    }

    private List<Hostile> bodyRequests(String token) {
        List<Hostile> r = new ArrayList<>();
        String messages = "/api/v1/sessions/" + session + "/messages";
        for (String body : messageDefects()) {
            r.add(post("message body", messages, body, token, maybeKey()));
            r.add(post("batch with one bad message", messages + ":batch", "{\"messages\":[" + validMessage() + "," + body + "]}", token, maybeKey()));
        }
        for (String body : syntaxDefects()) {
            r.add(post("malformed JSON", messages, body, token, Map.of()));
            r.add(post("malformed JSON", "/api/v1/sessions", body.equals("null") || body.startsWith("{\"role") ? body + "x" : body, token, Map.of()));
            r.add(post("malformed JSON", messages + ":batch", body, token, Map.of()));
            r.add(patch("malformed JSON", body, token, Map.of()));
        }
        // Trailing content after a complete JSON value is malformed JSON, on every endpoint that takes a body.
        r.add(post("trailing content after JSON", "/api/v1/sessions", "{\"title\":" + q(spice()) + "}garbage", token, Map.of()));
        r.add(post("trailing content after JSON", "/api/v1/sessions", "{\"title\":\"a\"} {\"title\":\"b\"}", token, Map.of()));
        r.add(post("trailing content after JSON", messages, validMessage() + "}", token, Map.of()));
        r.add(post("trailing content after JSON", messages, validMessage() + " " + validMessage(), token, Map.of()));
        r.add(post("trailing content after JSON", messages + ":batch", "{\"messages\":[" + validMessage() + "]}]", token, Map.of()));
        r.add(patch("trailing content after JSON", "{\"title\":" + q(spice()) + "}}", token, Map.of()));
        for (String body : sessionDefects()) {
            r.add(post("session body", "/api/v1/sessions", body, token, maybeKey()));
            r.add(patch("patch body", body, token, Map.of()));
        }
        for (String batch : List.of("{}", "{\"messages\":[]}", "{\"messages\":{}}", "{\"messages\":\"x\"}", "{\"messages\":null}",
                "{\"message\":[" + validMessage() + "]}", "{\"messages\":[" + validMessage() + "],\"extra\":" + q(fragment()) + "}",
                "{\"messages\":[" + String.join(",", Collections.nCopies(101, validMessage())) + "]}", "[" + validMessage() + "]")) {
            r.add(post("batch shape", messages + ":batch", batch, token, maybeKey()));
        }
        for (String patch : List.of("{\"archived\":\"yes\"}", "{\"archived\":1}", "{\"archived\":\"true\"}", "{\"archived\":[]}",
                "{\"archived\":null}", "{\"title\":" + q("t".repeat(201)) + "}", "{\"metadata\":[]}", "{\"metadata\":\"x\"}",
                "{\"id\":" + q(UUID.randomUUID().toString()) + "}", "{\"version\":99}", "{\"user_id\":\"someone-else\"}", "{\"message_count\":0}")) {
            r.add(patch("patch body", patch, token, Map.of()));
        }
        for (String ifMatch : List.of("999999", "abc", "-1", "1.5", "99999999999999999999", q(fragment()).replace("\r\n", " "))) {
            r.add(patch("stale or junk If-Match", "{\"title\":" + q(spice()) + "}", token, Map.of("If-Match", ifMatch.replace("\\r\\n", " "))));
        }
        r.add(new Hostile("wrong media type", "PATCH", "/api/v1/sessions/" + session, Map.of("Authorization", "Bearer " + token,
                "Content-Type", "text/plain"), "{\"title\":\"t\"}".getBytes(StandardCharsets.UTF_8), null));
        r.add(new Hostile("wrong media type", "PATCH", "/api/v1/sessions/" + session, Map.of("Authorization", "Bearer " + token,
                "Content-Type", "application/json-patch+json"), "[{\"op\":\"replace\",\"path\":\"/title\",\"value\":\"x\"}]".getBytes(StandardCharsets.UTF_8), null));
        r.add(new Hostile("wrong media type", "POST", messages, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/xml"),
                "<message><role>user</role><content>x</content></message>".getBytes(StandardCharsets.UTF_8), null));
        for (byte[] body : encodingDefects("content")) {
            r.add(new Hostile("invalid UTF-8 / control bytes", "POST", messages, json(token), body, null));
        }
        for (byte[] body : encodingDefects("title")) {
            r.add(new Hostile("invalid UTF-8 / control bytes", "POST", "/api/v1/sessions", json(token), body, null));
            r.add(new Hostile("invalid UTF-8 / control bytes", "PATCH", "/api/v1/sessions/" + session, json(token), body, null));
        }
        return r;
    }

    private List<Hostile> queryAndPathRequests(String token) {
        List<Hostile> r = new ArrayList<>();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
        String messages = "/api/v1/sessions/" + session + "/messages";
        List<String> badNumbers = List.of("0", "-1", "abc", "1.5", "", "1e3", "99999999999999999999", "0x10", "NaN", " 5", fragment());
        for (String n : badNumbers) {
            r.add(get("bad query value", "/api/v1/sessions?limit=" + enc(n), auth));
            r.add(get("bad query value", messages + "?limit=" + enc(n), auth));
            if (!n.equals("0") && !n.equals("-1")) {
                r.add(get("bad query value", messages + "?before_seq=" + enc(n), auth));
                r.add(get("bad query value", messages + "?after_seq=" + enc(n), auth));
            }
        }
        for (String n : List.of("101", "1000", "2147483648")) {
            r.add(get("limit out of range", "/api/v1/sessions?limit=" + n, auth));
        }
        for (String n : List.of("201", "1000", "2147483648")) {
            r.add(get("limit out of range", messages + "?limit=" + n, auth));
        }
        r.add(get("both cursors", messages + "?before_seq=3&after_seq=1", auth));
        for (String archived : List.of("maybe", "2", "tru", "", fragment())) {
            r.add(get("bad query value", "/api/v1/sessions?archived=" + enc(archived), auth));
        }
        for (String cursor : List.of("garbage", fragment(), "eyJ4IjoxfQ", "eyJ4IjoxfQ==", "AAAA", "%00", "////", "x".repeat(4000),
                java.util.Base64.getUrlEncoder().encodeToString(("{\"updated_at\":\"" + fragment() + "\",\"id\":\"" + fragment() + "\"}").getBytes(StandardCharsets.UTF_8)),
                java.util.Base64.getUrlEncoder().encodeToString(fragment().getBytes(StandardCharsets.UTF_8)))) {
            r.add(get("bad cursor", "/api/v1/sessions?cursor=" + enc(cursor), auth));
        }
        List<String> badIds = List.of("not-a-uuid", "123", "0190abcd", session + "0", session.substring(1), "{" + session + "}",
                session.replace('-', '_'), "%00", "..%2F..%2Fetc%2Fpasswd", enc(fragment()), enc(fragment()), "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
                "00000000-0000-0000-0000-00000000000g", "x".repeat(2000));
        for (String bad : badIds) {
            r.add(get("bad UUID in path", "/api/v1/sessions/" + bad, auth));
            r.add(new Hostile("bad UUID in path", "PATCH", "/api/v1/sessions/" + bad, json(token), "{\"title\":\"t\"}".getBytes(StandardCharsets.UTF_8), null));
            r.add(new Hostile("bad UUID in path", "DELETE", "/api/v1/sessions/" + bad, auth, null, null));
            r.add(get("bad UUID in path", "/api/v1/sessions/" + bad + "/messages", auth));
            r.add(post("bad UUID in path", "/api/v1/sessions/" + bad + "/messages", validMessage(), token, Map.of()));
            r.add(post("bad UUID in path", "/api/v1/sessions/" + bad + "/messages:batch", "{\"messages\":[" + validMessage() + "]}", token, Map.of()));
            r.add(get("bad UUID in path", messages + "/" + bad, auth));
            r.add(get("bad UUID in path", "/api/v1/sessions/" + bad + "/messages/" + message, auth));
        }
        return r;
    }

    private List<Hostile> headerRequests(String token) {
        List<Hostile> r = new ArrayList<>();
        String messages = "/api/v1/sessions/" + session + "/messages";
        for (String key : List.of("k".repeat(256), "k".repeat(5000), "")) {
            Map<String, String> h = new LinkedHashMap<>(json(token));
            h.put("Idempotency-Key", key);
            r.add(new Hostile("bad Idempotency-Key", "POST", messages, h, validMessage().getBytes(StandardCharsets.UTF_8), key.isEmpty() ? wire("POST", messages, h, validMessage()) : null));
            r.add(new Hostile("bad Idempotency-Key", "POST", "/api/v1/sessions", h, "{}".getBytes(StandardCharsets.UTF_8), key.isEmpty() ? wire("POST", "/api/v1/sessions", h, "{}") : null));
        }
        for (String key : List.of("ключ", "键🙂", "tab\there")) {
            Map<String, String> h = new LinkedHashMap<>(json(token));
            h.put("Idempotency-Key", key);
            r.add(new Hostile("bad Idempotency-Key", "POST", messages, h, null, wire("POST", messages, h, validMessage())));
        }
        for (int size : List.of(17_000, 40_000, 70_000)) {
            Map<String, String> h = new LinkedHashMap<>(json(token));
            h.put("X-Junk", "j".repeat(size));
            r.add(new Hostile("oversized header", "POST", messages, h, validMessage().getBytes(StandardCharsets.UTF_8), null));
            Map<String, String> many = new LinkedHashMap<>(json(token));
            for (int i = 0; i < size / 100; i++) {
                many.put("X-Many-" + i, "v".repeat(90));
            }
            r.add(new Hostile("oversized header", "POST", messages, many, validMessage().getBytes(StandardCharsets.UTF_8), null));
            Map<String, String> bigToken = Map.of("Authorization", "Bearer " + token + "x".repeat(size), "Content-Type", "application/json");
            r.add(new Hostile("oversized header", "POST", messages, bigToken, validMessage().getBytes(StandardCharsets.UTF_8), null));
        }
        for (String authorization : List.of("Bearer", "Bearer ", "Bearer x.y.z", "Basic dXNlcjpwYXNz", "bearer " + token + "x", "Bearer " + token + ".extra",
                "Bearer " + token.substring(0, token.length() - 3), "Token " + token, "Bearer " + fragment().replace("\r\n", " "),
                "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Authorization", authorization);
            h.put("Content-Type", "application/json");
            r.add(new Hostile("bad Authorization", "POST", messages, h, validMessage().getBytes(StandardCharsets.UTF_8),
                    authorization.endsWith(" ") || authorization.equals("Bearer") ? wire("POST", messages, h, validMessage()) : null));
            r.add(new Hostile("bad Authorization", "GET", "/api/v1/sessions", h, null,
                    authorization.endsWith(" ") || authorization.equals("Bearer") ? wire("GET", "/api/v1/sessions", h, null) : null));
        }
        r.add(new Hostile("no Authorization", "POST", "/api/v1/sessions", Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8), null));
        return r;
    }

    private List<Hostile> oversizedBodies(String token) {
        List<Hostile> r = new ArrayList<>();
        String messages = "/api/v1/sessions/" + session + "/messages";
        String huge = "{\"role\":\"user\",\"content\":" + q("h".repeat(1024 * 1024 + 10)) + "}";
        r.add(post("oversized body", messages, huge, token, Map.of()));
        r.add(post("oversized body", "/api/v1/sessions", "{\"title\":\"t\",\"metadata\":{\"m\":" + q("m".repeat(1024 * 1024 + 10)) + "}}", token, Map.of()));
        r.add(post("oversized body", messages + ":batch", "{\"messages\":[" + String.join(",", Collections.nCopies(5, "{\"role\":\"user\",\"content\":"
                + q("b".repeat(250 * 1024)) + "}")) + "]}", token, Map.of()));
        r.add(patch("oversized body", "{\"metadata\":{\"m\":" + q("p".repeat(1024 * 1024 + 10)) + "}}", token, Map.of()));
        String head = "POST " + messages + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{\"role\":\"user\",\"content\":\"";
        r.add(new Hostile("oversized body", "POST", messages, Map.of(), null, head.getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    /** Protocol-level garbage, written byte for byte on a socket. */
    private List<Hostile> rawRequests(String token) {
        List<Hostile> r = new ArrayList<>();
        String auth = "Authorization: Bearer " + token + "\r\n";
        String messages = "/api/v1/sessions/" + session + "/messages";
        String body = validMessage();
        List<byte[]> wires = new ArrayList<>();
        wires.add(concat("GET /api/v1/sessions/", new byte[]{(byte) 0xFF, (byte) 0xFE}, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(concat("GET /api/v1/sessions/", new byte[]{(byte) 0xC0, (byte) 0xAF}, "/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(concat("GET /api/v1/sessions/", new byte[]{0x00}, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(ascii("GET /api/v1/sessions?limit=%FF%FE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(ascii("GET /api/v1/sessions/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(concat("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\nIdempotency-Key: a",
                new byte[]{0x00}, "b\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body));
        wires.add(concat("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\nIdempotency-Key: ",
                new byte[]{(byte) 0xFF, (byte) 0xC3}, "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body));
        wires.add(ascii("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n"));
        wires.add(ascii("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n"));
        wires.add(ascii("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\n"
                + "Content-Length: abc\r\n\r\n" + body));
        wires.add(ascii("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\n"
                + "Content-Length: -1\r\n\r\n" + body));
        wires.add(ascii("POST " + messages + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\n"
                + "Content-Length: 3\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
        wires.add(ascii("GET /api/v1/sessions?" + "q".repeat(9000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(ascii("GET /api/v1/sessions/" + session + "/../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(ascii("GET http://evil.example/api/v1/sessions/not-a-uuid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(ascii("TRACE /api/v1/sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"));
        wires.add(ascii("PUT /api/v1/sessions/" + session + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
        for (byte[] wire : wires) {
            r.add(new Hostile("raw protocol", "RAW", new String(wire, 0, Math.min(wire.length, 60), StandardCharsets.ISO_8859_1).split("\r\n")[0],
                    Map.of(), null, wire));
        }
        return r;
    }

    // ---------------------------------------------------------------- request builders

    private Map<String, String> maybeKey() {
        return random.nextInt(4) == 0 ? Map.of("Idempotency-Key", "hostile-" + UUID.randomUUID()) : Map.of();
    }

    private Map<String, String> json(String token) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + token);
        h.put("Content-Type", "application/json");
        return h;
    }

    private Hostile post(String category, String path, String body, String token, Map<String, String> extra) {
        Map<String, String> h = json(token);
        h.putAll(extra);
        return new Hostile(category, "POST", path, h, body.getBytes(StandardCharsets.UTF_8), null);
    }

    private Hostile patch(String category, String body, String token, Map<String, String> extra) {
        Map<String, String> h = json(token);
        h.put("Content-Type", random.nextBoolean() ? "application/json" : "application/merge-patch+json");
        h.putAll(extra);
        return new Hostile(category, "PATCH", "/api/v1/sessions/" + session, h, body.getBytes(StandardCharsets.UTF_8), null);
    }

    private static Hostile get(String category, String target, Map<String, String> headers) {
        return new Hostile(category, "GET", target, headers, null, null);
    }

    private static byte[] wire(String method, String target, Map<String, String> headers, String body) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("\r\n");
        return concat(head.toString(), bytes, "");
    }

    // ---- issue 12, item 10: what is stored and returned stays within the limits; cursors at their type's limits

    @Test
    void numbersThatJsonbWouldWriteOutLongAreRefusedWithTheirPath() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        for (String number : List.of("1e-5000", "1e5000", "-1E+100", "1.5e-39", "1" + "0".repeat(41), "0." + "1".repeat(39))) {
            assertValidationError(user.api().post(messages, "{\"role\":\"user\",\"content\":\"c\",\"metadata\":{\"n\":" + number + "}}"),
                    "metadata.n");
            assertValidationError(user.api().post(messages, "{\"role\":\"user\",\"content\":\"c\",\"metadata\":{\"a\":[1," + number + "]}}"),
                    "metadata.a[1]");
            assertValidationError(user.api().post(messages, "{\"role\":\"user\",\"content\":\"c\",\"sources\":[{\"score\":" + number + "}]}"),
                    "sources[0].score");
            assertValidationError(user.api().post(messages, "{\"role\":\"user\",\"content\":\"c\",\"sources\":[{\"extra\":{\"x\":" + number + "}}]}"),
                    "sources[0].extra.x");
            assertValidationError(user.api().post(messages + ":batch", "{\"messages\":[{\"role\":\"user\",\"content\":\"c\",\"metadata\":{\"n\":" + number + "}}]}"),
                    "messages[0].metadata.n");
            assertValidationError(user.api().post("/api/v1/sessions", "{\"metadata\":{\"n\":" + number + "}}"), "metadata.n");
            assertValidationError(user.api().patch("/api/v1/sessions/" + session, "{\"metadata\":{\"n\":" + number + "}}"), "metadata.n");
        }
        assertEquals(0, TestSql.messagesOf(session), "nothing stored");
        assertEquals(1, TestSql.sessionsOf(user.name()));
        assertEquals("{}", TestSql.text("SELECT metadata::text FROM chat.sessions WHERE id = ?::uuid", session));

        // at the bound: stored and returned as at most 40 characters
        String longest = "0." + "1".repeat(38);
        Map<String, Object> stored = user.api().appendMessage(session, "{\"role\":\"user\",\"content\":\"c\",\"metadata\":{\"n\":" + longest
                + ",\"m\":-1.5e-30,\"k\":1e39},\"sources\":[{\"score\":" + longest + "}]}");
        String storedText = TestSql.text("SELECT metadata::text FROM chat.messages WHERE id = ?::uuid", stored.get("id"));
        assertEquals("{\"k\": 1" + "0".repeat(39) + ", \"m\": -0." + "0".repeat(29) + "15, \"n\": " + longest + "}", storedText);
        String page = user.api().get(messages).expect(200).body();
        assertTrue(page.contains(longest), page);
        assertTrue(page.length() < 1000, page);
    }

    @Test
    void cursorsAtTheLimitsOfTheirTypeAre400() {
        TestUser user = TestUser.create();
        String session = user.api().createSession("{}");
        String messages = "/api/v1/sessions/" + session + "/messages";
        List<String> extremes = List.of("9223372036854775807", "9223372036854775808", "-9223372036854775808", "-1", "0",
                "2147483648", "-2147483649", "99999999999999999999", "4294967296", "1e10", "+1", "%2B5", "00000000000000000001");
        for (String n : extremes) {
            assertValidationError(user.api().get(messages + "?limit=" + n), "limit");
            assertValidationError(user.api().get("/api/v1/sessions?limit=" + n), "limit");
            assertValidationError(user.api().get(messages + "?before_seq=" + n), "before_seq");
            assertValidationError(user.api().get(messages + "?after_seq=" + n), "after_seq");
        }
        // the largest int is a valid seq: an empty page, not an error
        assertEquals(200, user.api().get(messages + "?before_seq=2147483647").status());
        assertEquals(200, user.api().get(messages + "?after_seq=2147483647").status());
        String id = UUID.randomUUID().toString();
        for (String micros : List.of("9223372036854775807", "-9223372036854775808", "-1", "99999999999999999999", "-62135596800000001",
                "253402300800000000")) {
            String cursor = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("s1:" + micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
            assertValidationError(user.api().get("/api/v1/sessions?cursor=" + cursor), "cursor");
        }
    }

    @Test
    void aCarriageReturnInThePathNeverSplitsTheAccessLine() {
        ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("chat-sessions.access");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try {
            TestUser user = TestUser.create();
            String forged = "x%0D%0A2026-12-01T00:00:00.000Z%20INFO%20%20%5Bmain%5D%20chat-sessions.access%20-%20GET%20/admin%20200%201ms%0Dforged%0A%09%1B%7F";
            user.api().get("/api/v1/sessions/" + forged);
            user.api().get("/api/v1/sessions?cursor=" + forged);
            int port = TestServer.url().getPort();
            for (String raw : List.of("\r", "\u001b[2J", "\u007f", "\u0085", "\u0000")) {
                byte[] wire = concat("GET /api/v1/sessions/raw", raw.getBytes(StandardCharsets.ISO_8859_1), "forged HTTP/1.1\r\nHost: localhost\r\n\r\n");
                RawHttp.exchange("localhost", port, wire, 10_000);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lines.list.stream().noneMatch(e -> e.getFormattedMessage().contains("x%0D%0A")) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            List<String> messages = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
            assertTrue(messages.stream().anyMatch(m -> m.contains("/api/v1/sessions/x%0D%0A2026")), () -> "no escaped access line: " + messages);
            for (String message : messages) {
                assertTrue(message.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0)),
                        () -> "control character in access line: " + printable(message.getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            access.detachAppender(lines);
        }
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String abbreviate(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "...(" + text.length() + " chars)" : text;
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 4000); i++) {
            int b = bytes[i] & 0xFF;
            out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02X", b));
        }
        return out.toString();
    }
}
