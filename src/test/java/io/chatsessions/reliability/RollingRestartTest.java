package io.chatsessions.reliability;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.RawHttp;
import io.chatsessions.testsupport.RawHttp.Failure;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.reliability.support.ServiceProcess;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.reliability.support.Threads;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.chatsessions.reliability.support.Figures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 3: two instances behind a (test) load balancer that routes only to instances whose readiness is 200
 * (probed every 100 ms, like an endpoints controller); one gets SIGTERM under constant load. Each request is its own
 * connection, so "accepted" is exact: a refused connection was not accepted (the balancer retries it elsewhere), while a
 * connection that was accepted must end in a 2xx. Pass: zero failed accepted requests, and the terminating instance's
 * readiness answers 503 before it stops accepting connections. Quick run: SIGTERM one instance. Full run: a whole roll
 * (A terminated and replaced, then B).
 */
class RollingRestartTest {

    /** One instance slot behind the balancer: its current process and whether readiness said 200 last time. */
    static final class Slot {
        final String name;
        final int port;
        /** Where the balancer probes readiness (kept across restarts, like a container's port). */
        final int managementPort = ControllablePostgres.freePort();
        volatile ServiceProcess process;
        volatile boolean inRotation;
        volatile long terminatedAt = -1;
        final ConcurrentLinkedQueue<long[]> probes = new ConcurrentLinkedQueue<>(); // {endNanos, status}

        Slot(String name, int port) {
            this.name = name;
            this.port = port;
        }

        Map<String, String> environment(Map<String, String> shared) {
            Map<String, String> env = new java.util.HashMap<>(shared);
            env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
            return env;
        }
    }

    @Test
    void sigtermUnderLoadWhileAnotherInstanceServes() {
        DatabaseSettings db = Servers.freshDatabase();
        Map<String, String> env = ServiceProcess.environment(db);
        Slot a = new Slot("A", ControllablePostgres.freePort());
        Slot b = new Slot("B", ControllablePostgres.freePort());
        List<Slot> slots = List.of(a, b);
        a.process = ServiceProcess.start("rolling-A", a.port, a.environment(env));
        b.process = ServiceProcess.start("rolling-B", b.port, b.environment(env));
        try {
            a.process.awaitReady(Duration.ofSeconds(120));
            b.process.awaitReady(Duration.ofSeconds(120));
            run(db, env, slots);
        } finally {
            a.process.close();
            b.process.close();
        }
    }

    private void run(DatabaseSettings db, Map<String, String> env, List<Slot> slots) {
        int users = 4;
        List<String> tokens = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String token = Servers.token("rolling-" + UUID.randomUUID());
            RawHttp.Response created = RawHttp.request("localhost", slots.get(0).port, "POST", "/api/v1/sessions",
                    Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                    "{\"title\":\"rolling\"}".getBytes(StandardCharsets.UTF_8), 10_000);
            assertEquals(201, created.status(), created.describe());
            tokens.add(token);
            sessions.add(Json.parse(created.body()).get("id").asText());
        }

        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (Slot slot : slots) {
            slot.inRotation = true;
            threads.add(Threads.start("rolling-probe-" + slot.name, () -> {
                while (running.get()) {
                    RawHttp.Response probe = RawHttp.request("localhost", slot.managementPort, "GET", "/health/readiness", Map.of(), null, 5_000);
                    slot.inRotation = probe.status() == 200;
                    slot.probes.add(new long[]{probe.endNanos(), probe.status() >= 0 ? probe.status() : -probe.failure().ordinal()});
                    Threads.sleep(100);
                }
            }));
        }

