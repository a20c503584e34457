package io.chatsessions.container;

import io.chatsessions.testsupport.Programs;
import io.chatsessions.auth.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.chatsessions.container.Podman.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 4: the repository's docker-compose.yml, unchanged except for its images (compose.override.yml), run by
 * docker-compose 1.29 against podman's Docker-compatible API: `db` healthy, then `migrate` exits 0, then `app` answers
 * the README's curl session on the published loopback port; `down -v` leaves nothing behind. A failing `migrate` keeps
 * `app` from starting.
 *
 * <p>Adapted to this machine: podman 4.3 runs healthchecks from systemd timers, and there is no systemd here, so the test
 * runs `podman healthcheck run` for the project's containers every second (what the timer would do at the file's
 * interval). Service names resolve on compose's bridge network through CNI's dnsname plugin (.ci/run installs it).
 */
class ComposeTest {

    private static final String PID = String.valueOf(ProcessHandle.current().pid());
    /** The published HS256 development key of docker-compose.yml's `app`. */
    private static final String COMPOSE_JWT_SECRET = "dev-only-not-for-production-0123456789abcdef";
    private static final Path RESOURCES = Podman.ROOT.resolve("src/test/resources/container");

    private static Path socket;
    private static Process service;
    private static Map<String, String> env;

    @BeforeAll
    static void startPodmanService() throws Exception {
        Podman.assumeAvailable();
        Assumptions.assumeTrue(Programs.onPath("docker-compose"),
                "docker-compose is not installed (bash .ci/run installs it with apt): compose test skipped");
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/lib/cni/dnsname")),
                "CNI's dnsname plugin is missing (apt package golang-github-containernetworking-plugin-dnsname, installed by"
                        + " .ci/run): compose's service names would not resolve; compose test skipped");
        String appImage = ContainerImage.get().name();
        String dbImage = postgresImage();

