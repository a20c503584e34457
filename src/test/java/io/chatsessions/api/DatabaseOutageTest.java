package io.chatsessions.api;

import io.chatsessions.config.DatabaseSettings;
import io.chatsessions.testsupport.Api;
import io.chatsessions.testsupport.Concurrently;
import io.chatsessions.testsupport.Json;
import io.chatsessions.testsupport.TcpProxy;
import io.chatsessions.testsupport.TestServer;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.chatsessions.testsupport.ContractAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Database unreachable: every API call is a 503 problem with Retry-After, within 5 s, never a hang. */
class DatabaseOutageTest {

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
