package io.chatsessions.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.ApiSuite;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TestServer;
import io.chatsessions.testsupport.TestSql;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static io.chatsessions.testsupport.ContractAsserts.assertUnauthorized;
import static io.chatsessions.testsupport.ContractAsserts.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operators' analytics: figures against values computed here from the answers this suite wrote (in a window of
 * three days in the past that no other suite writes into), the group_by variants, the range bounds, the admin scope,
 * the statement timeout and the concurrency cap, and chat_answer_latency_ms in /prometheus.
 */
@MicronautTest(transactional = false)
@Property(name = "chat.analytics.statement-timeout", value = "1500ms")
@Property(name = "chat.analytics.max-concurrent", value = "2")
class AnalyticsTest implements ApiSuite {

    static final String ANSWERS = "/api/v1/admin/analytics/answers";
    static final String SOURCES = "/api/v1/admin/analytics/sources";
    static final List<String> QUERY_TYPES = java.util.Arrays.asList("semantic", "hybrid", null, "custom_rag");

    /** One answer as written: what the figures are computed from. */
    record Written(String queryType, Instant createdAt, Integer latencyMs, Integer topK, List<Map<String, Object>> sources,
                   String rating) {
    }

    private final List<Written> answers = new ArrayList<>();
    private Instant windowStart;
    private Instant windowEnd;
    private Api admin;

