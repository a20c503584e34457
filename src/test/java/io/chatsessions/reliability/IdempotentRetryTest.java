package io.chatsessions.reliability;

import io.chatsessions.testsupport.Api;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.reliability.support.Threads;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.chatsessions.reliability.support.Figures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 4: every append is sent 2 to 5 times at once with the same Idempotency-Key; some copies give up
 * after a client timeout of a few milliseconds and are sent again. Clients retry 409 (same key in flight) and 503 until
 * they hold a final answer. Pass: exactly one row per logical append, and every copy's final answer is the first
 * response byte for byte (status, Location and body). Quick run: 250 appends; full run: 1,000.
 */
class IdempotentRetryTest {

    private static final int DRIVERS = 12;

    record Final(int status, String location, byte[] body) {
    }

    @Test
    void concurrentRetriesWithTheSameKeyWriteOnceAndReplayByteForByte() throws Exception {
        int appends = Figures.FULL ? 1000 : 250;
        try (Servers.Dedicated server = Servers.start(Map.of(), Servers.NO_RATE_LIMIT)) {
            Http http = new Http(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(8)).build());
            String user = "retry-" + UUID.randomUUID();
            String token = Servers.token(user);
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Api.Response created = http.postJson(server.url("/api/v1/sessions"), token, "{}", Map.of(), Duration.ofSeconds(10));
                assertEquals(201, created.status(), created.describe());
                sessions.add(Json.parse(created.bytes()).get("id").asText());
            }

