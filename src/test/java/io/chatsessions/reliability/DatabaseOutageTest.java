package io.chatsessions.reliability;

import io.chatsessions.testsupport.Api;
import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.migration.Migrations;
import io.chatsessions.reliability.support.ControllablePostgres;
import io.chatsessions.reliability.support.Figures;
import io.chatsessions.testsupport.Http;
import io.chatsessions.testsupport.Json;
import io.chatsessions.reliability.support.Servers;
import io.chatsessions.testsupport.TestSql;
import io.chatsessions.reliability.support.Threads;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.TcpProxy;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;
import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import org.junit.jupiter.api.Nested;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static io.chatsessions.reliability.support.Figures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, scenario 1: under steady load the database goes away (stopped, or frozen with SIGSTOP), then comes back.
 * Pass: readiness 503 within 10 s while liveness stays 200; every request during the outage is a 503 with Retry-After
 * within 5 s (none hangs); within 15 s of the database's return the error rate is 0, with no restart of the service.
 * Quick run: a 12 s stop. Full run (-Dreliability.full=true): a 30 s stop and a 30 s freeze.
 * {@link AtTheDriver}: the same rule for refused, silent and lost connections on an in-process server.
 */
class DatabaseOutageTest {

    private static final long READINESS_DOWN_WITHIN = Duration.ofSeconds(10).toNanos();
    private static final long ANSWER_WITHIN = Duration.ofSeconds(5).toNanos();
    private static final long RECOVER_WITHIN = Duration.ofSeconds(15).toNanos();

    enum Fault { STOP, FREEZE }

    @Test
    void databaseStoppedUnderLoad() {
        outage(Fault.STOP, Figures.FULL ? 30 : 12);
    }

    @Test
    void databaseFrozenUnderLoad() {
        Assumptions.assumeTrue(Figures.FULL, "the 30 s freeze (SIGSTOP) runs with -Dreliability.full=true");
        outage(Fault.FREEZE, 30);
    }

    private void outage(Fault fault, int outageSeconds) {
        String scenario = "1 database outage (" + fault.name().toLowerCase() + " " + outageSeconds + " s)";
        try (ControllablePostgres postgres = ControllablePostgres.start("outage-" + fault.name().toLowerCase())) {
            DatabaseSettings db = postgres.createDatabase("chat_outage");
            Migrations.migrate(db);
            try (Servers.Dedicated server = Servers.start(db, Map.of(), Servers.NO_RATE_LIMIT)) {
                run(scenario, fault, outageSeconds, postgres, server);
            }
        }
    }

