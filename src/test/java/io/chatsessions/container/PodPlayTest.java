package io.chatsessions.container;

import io.chatsessions.auth.Tokens;
import io.chatsessions.testsupport.MigrationFiles;
import io.chatsessions.testsupport.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.chatsessions.container.Podman.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, items 3 and 5: the chart's pod as Kubernetes would run it, played by `podman kube play` from the chart
 * rendered with its default values plus the image and the database address (adaptations: {@link RenderedPod#writePlayable}).
 * What this cannot show: a kubelet's probe handling, Services, NetworkPolicy, PDB, HPA (the rendered-manifest tests
 * in io.chatsessions.deploy cover those files).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodPlayTest {

    private static final String SECRET = ContainerRunTest.SECRET;
    private static final List<Path> PLAYED = new ArrayList<>();
    private static final List<String> SECRETS = new ArrayList<>();
    private static ContainerDatabase db;
    private static RenderedPod v1;
    private static Path dir;

    @BeforeAll
    static void database() throws IOException {
        ContainerImage.get();
        db = ContainerDatabase.create("pod");
        dir = Podman.work().resolve("pods");
        java.nio.file.Files.createDirectories(dir);
    }

    @AfterAll
    static void downEverything() {
        for (Path file : PLAYED) {
            Podman.quietly("kube", "down", file.toString());
        }
        SECRETS.forEach(s -> Podman.quietly("secret", "rm", s));
    }

    static Podman.Result play(RenderedPod pod, String name, ContainerDatabase database) throws IOException {
        pod.createSecret(database, SECRET, dir);
        SECRETS.add(pod.secretName());
        Path file = pod.writePlayable(name, dir);
        Podman.quietly("kube", "down", file.toString());
        PLAYED.add(file);
        return Podman.podman(List.of("kube", "play", "--network", "host", file.toString()), 240);
    }

    @Test
    @Order(1)
    void theInitContainerMigratesWithTheMigrationRoleBeforeTheAppStartsAndBecomesReady() throws IOException {
        v1 = RenderedPod.render(ContainerImage.get().name(), db);
        long start = System.nanoTime();
        Podman.Result played = play(v1, "chat-sessions-v1", db);
        assertEquals(0, played.exitCode(), played::output);
        Http.awaitStatus(v1.probe("readinessProbe").url(), 200, Duration.ofSeconds(120), () -> logs("chat-sessions-v1"));
        System.out.printf("[container] pod v1: kube play to readiness 200 in %.1f s%n", (System.nanoTime() - start) / 1e9);

        assertEquals(db.migrator(), db.text("SELECT installed_by FROM chat.flyway_schema_history WHERE version = '1' AND success"));
        long migratedAt = Long.parseLong(db.text("SELECT (extract(epoch FROM installed_on AT TIME ZONE current_setting('TimeZone')) * 1000)::bigint"
                + " FROM chat.flyway_schema_history WHERE version = '1'"));
        long appStartedAt = Long.parseLong(ok("inspect", "chat-sessions-v1-app", "--format", "{{.State.StartedAt.UnixMilli}}"));
        System.out.printf("[container] pod v1: V1 installed by %s %d ms before the app container started%n", db.migrator(), appStartedAt - migratedAt);
        assertTrue(migratedAt < appStartedAt, "V1 installed " + migratedAt + ", app started " + appStartedAt);
        Podman.Result init = Podman.podman(List.of("inspect", "chat-sessions-v1-migrate", "--format", "{{.State.ExitCode}}"));
        if (init.exitCode() == 0) { // podman removes a finished `once` init container; when it is still there, it exited 0
            assertEquals("0", init.stdout());
        }

        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals(200, Http.get(v1.probe(probe).url()).status(), probe + " at " + v1.probe(probe).url());
        }
    }

    /** The chart's securityContext, as the running process sees it. */
    @Test
    @Order(2)
    void theAppRunsWithTheChartsSecurityContext() {
        String status = ok("exec", "chat-sessions-v1-app", "sh", "-c", "id -u; id -g; grep -E '^(CapEff|NoNewPrivs)' /proc/1/status;"
                + " touch /app/x 2>&1 || true; touch /tmp/x && echo tmp-writable");
        assertTrue(status.startsWith("10001\n10001\n"), status);
        assertTrue(status.contains("CapEff:\t0000000000000000"), status);
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        assertTrue(status.contains("Read-only file system"), status);
        assertTrue(status.contains("tmp-writable"), status);
        assertEquals("true", ok("inspect", "chat-sessions-v1-app", "--format", "{{.HostConfig.ReadonlyRootfs}}"));
    }

    /** The app container's own credentials (the app role) cannot change the schema: undo's DROP is refused. */
    @Test
    @Order(3)
    void theAppRoleCannotRunDdlFromInsideThePod() {
        Podman.Result undo = Podman.podman(List.of("exec", "chat-sessions-v1-app", "java", "-XX:MaxRAMPercentage=20",
                "-XX:TieredStopAtLevel=1", "-jar", "/app/chat-sessions.jar", "undo", "--target", "0"), 120);
        System.out.println("[container] undo as the app role: exit " + undo.exitCode() + ": " + undo.stdout().lines().reduce((a, b) -> b).orElse(""));
        assertNotEquals(0, undo.exitCode(), undo.output());
        assertTrue(undo.output().matches("(?s).*(must be owner|permission denied).*"), undo.output());
        assertEquals("1", db.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'chat' AND tablename = 'messages'"));
    }

    /**
     * The rollout of a release with an expand-only migration (V900, above every real one): the new pod's init container applies it while the old pod
     * serves; the old pod keeps answering on the new schema; clients move to the new pod when it is ready (as a
     * Service would) and the old pod is then stopped. Not one request fails.
     */
    @Test
    @Order(4)
    void aRolloutWithAnExpandOnlyMigrationFailsNoRequest() throws Exception {
        String v2Image = ContainerImage.withMigration("container-test-v2", "V900__session_notes.sql",
                "-- expand only: a nullable column the V1 build neither reads nor writes\nALTER TABLE sessions ADD COLUMN notes text;\n");
        RenderedPod v2 = RenderedPod.render(v2Image, db);
        String token = Tokens.sign(SECRET, "rollout-user", Duration.ofHours(1), null, null);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
        AtomicReference<Integer> target = new AtomicReference<>(v1.port("http"));
        RawHttp.Response created = RawHttp.request("127.0.0.1", target.get(), "POST", "/api/v1/sessions", auth,
                "{\"title\":\"rollout\"}".getBytes(StandardCharsets.UTF_8), 5000);
        assertEquals(201, created.status(), created.describe());
        String session = created.text().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<RawHttp.Response> outcomes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> v1AnsweredAfterV2 = new ConcurrentLinkedQueue<>();
        // One user's client, at most 25 requests a second and never catching up after a slow answer: within the
        // per-user rate limit (50/s), so a 429 is never mistaken for a request the rollout failed.
        Thread client = new Thread(() -> {
            int i = 0;
            long next = System.nanoTime();
            while (running.get()) {
                long now = System.nanoTime();
                next = Math.max(next + 40_000_000L, now);
                java.util.concurrent.locks.LockSupport.parkNanos(next - now);
                int port = target.get();
                RawHttp.Response r = (i++ % 2 == 0)
                        ? RawHttp.request("127.0.0.1", port, "POST", "/api/v1/sessions/" + session + "/messages", auth,
                                "{\"role\":\"user\",\"content\":\"rollout\"}".getBytes(StandardCharsets.UTF_8), 10000)
                        : RawHttp.request("127.0.0.1", port, "GET", "/api/v1/sessions/" + session + "/messages?limit=5", auth, null, 10000);
                outcomes.add(r);
                if (port == v1.port("http") && r.status() / 100 == 2 && db.text("SELECT count(*) FROM chat.flyway_schema_history WHERE version = '900'").equals("1")) {
                    v1AnsweredAfterV2.add(r.endNanos());
                }
            }
        });
        client.start();
        try {
            Http.awaitCount(outcomes, 10, Duration.ofSeconds(30));
            Podman.Result played = play(v2, "chat-sessions-v2", db);
            assertEquals(0, played.exitCode(), played::output);
            Http.awaitStatus(v2.probe("readinessProbe").url(), 200, Duration.ofSeconds(120), () -> logs("chat-sessions-v2"));
            assertEquals(db.migrator(), db.text("SELECT installed_by FROM chat.flyway_schema_history WHERE version = '900' AND success"));
            Http.awaitCount(v1AnsweredAfterV2, 5, Duration.ofSeconds(30));
            target.set(v2.port("http"));
            int before = outcomes.size();
            Http.awaitCount(outcomes, before + 10, Duration.ofSeconds(30));
            ok("pod", "stop", "-t", "30", "chat-sessions-v1");
            Http.awaitCount(outcomes, outcomes.size() + 10, Duration.ofSeconds(30));
        } finally {
            running.set(false);
            client.join(15_000);
        }
        List<String> failed = outcomes.stream().filter(r -> r.status() / 100 != 2).map(RawHttp.Response::describe).toList();
        System.out.printf("[container] rollout to V900: %d requests, %d failed; the old pod answered %d after V900 was applied%n",
                outcomes.size(), failed.size(), v1AnsweredAfterV2.size());
        assertEquals(List.of(), failed);
        assertEquals("900", db.text("SELECT max(version::int) FROM chat.flyway_schema_history"));
    }

    /** Issue 11, item 5: an image whose migration fails never starts the pod's app container. */
    @Test
    @Order(5)
    void aFailingMigrationKeepsTheAppContainerFromStarting() throws IOException {
        ContainerDatabase broken = ContainerDatabase.create("podbroken");
        String image = ContainerImage.withMigration("container-test-broken", "V900__broken.sql",
                "ALTER TABLE no_such_table ADD COLUMN x text;\n");
        RenderedPod pod = RenderedPod.render(image, broken);
        Podman.Result played = play(pod, "chat-sessions-broken", broken);
        String state = Podman.podman(List.of("ps", "-a", "--pod", "--filter", "pod=chat-sessions-broken",
                "--format", "{{.Names}} {{.Status}}")).stdout();
        System.out.println("[container] broken migration: kube play exit " + played.exitCode() + "; containers: "
                + state.replace('\n', ';') + "; play said: " + played.stdout().lines().filter(l -> l.contains("rror")).findFirst().orElse(""));
        assertNotEquals(0, played.exitCode(), "kube play reports the failed init container: " + played.output());
        String appStarted = Podman.podman(List.of("inspect", "chat-sessions-broken-app", "--format", "{{.State.StartedAt.UnixMilli}}")).stdout();
        assertTrue(appStarted.isEmpty() || appStarted.startsWith("-") || appStarted.contains("no such") || appStarted.equals("0")
                || Long.parseLong(appStarted.lines().reduce((a, b) -> b).orElse("0")) <= 0, "the app container never started: " + appStarted);
        assertEquals(-1, Http.get(pod.probe("readinessProbe").url()).status(), "nothing listens on the app's port");
        assertEquals(String.valueOf(MigrationFiles.latest()), broken.text("SELECT max(version::int) FROM chat.flyway_schema_history WHERE success"));
    }

    private static String logs(String pod) {
        return Podman.podman(List.of("pod", "logs", pod)).output();
    }
}
