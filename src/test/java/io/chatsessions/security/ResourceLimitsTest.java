package io.chatsessions.security;

import io.chatsessions.testsupport.Api;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Latencies;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.reliability.support.Threads;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.chatsessions.reliability.support.Figures.ms;
import static io.chatsessions.reliability.support.Figures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 9: resource limits. A per-user rate limit (configured here to 20 requests/s, burst 20) answers 429
 * problem+json with Retry-After, and one user's flood (25x its budget) does not raise other users' p99 latency by more
 * than 20% over the same user idle (1 s phases interleaved in one run; up to three attempts against scheduler noise, all
 * printed; the full run also reports the flood against the user staying within its budget, and a control without the limit).
 * Request queues are bounded: with the sessions table locked, 150 concurrent requests all get an answer (503 +
 * Retry-After) within 5 s. JSON nesting is bounded (400, never a stack overflow).
 */
class ResourceLimitsTest {

    private static final int RATE = 20;
    private static final int BURST = 20;
    private static final double MAX_P99_INCREASE = 1.20;

    @Test
    void rateLimitAnswers429WithRetryAfterPerUser() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("chat.rate-limit.enabled", "true");
        properties.put("chat.rate-limit.requests-per-second", RATE);
        properties.put("chat.rate-limit.burst", BURST);
        try (Servers.Dedicated server = Servers.start(Map.of(), properties)) {
            Http http = new Http();
            String flooder = Servers.token("flooder-" + UUID.randomUUID());
            String other = Servers.token("other-" + UUID.randomUUID());
            List<String> violations = new ArrayList<>();
            int ok = 0;
            int limited = 0;
            Api.Response firstLimited = null;
            for (int i = 0; i < 3 * BURST; i++) {
                Api.Response outcome = http.get(server.url("/api/v1/sessions"), flooder, Duration.ofSeconds(10));
                if (outcome.status() == 200) {
                    ok++;
                } else if (outcome.status() == 429) {
                    limited++;
                    if (firstLimited == null) {
                        firstLimited = outcome;
                    }
                    String retryAfter = outcome.header("Retry-After");
                    if (retryAfter == null || !retryAfter.matches("[1-9][0-9]*")) {
                        violations.add("429 without a Retry-After of whole seconds: " + retryAfter);
                    }
                    if (!String.valueOf(outcome.header("Content-Type")).startsWith("application/problem+json")
                            || Json.parse(outcome.bytes()).path("status").asInt() != 429) {
                        violations.add("429 is not problem+json: " + outcome.describe());
                    }
                } else {
                    violations.add("unexpected answer while flooding: " + outcome.describe());
                }
            }
            if (limited == 0) {
                violations.add("no 429 after " + (3 * BURST) + " back-to-back requests (burst " + BURST + ")");
            }
            Api.Response otherUser = http.get(server.url("/api/v1/sessions"), other, Duration.ofSeconds(10));
            if (otherUser.status() != 200) {
                violations.add("another user was limited by the flooder's budget: " + otherUser.describe());
            }
            long waited = 0;
            if (firstLimited != null && firstLimited.header("Retry-After") != null) {
                long seconds = Long.parseLong(firstLimited.header("Retry-After"));
                Threads.sleep(seconds * 1000 + 100);
                waited = seconds;
                Api.Response after = http.get(server.url("/api/v1/sessions"), flooder, Duration.ofSeconds(10));
                if (after.status() != 200) {
                    violations.add("still limited after waiting Retry-After (" + seconds + " s): " + after.describe());
                }
            }
            Figures.report("9 rate limit", "%d back-to-back requests by one user at %d/s burst %d: %d admitted, %d answered 429 problem+json "
                            + "with Retry-After (first: %s s); other user unaffected: %s; admitted again after waiting %d s; %s",
                    3 * BURST, RATE, BURST, ok, limited, firstLimited == null ? "-" : firstLimited.header("Retry-After"),
                    otherUser.status() == 200, waited, violations.isEmpty() ? "PASS" : "FAIL");
            assertTrue(violations.isEmpty(), "rate limit violations:\n  " + String.join("\n  ", violations));
        }
    }

    @Test
    void oneUsersFloodDoesNotRaiseOtherUsersP99() throws Exception {
        // The service runs in its own JVM, as in production: the harness's clients (the flood's own HTTP client
        // included) still share the 2 cores with it, but no longer its heap and GC pauses.
        Map<String, String> limited = new HashMap<>(ServiceProcess.environment(Servers.freshDatabase()));
        limited.put("RATE_LIMIT_ENABLED", "true");
        limited.put("RATE_LIMIT_REQUESTS_PER_SECOND", Integer.toString(RATE));
        limited.put("RATE_LIMIT_BURST", Integer.toString(BURST));
        try (ServiceProcess service = ServiceProcess.start("flood-limited", ControllablePostgres.freePort(), limited)) {
            service.awaitReady(Duration.ofSeconds(120));
            List<String> attempts = new ArrayList<>();
            long othersLimited = 0;
            boolean passed = false;
            // a second attempt is only for the p99 ratio, which only the full run asserts (each attempt is ~45 s)
            int attemptsAllowed = Figures.FULL ? 3 : 1;
            for (int attempt = 1; attempt <= attemptsAllowed && !passed; attempt++) {
                Result result = measure(service.url(), Figures.FULL ? 30 : 12, Baseline.IDLE);
                passed = result.ratio() <= MAX_P99_INCREASE && result.othersLimited() == 0;
                othersLimited += result.othersLimited();
                attempts.add(result.describe());
            }
            String control = "";
            if (Figures.FULL) {
                control = "; flood vs. the flooder staying within its budget: " + measure(service.url(), 30, Baseline.AT_BUDGET).describe();
                Map<String, String> unlimited = ServiceProcess.environment(Servers.freshDatabase());
                try (ServiceProcess open = ServiceProcess.start("flood-unlimited", ControllablePostgres.freePort(), unlimited)) {
                    open.awaitReady(Duration.ofSeconds(120));
                    control += "; control without a rate limit, flood vs. idle: " + measure(open.url(), 12, Baseline.IDLE).describe();
                }
            }
            Figures.report("9 flood isolation", "service in its own JVM; other users' p99 while one user floods at 25x its budget vs. "
                            + "while it is idle: %s%s; %s",
                    String.join(" | ", attempts), control, passed ? "PASS" : "FAIL");
            // The p99 ratio is a timing figure on 2 cores shared with the flood's own client: it gates the full run
            // (reliability/run.sh); in ./mvnw verify it is reported, and other users must never be rate limited.
            if (Figures.FULL) {
                assertTrue(passed, "one user's flood raised other users' p99 by more than 20% (or limited them) in every attempt: " + attempts);
            } else {
                assertEquals(0, othersLimited, "other users were rate limited by one user's flood: " + attempts);
            }
        }
    }

    record Result(long baselineP99, long floodP99, long baselineP50, long floodP50, int samples, long floodSent, long flood429,
                  long floodAdmitted, long othersLimited) {

        double ratio() {
            return (double) floodP99 / Math.max(1, baselineP99);
        }

        String describe() {
            return String.format(Locale.ROOT, "p99 %s -> %s (x%.2f), p50 %s -> %s, %d samples per phase; flooder sent %d, %d got 429, %d admitted; "
                            + "others limited %d", ms(baselineP99), ms(floodP99), ratio(), ms(baselineP50), ms(floodP50), samples, floodSent,
                    flood429, floodAdmitted, othersLimited);
        }
    }

    /** What the flooding user does between flood phases. */
    private enum Baseline {
        /** Sends at exactly its budget: the comparison isolates what the flood adds beyond the allowed traffic. */
        AT_BUDGET,
        /** Sends nothing: each flood phase then starts with a full burst of admitted requests. */
        IDLE
    }

    /**
     * Other users at a steady 50 requests/s in total; phases of 1 s alternate between the flooder's baseline and a
     * 500/s flood, so that stalls of this shared machine fall on both sides alike. A sample counts only if the phase
     * did not change while it ran.
     */
    private Result measure(URI server, int rounds, Baseline between) throws Exception {
        Http http = new Http();
        int others = 5;
        List<String> tokens = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int u = 0; u <= others; u++) {
            String token = Servers.token("p99-" + u + "-" + UUID.randomUUID());
            Api.Response created = http.postJson(server.resolve("/api/v1/sessions"), token, "{}", Map.of(), Duration.ofSeconds(10));
            assertEquals(201, created.status(), created.describe());
            String id = Json.parse(created.bytes()).get("id").asText();
            StringBuilder batch = new StringBuilder("{\"messages\":[");
            for (int i = 0; i < 50; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"role\":\"assistant\",\"content\":\"").append("answer ".repeat(40)).append(i).append("\"}");
            }
            assertEquals(201, http.postJson(server.resolve("/api/v1/sessions/" + id + "/messages:batch"), token, batch.append("]}").toString(),
                    Map.of(), Duration.ofSeconds(10)).status());
            tokens.add(token);
            sessions.add(id);
        }
        String flooder = tokens.get(others);
        URI floodUri = server.resolve("/api/v1/sessions/" + sessions.get(others) + "/messages?limit=200");

        AtomicBoolean flooding = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        Latencies baseline = new Latencies();
        Latencies underFlood = new Latencies();
        AtomicLong othersLimited = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int u = 0; u < others; u++) {
            String token = tokens.get(u);
            URI uri = server.resolve("/api/v1/sessions/" + sessions.get(u) + "/messages?limit=50");
            threads.add(Threads.start("p99-other-" + u, () -> {
                long next = System.nanoTime();
                while (running.get()) {
                    next = Math.max(next + 100_000_000L, System.nanoTime()); // 10 requests/s per user, no catching up after a stall
                    boolean flood = flooding.get();
                    Api.Response outcome = http.get(uri, token, Duration.ofSeconds(10));
                    if (outcome.status() == 429) {
                        othersLimited.incrementAndGet();
                    }
                    if (measuring.get() && outcome.status() == 200 && flood == flooding.get()) {
                        (flood ? underFlood : baseline).add(outcome.latencyNanos());
                    }
                    Threads.sleepUntil(next);
                }
            }));
        }

        HttpClient floodClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(2)).build();
        AtomicLong sent = new AtomicLong();
        AtomicLong tooMany = new AtomicLong();
        AtomicLong admitted = new AtomicLong();
        Semaphore inFlight = new Semaphore(64);
        HttpRequest floodRequest = HttpRequest.newBuilder(floodUri).header("Authorization", "Bearer " + flooder).timeout(Duration.ofSeconds(10)).GET().build();
        threads.add(Threads.start("p99-flooder", () -> {
            long next = System.nanoTime();
            while (running.get()) {
                boolean flood = flooding.get();
                next += flood ? 2_000_000L : 1_000_000_000L / RATE; // 500 requests/s (25x the budget), or the budget
                if ((flood || between == Baseline.AT_BUDGET) && inFlight.tryAcquire()) {
                    sent.incrementAndGet();
                    CompletableFuture<HttpResponse<Void>> response = floodClient.sendAsync(floodRequest, HttpResponse.BodyHandlers.discarding());
                    response.whenComplete((r, e) -> {
                        inFlight.release();
                        if (r != null && r.statusCode() == 429) {
                            tooMany.incrementAndGet();
                        } else if (r != null && r.statusCode() == 200) {
                            admitted.incrementAndGet();
                        }
                    });
                }
                Threads.sleepUntil(next);
            }
        }));

        // Warm-up of both paths, not measured: the service's JVM is fresh, and C2 needs ~20 s at these rates.
        for (int round = 0; round < 10; round++) {
            flooding.set(round % 2 == 1);
            Threads.sleep(2000);
        }
        flooding.set(false);
        Threads.sleep(500);
        measuring.set(true);
        for (int round = 0; round < rounds; round++) {
            flooding.set(false);
            Threads.sleep(1000);
            flooding.set(true);
            Threads.sleep(1000);
        }
        measuring.set(false);
        flooding.set(false);
        running.set(false);
        threads.forEach(t -> Threads.join(t, Duration.ofSeconds(30)));
        inFlight.tryAcquire(64, 30, TimeUnit.SECONDS);
        return new Result(baseline.percentile(99), underFlood.percentile(99), baseline.percentile(50), underFlood.percentile(50),
                Math.min(baseline.count(), underFlood.count()), sent.get(), tooMany.get(), admitted.get(), othersLimited.get());
    }

    @Test
    void requestQueuesAreBoundedWhenTheDatabaseStalls() throws Exception {
        try (Servers.Dedicated server = Servers.start(Map.of(), Servers.NO_RATE_LIMIT)) {
            Http http = new Http(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
            String token = Servers.token("queue-" + UUID.randomUUID());
            Api.Response created = http.postJson(server.url("/api/v1/sessions"), token, "{}", Map.of(), Duration.ofSeconds(10));
            String session = Json.parse(created.bytes()).get("id").asText();
            int concurrent = 150;
            ConcurrentLinkedQueue<Api.Response> outcomes = new ConcurrentLinkedQueue<>();
            long recovered;
            try (Connection lock = TestSql.connect(server.db())) {
                lock.setAutoCommit(false);
                try (Statement statement = lock.createStatement()) {
                    statement.execute("LOCK TABLE chat.sessions IN ACCESS EXCLUSIVE MODE");
                }
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    int n = i;
                    threads.add(Threads.start("queue-" + i, () -> outcomes.add(n % 2 == 0
                            ? http.get(server.url("/api/v1/sessions/" + session), token, Duration.ofSeconds(30))
                            : http.postJson(server.url("/api/v1/sessions/" + session + "/messages"), token,
                            "{\"role\":\"user\",\"content\":\"queued " + n + "\"}", Map.of(), Duration.ofSeconds(30)))));
                }
                threads.forEach(t -> Threads.join(t, Duration.ofSeconds(60)));
                lock.rollback();
            }
            long released = System.nanoTime();
            recovered = -1;
            while (System.nanoTime() - released < Duration.ofSeconds(15).toNanos()) {
                if (http.get(server.url("/api/v1/sessions/" + session), token, Duration.ofSeconds(10)).status() == 200) {
                    recovered = System.nanoTime() - released;
                    break;
                }
                Threads.sleep(100);
            }

            List<String> violations = new ArrayList<>();
            Map<String, Long> statuses = new java.util.TreeMap<>();
            long slowest = 0;
            for (Api.Response o : outcomes) {
                statuses.merge(o.status() < 0 ? "no answer" : Integer.toString(o.status()), 1L, Long::sum);
                slowest = Math.max(slowest, o.latencyNanos());
                if (o.latencyNanos() > Duration.ofSeconds(5).toNanos()) {
                    violations.add("answered after " + s(o.latencyNanos()) + " (limit 5 s): " + o.describe());
                } else if (!o.ok() && !(o.status() == 503 && o.header("Retry-After") != null)) {
                    violations.add("not a 503 + Retry-After: " + o.describe());
                }
            }
            if (recovered < 0) {
                violations.add("not serving again within 15 s after the lock was released");
            }
            Figures.report("9 bounded queues", "%d concurrent requests while the sessions table was locked: statuses %s, slowest answer %s; "
                    + "serving again %s after the lock was released; %s", concurrent, statuses, s(slowest),
                    recovered < 0 ? "never" : s(recovered), violations.isEmpty() ? "PASS" : "FAIL");
            assertTrue(violations.isEmpty(), "bounded queue violations (" + violations.size() + "):\n  "
                    + String.join("\n  ", violations.subList(0, Math.min(10, violations.size()))));
        }
    }

    /**
     * Issue 12, item 2: 200 messages of the largest allowed size (content, sources and metadata at the message limit,
     * content that doubles as JSON) and {@code GET ?limit=200} against the service in its own JVM with a 256 MiB
     * heap. Without a page budget that page is about 120 MB of JSON; with it every page is at most 8 MiB, the service
     * stays up, and paging on returns all 200 exactly once.
     */
    @Test
    void aPageOfTheLargestMessagesFitsA256MiBHeap() {
        var db = Servers.freshDatabase();
        try (ServiceProcess service = ServiceProcess.start("page-heap", ControllablePostgres.freePort(),
                ServiceProcess.environment(db), List.of("-Xmx256m"))) {
            service.awaitReady(Duration.ofSeconds(90));
            Http http = new Http();
            String token = Servers.token("heap-" + UUID.randomUUID());
            Api.Response created = http.postJson(service.url().resolve("/api/v1/sessions"), token, "{}", Map.of(), Duration.ofSeconds(30));
            assertEquals(201, created.status(), created.describe());
            String session = Json.parse(created.bytes()).get("id").asText();
            String messages = "/api/v1/sessions/" + session + "/messages";
            // 256 KiB of content (quotes: 2 bytes of JSON each), 16,000 bytes of metadata, and sources up to the 320 KiB
            // message limit; one message a request keeps each body under the 1 MiB request limit
            String content = "\\\"".repeat(262_144);
            String metadata = "{\"m\":\"" + "m".repeat(15_990) + "\"}";
            String sources = "[{\"snippet\":\"" + "s".repeat(327_680 - 262_144 - metadata.length() - 20) + "\"}]";
            String one = "{\"role\":\"assistant\",\"content\":\"" + content + "\",\"sources\":" + sources + ",\"metadata\":" + metadata + "}";
            for (int i = 0; i < 200; i++) {
                Api.Response appended = http.postJson(service.url().resolve(messages), token, one, Map.of(), Duration.ofSeconds(60));
                assertEquals(201, appended.status(), () -> appended.describe() + "\n" + service.logTail());
            }
            long totalBytes = 0;
            java.util.Set<Integer> seen = new java.util.TreeSet<>();
            Api.Response page = http.get(service.url().resolve(messages + "?limit=200"), token, Duration.ofSeconds(120));
            int pages = 0;
            while (true) {
                Api.Response current = page;
                assertEquals(200, current.status(), () -> current.describe() + "\n" + service.logTail());
                assertTrue(current.bytes().length <= 8 * 1024 * 1024, current.bytes().length + " bytes");
                totalBytes += current.bytes().length;
                var body = Json.parse(current.bytes());
                int lowest = Integer.MAX_VALUE;
                for (var item : body.get("items")) {
                    int seq = item.get("seq").asInt();
                    assertTrue(seen.add(seq), "seq " + seq + " twice");
                    assertEquals(262_144, item.get("content").asText().length());
                    lowest = Math.min(lowest, seq);
                }
                if (!body.get("has_more").asBoolean()) {
                    break;
                }
                assertTrue(++pages < 200, "paging ends");
                page = http.get(service.url().resolve(messages + "?limit=200&before_seq=" + lowest), token, Duration.ofSeconds(120));
            }
            assertEquals(200, seen.size(), "every message exactly once");
            assertTrue(service.alive(), service.logTail());
            System.out.printf("page heap: 200 messages, %d pages, %.1f MB of JSON, service alive under -Xmx256m%n", pages + 1, totalBytes / 1e6);
        }
    }

    @Test
    void jsonNestingIsBounded() {
        Servers.Dedicated server = Servers.shared();
        Http http = new Http();
        String token = Servers.token("depth-" + UUID.randomUUID());
        List<String> violations = new ArrayList<>();
        Api.Response created = http.postJson(server.url("/api/v1/sessions"), token, "{\"metadata\":" + nest(20) + "}", Map.of(), Duration.ofSeconds(10));
        if (created.status() != 201) {
            violations.add("session metadata nested 20 deep should be accepted: " + created.describe());
        }
        String session = created.status() == 201 ? Json.parse(created.bytes()).get("id").asText() : UUID.randomUUID().toString();
        Api.Response shallow = http.postJson(server.url("/api/v1/sessions/" + session + "/messages"), token,
                "{\"role\":\"user\",\"content\":\"x\",\"metadata\":" + nest(20) + ",\"sources\":[{\"extra\":" + nest(20) + "}]}", Map.of(), Duration.ofSeconds(10));
        if (shallow.status() != 201) {
            violations.add("message metadata/sources nested 20 deep should be accepted: " + shallow.describe());
        }
        long slowest = 0;
        for (int depth : new int[]{33, 64, 1_000, 100_000}) {
            for (String body : List.of("{\"metadata\":" + nest(depth) + "}", "{\"role\":\"user\",\"content\":\"x\",\"metadata\":" + nest(depth) + "}",
                    "{\"role\":\"user\",\"content\":\"x\",\"sources\":[{\"extra\":" + nest(depth) + "}]}",
                    "{\"role\":\"user\",\"content\":\"x\",\"metadata\":{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}}")) {
                String path = body.startsWith("{\"metadata\"") ? "/api/v1/sessions" : "/api/v1/sessions/" + session + "/messages";
                Api.Response outcome = http.postJson(server.url(path), token, body, Map.of(), Duration.ofSeconds(30));
                slowest = Math.max(slowest, outcome.latencyNanos());
                if (outcome.status() != 400 || HostileInputTest.check(outcome.status(), outcome.header("Content-Type"), outcome.bytes(), null) != null) {
                    violations.add("nesting " + depth + " on " + path + ": expected a 400 problem+json, got " + outcome.describe());
                }
            }
        }
        Figures.report("9 JSON depth", "nesting 20 accepted; nesting 33, 64, 1,000 and 100,000 (objects and arrays, in metadata and sources) -> 400, "
                + "slowest %s; %s", s(slowest), violations.isEmpty() ? "PASS" : "FAIL");
        assertTrue(violations.isEmpty(), "JSON depth violations:\n  " + String.join("\n  ", violations));
    }

    private static String nest(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }
}