        Path dir = Files.createDirectories(Podman.work().resolve("compose-" + PID));
        Path conf = dir.resolve("containers.conf");
        Files.writeString(conf, Files.readString(Podman.containersConf()) + "[engine]\nruntime = \"runc\"\n");
        socket = dir.resolve("podman.sock");
        Files.deleteIfExists(socket);
        ProcessBuilder builder = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
                .redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        service = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(service.isAlive() && System.nanoTime() < deadline, () -> "podman system service did not open " + socket);
            Http.pause();
        }
        env = Map.of("DOCKER_HOST", "unix://" + socket, "COMPOSE_TEST_DB_IMAGE", dbImage, "COMPOSE_TEST_APP_IMAGE", appImage,
                "CONTAINERS_CONF", conf.toString());
    }

    @AfterAll
    static void stopPodmanService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void dbThenMigrateThenAppAnswersTheReadmeSessionAndDownRemovesEverything() throws Exception {
        Project project = new Project("compose-test-up-" + PID);
        try {
            long start = System.nanoTime();
            Podman.Result up = project.compose(240, "-f", RESOURCES.resolve("compose.override.yml").toString(), "up", "-d", "--no-build");
            assertEquals(0, up.exitCode(), () -> up.output() + "\nmigrate:\n" + project.logs("migrate") + "\ndb:\n" + project.logs("db"));
            assertEquals("healthy", project.inspect("db", "{{.State.Health.Status}}"));
            assertEquals("exited 0", project.inspect("migrate", "{{.State.Status}} {{.State.ExitCode}}"));
            long migrateFinished = Long.parseLong(project.inspect("migrate", "{{.State.FinishedAt.UnixNano}}"));
            long appStarted = Long.parseLong(project.inspect("app", "{{.State.StartedAt.UnixNano}}"));
            assertTrue(appStarted >= migrateFinished, "app started " + (migrateFinished - appStarted) / 1e6 + " ms before migrate ended");

            String api = "http://127.0.0.1:" + project.appPort + "/api/v1";
            Http.awaitStatus(api + "/sessions", 401, Duration.ofSeconds(90), () -> project.logs("app"));
            System.out.printf("[container] compose: db healthy, migrate exit 0, app answering after %.1f s (up -d to first answer)%n",
                    (System.nanoTime() - start) / 1e9);
            String out = Readme.runCurlSession(api, Tokens.sign(COMPOSE_JWT_SECRET, "compose-user", Duration.ofHours(1), null, null));
            Readme.assertCurlSessionSucceeded(out);
        } finally {
            project.downAndAssertNothingLeft();
        }
    }

    @Test
    void aFailingMigrateKeepsTheAppFromStarting() throws Exception {
        Project project = new Project("compose-test-fail-" + PID);
        try {
            Podman.Result up = project.compose(240, "-f", RESOURCES.resolve("compose.override.yml").toString(),
                    "-f", RESOURCES.resolve("compose.migrate-fails.yml").toString(), "up", "-d", "--no-build");
            assertNotEquals(0, up.exitCode(), up::output);
            assertEquals("healthy", project.inspect("db", "{{.State.Health.Status}}"));
            String migrate = project.inspect("migrate", "{{.State.Status}} {{.State.ExitCode}}");
            assertTrue(migrate.startsWith("exited ") && !migrate.equals("exited 0"), migrate + "\n" + up.output());
            String app = ok("ps", "-a", "--filter", "label=com.docker.compose.project=" + project.name,
                    "--filter", "label=com.docker.compose.service=app", "--format", "{{.Names}} {{.State}}");
            assertTrue(app.isEmpty() || app.endsWith(" created"), "app must never start: " + app + "\n" + up.output());
        } finally {
            project.downAndAssertNothingLeft();
        }
    }

    /** The PostgreSQL stand-in image, tagged by its build context's content: rebuilt only when that changes. */
    private static String postgresImage() throws IOException {
        Path context = RESOURCES.resolve("postgres");
        java.security.MessageDigest digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        for (String file : List.of("Containerfile", "docker-entrypoint.sh")) {
            digest.update(Files.readAllBytes(context.resolve(file)));
        }
        String name = "localhost/compose-test-postgres:" + HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        if (Podman.podman(List.of("image", "exists", name), 60).exitCode() != 0) {
            Podman.Result build = Podman.podman(List.of("build", "--network", "host", "-q", "-t", name, context.toString()), 600);
            assertEquals(0, build.exitCode(), () -> "PostgreSQL stand-in image:\n" + build.output());
        }
        return name;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** One compose project (its own name, network, volume and loopback ports), its healthchecks driven meanwhile. */
    private static final class Project {
        final String name;
        final int appPort;
        final int dbPort;

        Project(String name) throws IOException {
            this.name = name;
            this.appPort = freePort();
            this.dbPort = freePort();
        }

        Podman.Result compose(int timeoutSeconds, String... args) {
            List<String> command = new ArrayList<>(List.of("docker-compose", "-p", name, "-f", "docker-compose.yml"));
            command.addAll(List.of(args));
            Map<String, String> vars = new java.util.HashMap<>(env);
            vars.put("APP_PORT", String.valueOf(appPort));
            vars.put("DB_HOST_PORT", String.valueOf(dbPort));
            AtomicBoolean done = new AtomicBoolean();
            Thread healthchecks = new Thread(() -> runHealthchecks(done), name + "-healthchecks");
            healthchecks.setDaemon(true);
            healthchecks.start();
            try {
                return Podman.run(command, vars, timeoutSeconds);
            } finally {
                done.set(true);
                joinQuietly(healthchecks);
            }
        }

        /** What podman's systemd timer would do: run each running container's healthcheck, once a second. */
        private void runHealthchecks(AtomicBoolean done) {
            while (!done.get()) {
                String names = Podman.podman(List.of("ps", "--filter", "label=com.docker.compose.project=" + name,
                        "--format", "{{.Names}}"), 30).stdout();
                names.lines().filter(n -> !n.isBlank())
                        .forEach(n -> Podman.podman(List.of("healthcheck", "run", n), 30));
                try {
                    Thread.sleep(1000); // the timer's period, not a synchronisation: compose itself waits for "healthy"
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static void joinQuietly(Thread thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String container(String service) {
            return name + "_" + service + "_1";
        }

        String inspect(String service, String format) {
            return ok("inspect", container(service), "--format", format);
        }

        String logs(String service) {
            return Podman.podman(List.of("logs", container(service)), 30).output();
        }

        void downAndAssertNothingLeft() {
            Podman.Result down = compose(120, "-f", RESOURCES.resolve("compose.override.yml").toString(), "down", "-v");
            assertEquals(0, down.exitCode(), down::output);
            assertEquals("", ok("ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + name), "containers left");
            assertEquals("", ok("network", "ls", "-q", "--filter", "name=" + name), "networks left");
            assertEquals("", ok("volume", "ls", "-q", "--filter", "name=" + name), "volumes left");
        }
    }
}