    private void run(String scenario, Fault fault, int outageSeconds, ControllablePostgres postgres, Servers.Dedicated server) {
        Http http = new Http();
        int users = 3;
        int threadsPerUser = 2;
        List<String> tokens = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String token = Servers.token("outage-" + UUID.randomUUID());
            Api.Response created = http.postJson(server.url("/api/v1/sessions"), token, "{\"title\":\"outage\"}", Map.of(), Duration.ofSeconds(10));
            assertEquals(201, created.status(), created.describe());
            tokens.add(token);
            sessions.add(Json.parse(created.bytes()).get("id").asText());
        }

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Api.Response> requests = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Api.Response> readiness = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Api.Response> liveness = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < users * threadsPerUser; t++) {
            String token = tokens.get(t % users);
            String session = sessions.get(t % users);
            int writer = t;
            threads.add(Threads.start("outage-load-" + t, () -> {
                long n = 0;
                while (running.get()) {
                    n++;
                    Api.Response outcome = switch ((int) (n % 3)) {
                        case 0 -> http.postJson(server.url("/api/v1/sessions/" + session + "/messages"), token,
                                "{\"role\":\"user\",\"content\":\"writer " + writer + " message " + n + "\"}", Map.of(), Duration.ofSeconds(20));
                        case 1 -> http.get(server.url("/api/v1/sessions/" + session), token, Duration.ofSeconds(20));
                        default -> http.get(server.url("/api/v1/sessions/" + session + "/messages?limit=20"), token, Duration.ofSeconds(20));
                    };
                    requests.add(outcome);
                    if (n % 3 == 0 && outcome.status() == 201) {
                        acknowledged.add(Json.parse(outcome.bytes()).get("id").asText());
                    }
                    Threads.sleep(25);
                }
            }));
        }
        threads.add(Threads.start("outage-probes", () -> {
            while (running.get()) {
                readiness.add(http.get(server.managementUrl("/health/readiness"), null, Duration.ofSeconds(10)));
                liveness.add(http.get(server.managementUrl("/health/liveness"), null, Duration.ofSeconds(10)));
                Threads.sleep(200);
            }
        }));

        Threads.sleep(Figures.FULL ? 5000 : 3000);
        long t0 = System.nanoTime();
        if (fault == Fault.STOP) {
            postgres.stop();
        } else {
            postgres.freeze();
        }
        long stopped = System.nanoTime();
        Threads.sleepUntil(t0 + Duration.ofSeconds(outageSeconds).toNanos());
        long restartBegan = System.nanoTime();
        if (fault == Fault.STOP) {
            postgres.restart();
        } else {
            postgres.thaw();
        }
        long t1 = System.nanoTime();
        Threads.sleepUntil(t1 + Duration.ofSeconds(Figures.FULL ? 25 : 20).toNanos());
        running.set(false);
        threads.forEach(t -> Threads.join(t, Duration.ofSeconds(60)));

        List<Api.Response> all = requests.stream().sorted(Comparator.comparingLong(Api.Response::startNanos)).toList();
        List<String> violations = new ArrayList<>();

        // Before the fault: a healthy service.
        List<Api.Response> before = all.stream().filter(o -> o.endNanos() < t0).toList();
        before.stream().filter(o -> !o.ok()).limit(3).forEach(o -> violations.add("before the outage: " + o.describe()));

        // Every answer in time; every failure a 503 with Retry-After (never a 500, a reset or a hang).
        Api.Response slowest = all.stream().max(Comparator.comparingLong(Api.Response::latencyNanos)).orElseThrow();
        if (slowest.latencyNanos() > ANSWER_WITHIN) {
            violations.add("a request took " + s(slowest.latencyNanos()) + " (limit 5 s), started " + s(slowest.startNanos() - t0)
                    + " after the fault: " + slowest.describe());
        }
        List<Api.Response> badFailures = all.stream().filter(o -> !o.ok() && !(o.status() == 503 && o.header("Retry-After") != null)).toList();
        badFailures.stream().limit(5).forEach(o -> violations.add("a failure that is not 503 + Retry-After, started "
                + s(o.startNanos() - t0) + " after the fault: " + o.describe()));

        List<Api.Response> during = all.stream().filter(o -> o.startNanos() >= stopped && o.endNanos() <= restartBegan).toList();
        long during503 = during.stream().filter(o -> o.status() == 503 && o.header("Retry-After") != null).count();
        during.stream().filter(Api.Response::ok).limit(3).forEach(o -> violations.add("a 2xx while the database was "
                + (fault == Fault.STOP ? "stopped" : "frozen") + " (stale cache or a lost write?): " + o.describe()));
        long maxDuring = during.stream().mapToLong(Api.Response::latencyNanos).max().orElse(0);
        if (during.isEmpty()) {
            violations.add("no request ran during the outage");
        }

        // Recovery: from some request on, all succeed; that request started within 15 s of the database's return.
        long recoveredAt = recoveredAt(all, t1);
        if (recoveredAt < 0 || recoveredAt - t1 > RECOVER_WITHIN) {
            violations.add("the error rate was not 0 within 15 s of the database's return: last failure "
                    + all.stream().filter(o -> !o.ok()).reduce((a, b) -> b).map(o -> s(o.startNanos() - t1) + " after it: " + o.describe()).orElse("-"));
        }

        // Probes.
        long readinessDown = readiness.stream().filter(o -> o.startNanos() >= t0 && o.status() == 503)
                .mapToLong(o -> o.endNanos() - t0).min().orElse(-1);
        if (readinessDown < 0 || readinessDown > READINESS_DOWN_WITHIN) {
            violations.add("readiness did not turn 503 within 10 s of the fault (first 503 after "
                    + (readinessDown < 0 ? "never" : s(readinessDown)) + ")");
        }
        long readinessUp = readiness.stream().filter(o -> o.startNanos() >= t1 && o.status() == 200)
                .mapToLong(o -> o.endNanos() - t1).min().orElse(-1);
        if (readinessUp < 0 || readinessUp > RECOVER_WITHIN) {
            violations.add("readiness not 200 again within 15 s of the database's return (" + (readinessUp < 0 ? "never" : s(readinessUp)) + ")");
        }
        long slowestProbe = readiness.stream().mapToLong(Api.Response::latencyNanos).max().orElse(0);
        if (slowestProbe > ANSWER_WITHIN) {
            violations.add("a readiness probe took " + s(slowestProbe));
        }
        List<Api.Response> badLiveness = liveness.stream().filter(o -> o.status() != 200).toList();
        badLiveness.stream().limit(3).forEach(o -> violations.add("liveness not 200 at " + s(o.startNanos() - t0)
                + " after the fault: " + o.describe()));

        // No acknowledged write lost; seqs stay 1..n.
        Set<String> stored = TestSql.rows(server.db(), "SELECT id::text FROM chat.messages").stream()
                .map(r -> (String) r.get(0)).collect(Collectors.toSet());
        List<String> lost = acknowledged.stream().filter(id -> !stored.contains(id)).toList();
        if (!lost.isEmpty()) {
            violations.add(lost.size() + " acknowledged appends are not in the database, e.g. " + lost.get(0));
        }
        violations.addAll(TestSql.seqProblems(server.db()));

        Figures.report(scenario, "%d requests (%d during the outage, %d of them 503 + Retry-After); readiness 503 after %s; "
                        + "liveness 200 in %d/%d probes; max request latency during the outage %s (overall %s); "
                        + "error rate 0 again %s after the database's return (restart took %s); readiness 200 again after %s; "
                        + "%d acknowledged appends, %d lost; %s",
                all.size(), during.size(), during503, readinessDown < 0 ? "never" : s(readinessDown),
                liveness.size() - badLiveness.size(), liveness.size(), s(maxDuring), s(slowest.latencyNanos()),
                recoveredAt < 0 ? "never" : s(Math.max(0, recoveredAt - t1)), s(t1 - restartBegan),
                readinessUp < 0 ? "never" : s(readinessUp), acknowledged.size(), lost.size(),
                violations.isEmpty() ? "PASS" : "FAIL (" + violations.size() + " violations)");
        assertTrue(violations.isEmpty(), scenario + " violations:\n  " + String.join("\n  ", violations));
    }

    /** The start time of the first request after which (inclusive) every request succeeded; -1 if the last one failed. */
    private static long recoveredAt(List<Api.Response> byStart, long t1) {
        long candidate = -1;
        for (Api.Response o : byStart) {
            if (o.startNanos() < t1 && o.ok()) {
                continue;
            }
            if (!o.ok()) {
                candidate = -1;
            } else if (candidate < 0) {
                candidate = o.startNanos();
            }
        }
        return candidate;
    }

    /**
     * The same rule at the driver's edge, on an in-process server (formerly api/DatabaseOutageTest): the database
     * refuses connections, accepts them and never answers, or is lost while serving (a TCP proxy stalls, then cuts);
     * every API call is a 503 problem with Retry-After within 5 s, never a hang, and the service recovers.
     */
    @Nested
    class AtTheDriver {
        private static final String SESSIONS = "/api/v1/sessions";
        private static final Duration DEADLINE = Duration.ofSeconds(5);

        private record Call(String name, Function<Api, Api.Response> send) {
        }

        private static List<Call> everyEndpoint() {
            String s = UUID.randomUUID().toString();
            String m = UUID.randomUUID().toString();
            return List.of(
                    new Call("POST /sessions", api -> api.post(SESSIONS, "{\"title\":\"x\"}")),
                    new Call("POST /sessions with Idempotency-Key", api -> api.post(SESSIONS, "{}", Map.of("Idempotency-Key", "k-" + UUID.randomUUID()))),
                    new Call("GET /sessions", api -> api.get(SESSIONS)),
                    new Call("GET /sessions/{id}", api -> api.get(SESSIONS + "/" + s)),
                    new Call("PATCH /sessions/{id}", api -> api.patch(SESSIONS + "/" + s, "{\"title\":\"x\"}")),
                    new Call("DELETE /sessions/{id}", api -> api.delete(SESSIONS + "/" + s)),
                    new Call("POST messages", api -> api.post(SESSIONS + "/" + s + "/messages", Json.message("user", "x"))),
                    new Call("POST messages:batch", api -> api.post(SESSIONS + "/" + s + "/messages:batch", Json.batch(Json.message("user", "x")))),
                    new Call("GET messages", api -> api.get(SESSIONS + "/" + s + "/messages")),
                    new Call("GET message", api -> api.get(SESSIONS + "/" + s + "/messages/" + m)));
        }

        private static void assertUnavailable(Call call, Api api) {
            long started = System.nanoTime();
            Api.Response response = call.send().apply(api);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            try {
                assertTrue(took.compareTo(DEADLINE) < 0, "answered within 5 s, took " + took.toMillis() + " ms");
                assertProblem(response, 503);
                String retryAfter = response.header("Retry-After");
                assertNotNull(retryAfter, "503 needs Retry-After");
                assertTrue(retryAfter.matches("[0-9]+") || parsesAsHttpDate(retryAfter), "Retry-After is seconds or an HTTP date: " + retryAfter);
            } catch (AssertionError e) {
                throw new AssertionError(call.name() + ": " + e.getMessage(), e);
            }
        }

        /**
         * Requests that never reach the database (400s), so the timed calls measure the outage path, not the first-request
         * class loading of a fresh server.
         */
        private static void warmUp(Api api) {
            for (int i = 0; i < 3; i++) {
                assertProblem(api.get(SESSIONS + "?limit=0"), 400);
                assertProblem(api.post(SESSIONS, "{\"unknown\":1}"), 400);
                assertProblem(api.post(SESSIONS + "/" + UUID.randomUUID() + "/messages", "{\"role\":\"nobody\"}"), 400);
                assertProblem(api.get(SESSIONS + "/not-a-uuid/messages"), 400);
            }
        }

        private static boolean parsesAsHttpDate(String value) {
            try {
                ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        private static int closedPort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        private static DatabaseSettings at(int port) {
            return new DatabaseSettings("127.0.0.1", port, "chat", "chat", "secret", DatabaseSettings.DEFAULT_SCHEMA);
        }

        @Test
        void refusedConnectionsGive503WithRetryAfter() throws IOException {
            EmbeddedServer server = TestServer.start(at(closedPort()), Map.of(), Map.of());
            try {
                Api api = Api.forUser(server.getURI(), "user-" + UUID.randomUUID());
                warmUp(api);
                for (Call call : everyEndpoint()) {
                    assertUnavailable(call, api);
                }
                // and again: the service neither hangs nor changes its answer once the pool has given up
                assertUnavailable(everyEndpoint().get(2), api);
            } finally {
                server.getApplicationContext().close();
            }
        }

        @Test
        void aDatabaseThatNeverAnswersGives503Within5Seconds() throws Exception {
            // accepts TCP connections and then stays silent, like a stalled or partitioned server
            try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread acceptor = new Thread(() -> {
                    try {
                        while (!blackHole.isClosed()) {
                            accepted.add(blackHole.accept());
                        }
                    } catch (IOException ignored) {
                        // closed at the end of the test
                    }
                }, "black-hole-db");
                acceptor.setDaemon(true);
                acceptor.start();
                EmbeddedServer server = TestServer.start(at(blackHole.getLocalPort()), Map.of(), Map.of());
                try {
                    Api api = Api.forUser(server.getURI(), "user-" + UUID.randomUUID());
                    warmUp(api);
                    List<Call> calls = everyEndpoint();
                    List<Call> sample = List.of(calls.get(0), calls.get(1), calls.get(2), calls.get(6), calls.get(7), calls.get(8));
                    Concurrently.run(sample.size(), i -> {
                        assertUnavailable(sample.get(i), api);
                        return null;
                    });
                } finally {
                    server.getApplicationContext().close();
                    for (Socket socket : accepted) {
                        socket.close();
                    }
                }
            }
        }

        @Test
        void aDatabaseLostWhileServingGives503AndTheServiceRecovers() throws Exception {
            DatabaseSettings real = TestServer.database();
            try (TcpProxy proxy = TcpProxy.to(real.port())) {
                DatabaseSettings viaProxy = new DatabaseSettings("127.0.0.1", proxy.port(), real.database(), real.user(), real.password(), real.schema());
                EmbeddedServer server = TestServer.start(viaProxy, Map.of(), Map.of());
                try {
                    String user = "user-" + UUID.randomUUID();
                    Api api = Api.forUser(server.getURI(), user);
                    String session = api.createSession("{\"title\":\"survives\"}");
                    api.appendMessage(session, Json.message("user", "before the outage"));

                    proxy.stall(); // connections open, nothing answers
                    List<Call> stalled = List.of(
                            new Call("GET /sessions/{id} (stalled)", a -> a.get(SESSIONS + "/" + session)),
                            new Call("POST messages (stalled)", a -> a.post(SESSIONS + "/" + session + "/messages", Json.message("user", "lost?"))),
                            new Call("GET /sessions (stalled)", a -> a.get(SESSIONS)));
                    Concurrently.run(stalled.size(), i -> {
                        assertUnavailable(stalled.get(i), Api.forUser(server.getURI(), user));
                        return null;
                    });
                    proxy.restore();
                    awaitRecovery(server, user, session);

                    proxy.cut(); // every connection dropped, new ones refused
                    assertUnavailable(new Call("GET /sessions/{id} (cut)", a -> a.get(SESSIONS + "/" + session)), Api.forUser(server.getURI(), user));
                    assertUnavailable(new Call("POST /sessions (cut)", a -> a.post(SESSIONS, "{}")), Api.forUser(server.getURI(), user));
                    proxy.restore();
                    awaitRecovery(server, user, session);

                    Api.Response messages = Api.forUser(server.getURI(), user).get(SESSIONS + "/" + session + "/messages").expect(200);
                    assertTrue(messages.items().stream().anyMatch(m -> "before the outage".equals(m.get("content"))), "data survived");
                    Api.forUser(server.getURI(), user).post(SESSIONS + "/" + session + "/messages", Json.message("user", "after")).expect(201);
                } finally {
                    server.getApplicationContext().close();
                }
            }
        }

        /** Polls (each poll a real request, each bounded by the 5 s rule) until the session reads again; at most 30 s. */
        private static void awaitRecovery(EmbeddedServer server, String user, String session) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Api.Response last = null;
            while (System.nanoTime() < deadline) {
                last = Api.forUser(server.getURI(), user).get(SESSIONS + "/" + session);
                if (last.status() == 200) {
                    return;
                }
                assertProblem(last, last.status());
            }
            throw new AssertionError("the service did not recover within 30 s after the database came back; last answer: "
                    + (last == null ? "none" : last.status() + " " + last.body()));
        }
    }
}
