package io.chatsessions.reliability.support;

import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded closed-loop append load: {@code clients} threads, each appending to a session of its own as fast as
 * answers come, spread round robin over the given service URLs, for a fixed time. Counts answers by status.
 */
public final class AppendLoad {

    private AppendLoad() {
    }

    public record Result(long ok, long failed, long elapsedNanos, Map<Integer, Long> statuses, List<String> failures) {

        public double perSecond() {
            return ok / (elapsedNanos / 1e9);
        }
    }

    public static Result run(List<URI> services, int clients, Duration duration) {
        Http http = new Http(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build());
        List<String> tokens = new ArrayList<>();
        List<URI> appendUris = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            URI base = services.get(c % services.size());
            String token = Servers.token("load-" + UUID.randomUUID());
            Api.Response created = http.postJson(base.resolve("/api/v1/sessions"), token, "{}", Map.of(), Duration.ofSeconds(30));
            if (created.status() != 201) {
                throw new AssertionError("creating a load session: " + created.describe());
            }
            tokens.add(token);
            appendUris.add(base.resolve("/api/v1/sessions/" + Json.parse(created.bytes()).get("id").asText() + "/messages"));
        }
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Threads.start("append-load-" + c, () -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    Api.Response outcome = http.postJson(appendUris.get(client), tokens.get(client),
                            "{\"role\":\"user\",\"content\":\"load " + i++ + "\"}", Map.of(), Duration.ofSeconds(10));
                    statuses.computeIfAbsent(outcome.status(), s -> new AtomicLong()).incrementAndGet();
                    if (outcome.status() == 201) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        if (failures.size() < 5) {
                            failures.add(outcome.describe());
                        }
                    }
                }
            }));
        }
        threads.forEach(t -> Threads.join(t, duration.plusSeconds(30)));
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach((status, n) -> counts.put(status, n.get()));
        return new Result(ok.get(), failed.get(), System.nanoTime() - start, counts, List.copyOf(failures));
    }
}