    @BeforeAll
    void writeAnswers() {
        Random random = new Random(15);
        // A window no other suite writes into: three UTC days in the past, different on every run.
        windowStart = LocalDate.of(2003, 1, 1).plusDays(new Random().nextInt(5000)).atStartOfDay(ZoneOffset.UTC).toInstant();
        windowEnd = windowStart.plus(Duration.ofDays(3));
        admin = Api.newUser().withToken(scopeToken("admin-" + windowStart, "openid chat:admin profile"));
        Api owner = Api.newUser();
        String session = owner.createSession("{}");
        List<Map<String, Object>> batch = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            String queryType = QUERY_TYPES.get(i % 4);
            Integer latency = i % 7 == 0 ? null : 100 + random.nextInt(5000);
            Integer topK = i % 5 == 0 ? null : 1 + random.nextInt(20);
            List<Map<String, Object>> sources = null;
            int listed = i % 4;
            if (listed > 0 || i % 2 == 1) {
                sources = new ArrayList<>();
                for (int k = 0; k < listed; k++) {
                    Map<String, Object> source = new LinkedHashMap<>();
                    source.put("document_id", "doc-" + random.nextInt(5));
                    source.put("chunk_id", "c" + k);
                    if (random.nextBoolean()) {
                        source.put("title", "Title " + i);
                    }
                    if (random.nextInt(3) > 0) {
                        source.put("cited", random.nextBoolean());
                    }
                    sources.add(source);
                }
                if (i % 9 == 0 && listed > 0) {
                    // the same document twice in one answer: counted once, cited when either entry is
                    Map<String, Object> again = new LinkedHashMap<>(sources.get(0));
                    again.put("chunk_id", "again");
                    again.put("cited", true);
                    sources.add(again);
                }
            }
            String rating = i % 3 == 0 ? "up" : i % 6 == 1 ? "down" : null;
            // i == 44 is created exactly at the window's end (excluded); i == 0 exactly at its start (included)
            Instant createdAt = i == 0 ? windowStart : i == 44 ? windowEnd
                    : windowStart.plusSeconds(random.nextInt((int) Duration.ofDays(3).toSeconds()));
            answers.add(new Written(queryType, createdAt, latency, topK, sources, rating));
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", "answer " + i);
            putUnlessNull(message, "latency_ms", latency);
            putUnlessNull(message, "top_k", topK);
            putUnlessNull(message, "query_type", queryType);
            putUnlessNull(message, "sources", sources);
            batch.add(message);
            times.add(createdAt);
        }
        // not answers that count: a question, an answer still streaming, a failed one
        batch.add(Map.of("role", "user", "content", "a question", "query_type", "semantic"));
        batch.add(Map.of("role", "assistant", "content", "", "status", "in_progress", "query_type", "semantic"));
        batch.add(Map.of("role", "assistant", "content", "partial", "status", "failed", "latency_ms", 9, "query_type", "semantic"));
        for (int i = 0; i < 3; i++) {
            times.add(windowStart.plusSeconds(60));
        }
        Api.Response appended = owner.post("/api/v1/sessions/" + session + "/messages:batch", Json.write(Map.of("messages", batch))).expect(201);
        List<Map<String, Object>> stored = appended.items();
        // one more answer, streamed: created in_progress, completed by a PATCH
        Map<String, Object> streamed = owner.appendMessage(session,
                "{\"role\": \"assistant\", \"content\": \"\", \"status\": \"in_progress\", \"query_type\": \"hybrid\"}");
        owner.patch("/api/v1/sessions/" + session + "/messages/" + streamed.get("id"),
                "{\"content\": \"done\", \"status\": \"completed\", \"latency_ms\": 777, \"top_k\": 4, "
                        + "\"sources\": [{\"document_id\": \"doc-streamed\", \"cited\": true, \"title\": \"Streamed\"}]}").expect(200);
        Instant streamedAt = windowStart.plus(Duration.ofHours(50));
        answers.add(new Written("hybrid", streamedAt, 777, 4,
                List.of(Map.of("document_id", "doc-streamed", "cited", true, "title", "Streamed")), "down"));
        for (int i = 0; i < answers.size() - 1; i++) {
            String rating = answers.get(i).rating();
            if (rating != null) {
                FeedbackTest.put(owner, FeedbackTest.feedback(session, stored.get(i).get("id")), "{\"rating\": \"" + rating + "\"}").expect(200);
            }
        }
        FeedbackTest.put(owner, FeedbackTest.feedback(session, streamed.get("id")), "{\"rating\": \"down\"}").expect(200);
        for (int i = 0; i < stored.size(); i++) {
            setCreatedAt(stored.get(i).get("id"), times.get(i));
        }
        setCreatedAt(streamed.get("id"), streamedAt);
    }

    private static void putUnlessNull(Map<String, Object> message, String field, Object value) {
        if (value != null) {
            message.put(field, value);
        }
    }

    private static void setCreatedAt(Object messageId, Instant at) {
        TestSql.execute("UPDATE chat.messages SET created_at = ? WHERE id = ?::uuid", Timestamp.from(at), String.valueOf(messageId));
    }

    // ---- figures

    @Test
    void answersByQueryTypeAreTheFiguresOfTheRowsWritten() {
        List<Map<String, Object>> items = admin.get(ANSWERS + window()).expect(200).items();
        Map<List<Object>, List<Written>> expected = grouped(w -> java.util.Arrays.asList(w.queryType()));
        assertEquals(expected.size(), items.size(), items.toString());
        List<String> order = new ArrayList<>();
        for (Map<String, Object> item : items) {
            assertTrue(item.containsKey("query_type"), item.toString());
            assertFalse(item.containsKey("day"), item.toString());
            order.add((String) item.get("query_type"));
            assertFigures(expected.get(java.util.Arrays.asList(item.get("query_type"))), item);
        }
        assertEquals(java.util.Arrays.asList("custom_rag", "hybrid", "semantic", null), order, "ordered by query_type, null last");
        // group_by=query_type is the default
        assertEquals(items, admin.get(ANSWERS + window() + "&group_by=query_type").expect(200).items());
    }

    @Test
    void answersByDayAndByBoth() {
        List<Map<String, Object>> byDay = admin.get(ANSWERS + window() + "&group_by=day").expect(200).items();
        Map<List<Object>, List<Written>> days = grouped(w -> List.of(day(w)));
        assertEquals(3, byDay.size(), byDay.toString());
        for (Map<String, Object> item : byDay) {
            assertFalse(item.containsKey("query_type"), item.toString());
            assertFigures(days.get(List.of(item.get("day"))), item);
        }
        assertEquals(days.keySet().stream().map(k -> k.get(0)).sorted().toList(), byDay.stream().map(i -> i.get("day")).toList());

        List<Map<String, Object>> both = admin.get(ANSWERS + window() + "&group_by=query_type,day").expect(200).items();
        Map<List<Object>, List<Written>> expected = grouped(w -> java.util.Arrays.asList(w.queryType(), day(w)));
        assertEquals(expected.size(), both.size(), both.toString());
        for (Map<String, Object> item : both) {
            assertFigures(expected.get(java.util.Arrays.asList(item.get("query_type"), item.get("day"))), item);
        }
        assertValidationError(admin.get(ANSWERS + window() + "&group_by=user"), "group_by");
    }

    @Test
    void sourcesAreTheMostListedDocumentsOfTheRowsWritten() {
        record Document(String id, String title, Instant titleAt, long citations, long cited, long up, long down) {
        }
        Map<String, Document> documents = new TreeMap<>();
        for (Written w : inWindow()) {
            if (w.sources() == null) {
                continue;
            }
            Map<String, List<Map<String, Object>>> byDocument = new LinkedHashMap<>();
            for (Map<String, Object> s : w.sources()) {
                byDocument.computeIfAbsent((String) s.get("document_id"), k -> new ArrayList<>()).add(s);
            }
            byDocument.forEach((id, entries) -> {
                boolean cited = entries.stream().anyMatch(s -> Boolean.TRUE.equals(s.get("cited")));
                String title = entries.stream().map(s -> (String) s.get("title")).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
                Document d = documents.getOrDefault(id, new Document(id, null, null, 0, 0, 0, 0));
                boolean newer = title != null && (d.titleAt() == null || w.createdAt().isAfter(d.titleAt()));
                documents.put(id, new Document(id, newer ? title : d.title(), newer ? w.createdAt() : d.titleAt(),
                        d.citations() + 1, d.cited() + (cited ? 1 : 0), d.up() + ("up".equals(w.rating()) ? 1 : 0),
                        d.down() + ("down".equals(w.rating()) ? 1 : 0)));
            });
        }
        List<Document> ranked = documents.values().stream()
                .sorted(Comparator.comparingLong(Document::citations).reversed().thenComparing(Document::id)).toList();
        List<Map<String, Object>> items = admin.get(SOURCES + window()).expect(200).items();
        assertEquals(ranked.size(), items.size(), items.toString());
        for (int i = 0; i < ranked.size(); i++) {
            Document d = ranked.get(i);
            Map<String, Object> item = items.get(i);
            assertEquals(d.id(), item.get("document_id"), item.toString());
            assertEquals(d.title(), item.get("title"), item.toString());
            assertEquals(d.citations(), number(item, "citations"), item.toString());
            assertEquals(d.cited(), number(item, "cited"), item.toString());
            assertEquals(Map.of("up", (int) d.up(), "down", (int) d.down()), item.get("feedback"), item.toString());
        }
        assertEquals(items.subList(0, 2), admin.get(SOURCES + window() + "&limit=2").expect(200).items());
        assertValidationError(admin.get(SOURCES + window() + "&limit=0"), "limit");
        assertValidationError(admin.get(SOURCES + window() + "&limit=1001"), "limit");
    }

    // ---- range bounds

    @Test
    void rangeDefaultsAndBounds() {
        List<Map<String, Object>> explicit = admin.get(ANSWERS + window()).expect(200).items();
        // without from: the 7 days (CHAT_ANALYTICS_DEFAULT_RANGE) before to, so the window is inside ...
        assertEquals(explicit, admin.get(ANSWERS + "?to=" + windowEnd).expect(200).items());
        // ... and 7 days after the window's end it is not
        assertEquals(List.of(), admin.get(ANSWERS + "?to=" + windowEnd.plus(Duration.ofDays(7)).plusSeconds(1)).expect(200).items());
        assertEquals(explicit.size(), admin.get(ANSWERS + "?to=" + windowEnd.plus(Duration.ofDays(4))).expect(200).items().size(),
                "the window's first day is within 7 days of to");
        // without to: up to now (the window lies years back, beyond 7 days)
        assertEquals(200, admin.get(ANSWERS).status());
        // the maximum is 90 days (CHAT_ANALYTICS_MAX_RANGE): exactly that is fine, one second more is 400
        Instant from = windowEnd.minus(Duration.ofDays(90));
        assertEquals(explicit, admin.get(ANSWERS + "?from=" + from + "&to=" + windowEnd).expect(200).items());
        assertValidationError(admin.get(ANSWERS + "?from=" + from.minusSeconds(1) + "&to=" + windowEnd), "from");
        assertValidationError(admin.get(SOURCES + "?from=" + from.minusSeconds(1) + "&to=" + windowEnd), "from");
        assertValidationError(admin.get(ANSWERS + "?from=" + windowEnd + "&to=" + windowEnd), "from");
        assertValidationError(admin.get(ANSWERS + "?from=yesterday"), "from");
        assertValidationError(admin.get(ANSWERS + "?to=2026-01-01T00:00:00"), "to");
        // an offset other than Z is the same instant
        assertEquals(explicit, admin.get(ANSWERS + "?from=" + windowStart.atOffset(ZoneOffset.ofHours(2))
                .toString().replace("+", "%2B") + "&to=" + windowEnd).expect(200).items());
    }

    // ---- who may

    @Test
    void onlyTheAdminScopeMayAsk() {
        for (String path : List.of(ANSWERS + window(), SOURCES + window())) {
            Api anonymous = Api.newUser().withToken(null);
            assertUnauthorized(anonymous.get(path));
            assertUnauthorized(Api.newUser().withToken("not-a-token").get(path));
            assertProblemType(Api.newUser().get(path), 403, "urn:chat-sessions:problem:forbidden");
            assertProblemType(Api.newUser().withToken(scopeToken("u", "chat:admins chat:read")).get(path), 403, "urn:chat-sessions:problem:forbidden");
            assertProblemType(Api.newUser().withToken(rolesToken("u", List.of("chat:user"))).get(path), 403, "urn:chat-sessions:problem:forbidden");
            // the scope is exactly chat:admin, not a part of it (an unescaped `${AUTH_ADMIN_SCOPE:chat:admin}` resolved to `admin`)
            assertProblemType(Api.newUser().withToken(scopeToken("u", "admin")).get(path), 403, "urn:chat-sessions:problem:forbidden");
            assertProblemType(Api.newUser().withToken(rolesToken("u", List.of("admin", "chat"))).get(path), 403, "urn:chat-sessions:problem:forbidden");
            Api.newUser().withToken(scopeToken("ops", "chat:admin")).get(path).expect(200);
            Api.newUser().withToken(rolesToken("ops", List.of("viewer", "chat:admin"))).get(path).expect(200);
        }
        // the same admin token is a user's token elsewhere: its subject's own sessions
        assertEquals(0, admin.get("/api/v1/sessions").expect(200).items().size());
    }

    // ---- operators cannot starve the API

    @Test
    void aReportPastTheStatementTimeoutIs503AndAThirdConcurrentOneIsRefused() throws Exception {
        try (Connection locker = TestSql.superuser(TestServer.database()); Statement lock = locker.createStatement()) {
            locker.setAutoCommit(false);
            // a report now waits for the lock until its statement timeout (1.5 s here, below the 2 s lock timeout)
            lock.execute("LOCK TABLE chat.message_feedback IN ACCESS EXCLUSIVE MODE");
            List<CompletableFuture<Api.Response>> waiting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> admin.get(ANSWERS + window())));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (TestSql.number("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%percentile_cont%'") < 2) {
                assertTrue(System.nanoTime() < deadline, "the two reports never waited for the lock");
                Thread.onSpinWait();
            }
            Api.Response third = admin.get(SOURCES + window());
            assertProblemType(third, 503, "urn:chat-sessions:problem:service-unavailable");
            assertNotNull(third.header("Retry-After"), third.describe());
            for (CompletableFuture<Api.Response> report : waiting) {
                Api.Response timedOut = report.get();
                assertProblemType(timedOut, 503, "urn:chat-sessions:problem:analytics-timeout");
                assertTrue(timedOut.body().contains("CHAT_ANALYTICS_STATEMENT_TIMEOUT"), timedOut.body());
            }
            locker.rollback();
        }
        // the permits came back, and the API was never blocked
        admin.get(ANSWERS + window()).expect(200);
        admin.get(SOURCES + window()).expect(200);
    }

    // ---- the histogram

    @Test
    void answerLatencyHistogramHasBoundedQueryTypeLabels() {
        Map<String, Long> before = latencyCounts();
        Api owner = Api.newUser();
        String session = owner.createSession("{}");
        owner.post("/api/v1/sessions/" + session + "/messages:batch", """
                {"messages": [
                  {"role": "user", "content": "q", "query_type": "semantic"},
                  {"role": "assistant", "content": "a", "latency_ms": 120, "query_type": "semantic"},
                  {"role": "assistant", "content": "a", "latency_ms": 90, "query_type": "made-up-by-a-client"},
                  {"role": "assistant", "content": "a", "latency_ms": 61000},
                  {"role": "assistant", "content": "a", "query_type": "semantic"},
                  {"role": "assistant", "content": "a", "latency_ms": 5, "status": "failed", "query_type": "semantic"}]}""").expect(201);
        Map<String, Object> streamed = owner.appendMessage(session,
                "{\"role\": \"assistant\", \"content\": \"\", \"status\": \"in_progress\", \"query_type\": \"keyword\"}");
        assertEquals(before.getOrDefault("keyword", 0L), latencyCounts().getOrDefault("keyword", 0L), "not observed while in progress");
        owner.patch("/api/v1/sessions/" + session + "/messages/" + streamed.get("id"),
                "{\"content\": \"done\", \"status\": \"completed\", \"latency_ms\": 2500}").expect(200);
        Map<String, Long> after = latencyCounts();
        assertEquals(1, after.getOrDefault("semantic", 0L) - before.getOrDefault("semantic", 0L), after.toString());
        assertEquals(1, after.getOrDefault("other", 0L) - before.getOrDefault("other", 0L), after.toString());
        assertEquals(1, after.getOrDefault("none", 0L) - before.getOrDefault("none", 0L), after.toString());
        assertEquals(1, after.getOrDefault("keyword", 0L) - before.getOrDefault("keyword", 0L), after.toString());
        assertTrue(Set.of("semantic", "hybrid", "keyword", "other", "none").containsAll(after.keySet()), after.toString());
        String text = prometheus();
        assertTrue(text.contains("# TYPE chat_answer_latency_ms histogram"), "a histogram");
        for (String le : List.of("100.0", "1000.0", "5000.0", "60000.0", "+Inf")) {
            assertTrue(Pattern.compile("(?m)^chat_answer_latency_ms_bucket\\{[^}]*le=\"" + Pattern.quote(le) + "\"").matcher(text).find(), "bucket " + le);
        }
        assertFalse(text.contains("made-up-by-a-client"), "a client's query_type is no label");
    }

    // ---- expectations computed from the rows written

    private List<Written> inWindow() {
        return answers.stream().filter(w -> !w.createdAt().isBefore(windowStart) && w.createdAt().isBefore(windowEnd)).toList();
    }

    private Map<List<Object>, List<Written>> grouped(Function<Written, List<Object>> key) {
        Map<List<Object>, List<Written>> groups = new LinkedHashMap<>();
        for (Written w : inWindow()) {
            groups.computeIfAbsent(key.apply(w), k -> new ArrayList<>()).add(w);
        }
        return groups;
    }

    private static String day(Written w) {
        return w.createdAt().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static void assertFigures(List<Written> group, Map<String, Object> item) {
        assertNotNull(group, "an unexpected group: " + item);
        assertEquals(group.size(), number(item, "answers"), item.toString());
        List<Double> latencies = group.stream().map(Written::latencyMs).filter(Objects::nonNull).map(Integer::doubleValue).sorted().toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) item.get("latency_ms");
        assertClose(percentileCont(latencies, 0.5), latency.get("p50"), item);
        assertClose(percentileCont(latencies, 0.95), latency.get("p95"), item);
        assertClose(percentileCont(latencies, 0.99), latency.get("p99"), item);
        List<Integer> topKs = group.stream().map(Written::topK).filter(Objects::nonNull).toList();
        assertClose(topKs.isEmpty() ? null : topKs.stream().mapToInt(Integer::intValue).average().orElseThrow(), item.get("top_k_avg"), item);
        assertEquals(group.stream().filter(w -> w.sources() != null && !w.sources().isEmpty()).count(), number(item, "with_sources"), item.toString());
        assertEquals(group.stream().filter(w -> w.sources() != null && w.sources().stream().anyMatch(s -> Boolean.TRUE.equals(s.get("cited")))).count(),
                number(item, "cited"), item.toString());
        assertEquals(Map.of("up", (int) group.stream().filter(w -> "up".equals(w.rating())).count(),
                "down", (int) group.stream().filter(w -> "down".equals(w.rating())).count()), item.get("feedback"), item.toString());
    }

    /** PostgreSQL's percentile_cont: linear interpolation at the 0-based position p * (n - 1) of the sorted values. */
    static Double percentileCont(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        double position = p * (sorted.size() - 1);
        int lower = (int) Math.floor(position);
        int upper = (int) Math.ceil(position);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }

    private static void assertClose(Double expected, Object actual, Map<String, Object> item) {
        if (expected == null) {
            assertEquals(null, actual, item.toString());
            return;
        }
        assertNotNull(actual, item.toString());
        assertEquals(expected, ((Number) actual).doubleValue(), 1e-9, item.toString());
    }

    private static void assertProblemType(Api.Response response, int status, String type) {
        assertEquals(type, assertProblem(response, status).get("type"), response.describe());
    }

    private static long number(Map<String, Object> item, String field) {
        return ((Number) item.get(field)).longValue();
    }

    private String window() {
        return "?from=" + windowStart + "&to=" + windowEnd;
    }

    // ---- tokens and metrics

    static String scopeToken(String subject, String scope) {
        return Tokens.sign(TestServer.SECRET, subject, Duration.ofHours(1), null, null, scope);
    }

    static String rolesToken(String subject, List<String> roles) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).claim("roles", roles).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(TestServer.SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String prometheus() {
        return new Api(TestServer.managementUrl(), null).get("/prometheus").expect(200).body();
    }

    /** chat_answer_latency_ms_count by query_type. */
    private static Map<String, Long> latencyCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^chat_answer_latency_ms_count\\{([^}]*)} ([0-9.eE+]+)$").matcher(prometheus());
        Set<String> seen = new HashSet<>();
        while (line.find()) {
            Matcher queryType = Pattern.compile("query_type=\"([^\"]*)\"").matcher(line.group(1));
            if (queryType.find() && seen.add(queryType.group(1))) {
                counts.put(queryType.group(1), (long) Double.parseDouble(line.group(2)));
            }
        }
        return counts;
    }
}
