package io.chatsessions.container;

import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.chatsessions.container.Podman.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 2: the image run as production runs it (read-only root, Docker's default noexec tmpfs on /tmp, no
 * capabilities, no privilege escalation, uid 10001, a memory limit): `migrate` with the migration role, then `serve`
 * with the app role and the chart's ConfigMap settings, against PostgreSQL on loopback (host networking).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerRunTest {

    static final String SECRET = "container-test-secret-at-least-32-bytes-long";
    private static final String NAME = "chat-sessions-run-" + ProcessHandle.current().pid();
    // --read-only-tmpfs=false: as Docker, only the given noexec tmpfs (podman would add its own exec tmpfs on /tmp, /var/tmp, /run).
    private static final List<String> PRODUCTION = List.of("--network", "host", "--read-only", "--read-only-tmpfs=false",
            "--tmpfs", "/tmp:rw,noexec,nosuid,nodev", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", "10001:10001", "--memory", "768m");

    private static ContainerDatabase db;
    private static RenderedPod chart;
    private static String image;

    @BeforeAll
    static void migrateThenServe() {
        image = ContainerImage.get().name();
        db = ContainerDatabase.create("run");
        chart = RenderedPod.render(image, db);
        Podman.quietly("rm", "-f", NAME);

        List<String> migrate = new ArrayList<>(List.of("run", "--rm"));
        migrate.addAll(PRODUCTION);
        db.migratorEnv().forEach((k, v) -> migrate.addAll(List.of("-e", k + "=" + v)));
        migrate.addAll(List.of(image, "migrate"));
        Podman.Result migrated = Podman.podman(migrate, 180);
        assertEquals(0, migrated.exitCode(), migrated::output);
        assertEquals(db.migrator(), db.text("SELECT installed_by FROM chat.flyway_schema_history WHERE version = '1'"));

        List<String> serve = new ArrayList<>(List.of("run", "-d", "--name", NAME));
        serve.addAll(PRODUCTION);
        chart.config().forEach((k, v) -> serve.addAll(List.of("-e", k + "=" + v)));
        db.appEnv().forEach((k, v) -> serve.addAll(List.of("-e", k + "=" + v)));
        serve.addAll(List.of("-e", "AUTH_JWT_SECRET=" + SECRET, image, "serve"));
        long start = System.nanoTime();
        ok(serve.toArray(String[]::new));
        Http.awaitStatus(chart.probe("readinessProbe").url(), 200, Duration.ofSeconds(90), () -> ok("logs", NAME));
        System.out.printf("[container] serve: ready after %.1f s (podman run to readiness 200)%n", (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void removeContainer() {
        Podman.quietly("rm", "-f", NAME);
    }

    @Test
    @Order(1)
    void livenessAndReadinessAnswerOnThePortsTheProbesName() {
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals(200, Http.get(chart.probe(probe).url()).status(), probe);
        }
    }

    /** The README's "A complete session with curl", run as written against the container (API and TOKEN set). */
    @Test
    @Order(2)
    void theReadmeCurlSessionWorks() throws Exception {
        String out = Readme.runCurlSession("http://127.0.0.1:" + chart.port("http") + "/api/v1",
                Tokens.sign(SECRET, "readme-user", Duration.ofHours(1), null, null));
        Readme.assertCurlSessionSucceeded(out);
    }

    @Test
    @Order(3)
    void theJvmSizedItsHeapFromTheMemoryLimitAndUsesEpoll() {
        String flags = ok("exec", NAME, "jcmd", "1", "VM.flags");
        long maxHeap = Long.parseLong(flags.replaceAll("(?s).*-XX:MaxHeapSize=(\\d+).*", "$1"));
        System.out.printf("[container] --memory 768m: MaxHeapSize %d MiB (MaxRAMPercentage=75)%n", maxHeap / 1048576);
        assertTrue(maxHeap <= 768L * 1024 * 1024 * 3 / 4 && maxHeap >= 768L * 1024 * 1024 / 2, flags);
        String logs = ok("logs", NAME);
        String transport = logs.lines().filter(l -> l.contains("Netty transport:")).findFirst().orElse("(no transport line)");
        System.out.println("[container] " + transport);
        assertTrue(transport.contains("Netty transport: epoll"), logs);
        assertTrue(ok("exec", NAME, "grep", " /tmp ", "/proc/mounts").matches("tmpfs /tmp tmpfs \\S*noexec\\S* .*"),
                "/tmp is one noexec tmpfs, as Docker mounts --tmpfs");
        String mapped = ok("exec", NAME, "grep", "netty_transport_native_epoll", "/proc/1/maps");
        assertTrue(mapped.contains("/app/native/libnetty_transport_native_epoll_"), "epoll library mapped from the image: " + mapped);
    }

    /**
     * SIGTERM while clients keep sending: readiness turns DOWN, requests accepted before the listener closes are all
     * answered, and the JVM exits 143 (128 + SIGTERM, a normal stop for Kubernetes and Compose) within the grace period.
     */
    @Test
    @Order(4)
    void sigtermStopsWithinTheGracePeriodAnsweringInFlightRequests() throws Exception {
        int port = chart.port("http");
        String token = Tokens.sign(SECRET, "stop-user", Duration.ofHours(1), null, null);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
        RawHttp.Response created = RawHttp.request("127.0.0.1", port, "POST", "/api/v1/sessions", auth,
                "{\"title\":\"stop\"}".getBytes(StandardCharsets.UTF_8), 5000);
        assertEquals(201, created.status(), created.describe());
        String session = created.text().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<RawHttp.Response> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    outcomes.add(RawHttp.request("127.0.0.1", port, "POST", "/api/v1/sessions/" + session + "/messages", auth,
                            "{\"role\":\"user\",\"content\":\"in flight\"}".getBytes(StandardCharsets.UTF_8), 10000));
                }
            });
            client.start();
            clients.add(client);
        }
        Http.awaitCount(outcomes, 20, Duration.ofSeconds(30));
        long start = System.nanoTime();
        Podman.Result stop = Podman.podman(List.of("stop", "-t", "30", NAME), 60);
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        for (Thread client : clients) {
            client.join(15_000);
        }
        assertEquals(0, stop.exitCode(), stop.output());
        String exit = ok("inspect", NAME, "--format", "{{.State.ExitCode}}");
        long answered = outcomes.stream().filter(r -> r.status() == 201).count();
        List<RawHttp.Response> refused = outcomes.stream().filter(r -> r.failure() == RawHttp.Failure.REFUSED).toList();
        long closedAt = refused.stream().mapToLong(RawHttp.Response::startNanos).min().orElse(Long.MAX_VALUE);
        // A connection still in the kernel's accept queue when the listener closes is reset: the service never read
        // it (the count of stored messages below proves it). Any other reset or timeout is a request lost in flight.
        List<RawHttp.Response> resetAtClose = outcomes.stream().filter(r -> r.failure() == RawHttp.Failure.NO_RESPONSE
                && Math.abs(r.endNanos() - closedAt) < 1_000_000_000L).toList();
        // Four clients looping as one user go past its rate limit: a 429 is an answer (nothing stored), as a 201 is.
        List<String> lost = outcomes.stream().filter(r -> r.status() != 201 && r.status() != 429
                && r.failure() != RawHttp.Failure.REFUSED && !resetAtClose.contains(r)).map(RawHttp.Response::describe).toList();
        long limited = outcomes.stream().filter(r -> r.status() == 429).count();
        System.out.printf("[container] SIGTERM: stopped in %.1f s, exit %s; %d requests answered 201, %d refused after close,"
                + " %d answered 429 (rate limit), %d reset in the accept queue at close, %d lost%n", seconds, exit, answered,
                refused.size(), limited, resetAtClose.size(), lost.size());
        assertTrue(List.of("0", "143").contains(exit), exit);
        assertTrue(seconds < 30, "stopped before podman's 30 s SIGKILL: " + seconds);
        assertEquals(List.of(), lost, "accepted requests must be answered");
        long stored = Long.parseLong(db.text("SELECT count(*) FROM chat.messages WHERE session_id = '" + session + "'"));
        assertEquals(answered, stored, "every 201 is stored, nothing else (no unanswered request was processed)");
        Files.writeString(Path.of("target/container/stop-logs.txt"), ok("logs", NAME));
    }
}