        AtomicInteger roundRobin = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong rerouted = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        Map<String, AtomicLong> servedAfterSigterm = Map.of("A", new AtomicLong(), "B", new AtomicLong());
        for (int t = 0; t < 8; t++) {
            int client = t;
            String token = tokens.get(t % users);
            String session = sessions.get(t % users);
            threads.add(Threads.start("rolling-client-" + t, () -> {
                long n = 0;
                while (running.get()) {
                    n++;
                    String method;
                    String target;
                    byte[] body = null;
                    switch ((int) (n % 4)) {
                        case 0 -> {
                            method = "POST";
                            target = "/api/v1/sessions/" + session + "/messages";
                            body = ("{\"role\":\"user\",\"content\":\"client " + client + " message " + n + "\"}").getBytes(StandardCharsets.UTF_8);
                        }
                        case 1 -> {
                            method = "POST";
                            target = "/api/v1/sessions/" + session + "/messages:batch";
                            StringBuilder batch = new StringBuilder("{\"messages\":[");
                            for (int i = 0; i < 20; i++) {
                                batch.append(i == 0 ? "" : ",").append("{\"role\":\"assistant\",\"content\":\"")
                                        .append("x".repeat(2000)).append("\"}");
                            }
                            body = batch.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                        }
                        case 2 -> {
                            method = "GET";
                            target = "/api/v1/sessions/" + session + "/messages?limit=200";
                        }
                        default -> {
                            method = "GET";
                            target = "/api/v1/sessions/" + session;
                        }
                    }
                    boolean done = false;
                    for (int attempt = 0; attempt < 20 && !done && running.get(); attempt++) {
                        List<Slot> live = slots.stream().filter(s -> s.inRotation).toList();
                        if (live.isEmpty()) {
                            Threads.sleep(10);
                            continue;
                        }
                        Slot slot = live.get(Math.floorMod(roundRobin.getAndIncrement(), live.size()));
                        RawHttp.Response response = RawHttp.request("localhost", slot.port, method, target,
                                Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"), body, 30_000);
                        if (response.failure() == Failure.REFUSED) {
                            rerouted.incrementAndGet();
                            continue;
                        }
                        done = true;
                        if (response.failure() == Failure.NONE && response.status() >= 200 && response.status() < 300) {
                            ok.incrementAndGet();
                            if (slot.terminatedAt > 0 && response.startNanos() >= slot.terminatedAt) {
                                servedAfterSigterm.get(slot.name).incrementAndGet();
                            }
                            if (method.equals("POST") && target.endsWith("/messages")) {
                                acknowledged.add(Json.parse(response.body()).get("id").asText());
                            }
                        } else {
                            String when = slot.terminatedAt > 0 ? s(response.startNanos() - slot.terminatedAt) + " after its SIGTERM" : "(not terminating)";
                            failures.add(method + " " + target.replaceAll("[0-9a-f-]{36}", "{id}") + " on " + slot.name + " " + when
                                    + ": " + response.describe());
                        }
                    }
                }
            }));
        }

        List<String> violations = new ArrayList<>();
        List<String> terminations = new ArrayList<>();
        Threads.sleep(3000);
        List<Slot> order = Figures.FULL ? slots : List.of(slots.get(0));
        for (Slot slot : order) {
            long sigterm = System.nanoTime();
            slot.terminatedAt = sigterm;
            slot.process.terminate();
            int exit = slot.process.awaitExit(Duration.ofSeconds(90));
            long exited = System.nanoTime();
            Threads.sleep(1000);
            // Readiness must have said 503 before the instance stopped taking connections.
            long firstDown = slot.probes.stream().filter(p -> p[0] >= sigterm && p[1] == 503).mapToLong(p -> p[0]).min().orElse(-1);
            long firstRefused = slot.probes.stream().filter(p -> p[0] >= sigterm && p[1] < 0).mapToLong(p -> p[0]).min().orElse(-1);
            if (firstDown < 0 || (firstRefused >= 0 && firstRefused < firstDown)) {
                violations.add(slot.name + ": readiness did not answer 503 before the instance stopped accepting connections "
                        + "(first 503 " + (firstDown < 0 ? "never" : s(firstDown - sigterm)) + ", first refused probe "
                        + (firstRefused < 0 ? "never" : s(firstRefused - sigterm)) + " after SIGTERM)");
            }
            terminations.add(String.format("%s: readiness 503 %s after SIGTERM, connections refused from %s, exit %d after %s, %d requests served after SIGTERM",
                    slot.name, firstDown < 0 ? "never" : s(firstDown - sigterm), firstRefused < 0 ? "never" : s(firstRefused - sigterm),
                    exit, s(exited - sigterm), servedAfterSigterm.get(slot.name).get()));
            if (Figures.FULL) {
                slot.process = ServiceProcess.start("rolling-" + slot.name, slot.port, slot.environment(env));
                slot.process.awaitReady(Duration.ofSeconds(120));
                slot.terminatedAt = -1;
                Threads.sleep(3000);
            }
        }
        Threads.sleep(1000);
        running.set(false);
        threads.forEach(t -> Threads.join(t, Duration.ofSeconds(60)));

        failures.stream().limit(10).forEach(f -> violations.add("failed accepted request: " + f));
        Set<String> stored = TestSql.rows(db, "SELECT id::text FROM chat.messages").stream().map(r -> (String) r.get(0)).collect(Collectors.toSet());
        long lost = acknowledged.stream().filter(id -> !stored.contains(id)).count();
        if (lost > 0) {
            violations.add(lost + " acknowledged appends are missing from the database");
        }
        violations.addAll(TestSql.seqProblems(db));
        Figures.report("3 rolling restart" + (Figures.FULL ? " (A then B)" : " (SIGTERM A, B serves)"),
                "%d requests succeeded, %d failed after being accepted, %d refused connections rerouted; %s; %d acknowledged appends, %d lost; %s",
                ok.get(), failures.size(), rerouted.get(), String.join("; ", terminations), acknowledged.size(), lost,
                violations.isEmpty() ? "PASS" : "FAIL");
        assertTrue(ok.get() > 100, "too little load: " + ok.get());
        assertTrue(violations.isEmpty(), "rolling restart violations:\n  " + String.join("\n  ", violations));
    }
}