            Map<Integer, List<Final>> finals = new ConcurrentHashMap<>();
            List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicLong attempts = new AtomicLong();
            AtomicLong conflicts = new AtomicLong();
            AtomicLong clientTimeouts = new AtomicLong();
            AtomicLong unavailable = new AtomicLong();
            AtomicLong replayedHeader = new AtomicLong();
            AtomicInteger copiesTotal = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            long began = System.nanoTime();
            ExecutorService drivers = Executors.newFixedThreadPool(DRIVERS);
            List<Future<?>> running = new ArrayList<>();
            for (int d = 0; d < DRIVERS; d++) {
                int driver = d;
                running.add(drivers.submit(() -> {
                    ExecutorService copies = Executors.newFixedThreadPool(5);
                    Random random = new Random(driver);
                    try {
                        int i;
                        while ((i = next.getAndIncrement()) < appends) {
                            int index = i;
                            int n = 2 + random.nextInt(4);
                            copiesTotal.addAndGet(n);
                            URI uri = server.url("/api/v1/sessions/" + sessions.get(i % sessions.size()) + "/messages");
                            String key = "append-" + i + "-" + UUID.randomUUID();
                            String body = "{\"role\":\"user\",\"content\":" + Json.quote("logical append " + i + " ✓ 🙂 " + key)
                                    + ",\"metadata\":{\"i\":" + i + "}}";
                            CountDownLatch go = new CountDownLatch(1);
                            List<Future<Final>> sent = new ArrayList<>();
                            for (int c = 0; c < n; c++) {
                                boolean impatient = c > 0 && random.nextInt(10) < 4;
                                long seed = random.nextLong();
                                sent.add(copies.submit(() -> {
                                    go.await();
                                    return sendUntilFinal(http, uri, token, key, body, impatient, new Random(seed),
                                            attempts, conflicts, clientTimeouts, unavailable, replayedHeader);
                                }));
                            }
                            go.countDown();
                            List<Final> results = new ArrayList<>();
                            for (Future<Final> f : sent) {
                                results.add(f.get(120, TimeUnit.SECONDS));
                            }
                            finals.put(index, results);
                        }
                    } catch (Exception e) {
                        unexpected.add("driver " + driver + ": " + e);
                    } finally {
                        copies.shutdownNow();
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.MINUTES);
            }
            drivers.shutdownNow();
            long elapsed = System.nanoTime() - began;

            List<String> violations = new ArrayList<>(unexpected);
            Map<String, String> idByContentKey = new HashMap<>();
            for (var entry : finals.entrySet()) {
                List<Final> results = entry.getValue();
                Final first = results.get(0);
                if (first.status() != 201) {
                    violations.add("append " + entry.getKey() + ": final status " + first.status() + " " + new String(first.body()));
                    continue;
                }
                for (Final other : results) {
                    if (other.status() != first.status() || !Arrays.equals(other.body(), first.body())
                            || !java.util.Objects.equals(other.location(), first.location())) {
                        violations.add("append " + entry.getKey() + ": a replay differs from the first response:\n    "
                                + first.status() + " " + first.location() + " " + new String(first.body()) + "\n    "
                                + other.status() + " " + other.location() + " " + new String(other.body()));
                        break;
                    }
                }
                var json = Json.parse(first.body());
                idByContentKey.put(json.get("content").asText(), json.get("id").asText());
            }
            if (finals.size() != appends) {
                violations.add("only " + finals.size() + " of " + appends + " appends completed");
            }

            List<List<Object>> rows = TestSql.rows(server.db(), """
                    SELECT m.content, count(*), min(m.id::text) FROM chat.messages m JOIN chat.sessions s ON s.id = m.session_id
                     WHERE s.user_id = ? GROUP BY m.content""", user);
            long totalRows = rows.stream().mapToLong(r -> ((Number) r.get(1)).longValue()).sum();
            if (totalRows != appends) {
                violations.add("expected exactly " + appends + " rows, found " + totalRows);
            }
            for (List<Object> row : rows) {
                if (((Number) row.get(1)).longValue() != 1) {
                    violations.add("stored " + row.get(1) + " times: " + row.get(0));
                } else if (idByContentKey.containsKey((String) row.get(0)) && !idByContentKey.get((String) row.get(0)).equals(row.get(2))) {
                    violations.add("the acknowledged id differs from the stored one for " + row.get(0));
                }
            }
            violations.addAll(TestSql.seqProblems(server.db()));

            // The same key with a different request is refused, and nothing is written.
            String key = "reuse-" + UUID.randomUUID();
            URI uri = server.url("/api/v1/sessions/" + sessions.get(0) + "/messages");
            Api.Response original = http.postJson(uri, token, "{\"role\":\"user\",\"content\":\"one\"}", Map.of("Idempotency-Key", key), Duration.ofSeconds(10));
            Api.Response reused = http.postJson(uri, token, "{\"role\":\"user\",\"content\":\"two\"}", Map.of("Idempotency-Key", key), Duration.ofSeconds(10));
            if (original.status() != 201 || reused.status() != 422) {
                violations.add("key reused with another body: expected 201 then 422, got " + original.describe() + " then " + reused.describe());
            }

            Figures.report("4 idempotent retries", "%d appends sent as %d concurrent copies (%d HTTP attempts: %d answered 409 in flight, "
                            + "%d client timeouts retried, %d 503); %d rows stored (expected %d); %d replays carried Idempotent-Replayed; "
                            + "all replays byte-identical: %s; took %s; %s",
                    appends, copiesTotal.get(), attempts.get(), conflicts.get(), clientTimeouts.get(), unavailable.get(), totalRows, appends,
                    replayedHeader.get(), violations.stream().noneMatch(v -> v.contains("differs")), s(elapsed),
                    violations.isEmpty() ? "PASS" : "FAIL");
            assertTrue(violations.isEmpty(), "idempotent retry violations:\n  "
                    + String.join("\n  ", violations.subList(0, Math.min(20, violations.size()))));
        }
    }

    private static Final sendUntilFinal(Http http, URI uri, String token, String key, String body, boolean impatient, Random random,
                                        AtomicLong attempts, AtomicLong conflicts, AtomicLong clientTimeouts, AtomicLong unavailable,
                                        AtomicLong replayedHeader) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        boolean firstTry = true;
        while (System.nanoTime() < deadline) {
            Duration timeout = firstTry && impatient ? Duration.ofMillis(1 + random.nextInt(40)) : Duration.ofSeconds(30);
            firstTry = false;
            attempts.incrementAndGet();
            Api.Response outcome = http.postJson(uri, token, body, Map.of("Idempotency-Key", key), timeout);
            if (outcome.status() == 409) {
                conflicts.incrementAndGet();
            } else if (outcome.status() == 503) {
                unavailable.incrementAndGet();
            } else if (outcome.status() < 0) {
                clientTimeouts.incrementAndGet();
            } else {
                if (outcome.header("Idempotent-Replayed") != null) {
                    replayedHeader.incrementAndGet();
                }
                return new Final(outcome.status(), outcome.header("Location"), outcome.bytes());
            }
            Threads.sleep(10 + random.nextInt(60));
        }
        return new Final(-1, null, "no final answer within 90 s".getBytes());
    }
}
