package io.chatsessions.container;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.chatsessions.container.Podman.ok;
import static io.chatsessions.container.RenderedPod.list;
import static io.chatsessions.container.RenderedPod.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 5: the chart's retention CronJob, played once by `podman kube play`. Podman runs no CronJob, so the
 * played Pod is the CronJob's {@code jobTemplate.spec.template} as rendered (image, args, envFrom, the Secret's keys,
 * security contexts, volumes, restartPolicy Never), with the one adaptation PodPlayTest also makes: no annotations,
 * and the podman secret created by the test instead of the chart's example Secret ({@link RenderedPod#writePlayable}).
 * The app role cannot log in while the job runs, so the job succeeds only with the migration role's credentials.
 * What this cannot show: the schedule, concurrencyPolicy and backoffLimit (a kubelet's and the CronJob controller's
 * work; RetentionCronJobTest checks them in the rendered manifest).
 */
@SuppressWarnings("unchecked")
class RetentionCronJobPlayTest {

    private static final String RELEASE = "chat-sessions-retention-play";
    private static final String POD = RELEASE + "-job";
    private static ContainerDatabase db;
    private static Path played;
    private static String secret;

    @BeforeAll
    static void migrated() {
        String image = ContainerImage.get().name();
        db = ContainerDatabase.create("retention");
        List<String> migrate = new ArrayList<>(List.of("run", "--rm", "--network", "host", "--user", "10001:10001", "--read-only"));
        db.migratorEnv().forEach((k, v) -> migrate.addAll(List.of("-e", k + "=" + v)));
        migrate.addAll(List.of(image, "migrate"));
        Podman.Result migrated = Podman.podman(migrate, 180);
        assertEquals(0, migrated.exitCode(), migrated::output);
    }

    @AfterAll
    static void down() {
        if (played != null) {
            Podman.quietly("kube", "down", played.toString());
        }
        if (secret != null) {
            Podman.quietly("secret", "rm", secret);
        }
    }

    @Test
    void theJobPurgesInactiveSessionsKeepsActiveOnesAndRunsRestricted() throws IOException {
        List<Map<String, Object>> chart = render(ContainerImage.get().name());
        Map<String, Object> cronJob = kind(chart, "CronJob");
        Map<String, Object> template = map(map(map(map(cronJob.get("spec")).get("jobTemplate")).get("spec")).get("template"));
        String inactiveFor = String.valueOf(list(map(template.get("spec")).get("containers")).get(0).get("args")).replaceAll(".*--inactive-for, ([^,\\]]+).*", "$1");
        assertEquals("90d", inactiveFor, "the chart's default retention.inactiveFor, which the seeded ages straddle");

        db.execute("""
                WITH s AS (INSERT INTO chat.sessions (id, user_id, message_count, updated_at)
                           SELECT gen_random_uuid(), 'retention-' || age, 2, now() - age * interval '1 day'
                             FROM generate_series(1, 3), (VALUES (91), (400), (1), (89)) a(age) RETURNING id)
                INSERT INTO chat.messages (id, session_id, seq, role, content)
                SELECT gen_random_uuid(), s.id, g, 'user', 'kept or purged' FROM s, generate_series(1, 2) g""");
        db.execute("ALTER ROLE " + db.app() + " NOLOGIN");

        secret = createSecret(kind(chart, "Secret"));
        played = writePlayable(kind(chart, "ConfigMap"), template);
        Podman.quietly("kube", "down", played.toString());
        long start = System.nanoTime();
        Podman.Result play = Podman.podman(List.of("kube", "play", "--network", "host", played.toString()), 120);
        assertEquals(0, play.exitCode(), play::output);
        String container = POD + "-" + list(map(template.get("spec")).get("containers")).get(0).get("name");
        Podman.Result waited = Podman.podman(List.of("wait", container), 120);
        String log = ok("logs", container);
        System.out.printf("[container] retention job: kube play to exit in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, log.strip());

        assertEquals("0", waited.stdout(), "exit status of the purge container; log:\n" + log);
        assertTrue(log.matches("(?s).*chat-sessions purge: deleted 6 sessions not updated since \\S+ \\(12 messages\\) in \\d+ batches.*"), log);
        assertEquals("retention-1=3,retention-89=3", db.text(
                "SELECT string_agg(user_id || '=' || n, ',' ORDER BY user_id) FROM (SELECT user_id, count(*) n FROM chat.sessions GROUP BY user_id) c"));
        assertEquals("12", db.text("SELECT count(*) FROM chat.messages"), "the kept sessions' messages");

        // The container has exited, so its security context is read from podman's record of how it ran.
        assertEquals("10001:10001", ok("inspect", container, "--format", "{{.Config.User}}"), "uid:gid");
        assertEquals("true", ok("inspect", container, "--format", "{{.HostConfig.ReadonlyRootfs}}"), "read-only root filesystem");
        assertEquals("[]", ok("inspect", container, "--format", "{{.EffectiveCaps}}"), "capabilities");
        assertTrue(ok("inspect", container, "--format", "{{.HostConfig.SecurityOpt}}").contains("no-new-privileges"), "no privilege escalation");
    }

    private static List<Map<String, Object>> render(String image) {
        int colon = image.lastIndexOf(':');
        String yaml = new Helm(RenderedPod.CHART).template().withName(RELEASE).set("retention.enabled", true)
                .set("image.repository", image.substring(0, colon)).set("image.tag", image.substring(colon + 1))
                .set("database.host", db.host()).set("database.port", db.port()).set("database.name", db.name())
                .call();
        List<Map<String, Object>> documents = new ArrayList<>();
        new Yaml().loadAll(yaml).forEach(d -> {
            if (d != null) {
                documents.add((Map<String, Object>) d);
            }
        });
        return documents;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("the chart renders no " + kind));
    }

    /**
     * Every key of the chart's Secret with the test database's credentials, as an operator's Secret holds them: which
     * of them the job reads is the chart's choice, and the app role's cannot log in.
     */
    private static String createSecret(Map<String, Object> chartSecret) throws IOException {
        Map<String, String> values = Map.of("migration-username", db.migrator(), "migration-password", db.migratorPassword(),
                "app-username", db.app(), "app-password", db.appPassword(), "jwt-secret", ContainerRunTest.SECRET);
        assertEquals(values.keySet(), map(chartSecret.get("stringData")).keySet(), "the chart's Secret keys");
        String name = (String) map(chartSecret.get("metadata")).get("name");
        Path file = Podman.work().resolve("retention-secret.json");
        Files.writeString(file, values.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": \"" + java.util.Base64.getEncoder().encodeToString(e.getValue().getBytes()) + "\"")
                .collect(Collectors.joining(", ", "{", "}")));
        Podman.quietly("secret", "rm", name);
        ok("secret", "create", name, file.toString());
        Files.delete(file);
        return name;
    }

    /** The ConfigMap and the job's pod template as a Pod named {@link #POD}, without annotations (podman's 63-character limit). */
    private static Path writePlayable(Map<String, Object> configMap, Map<String, Object> template) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>(map(template.get("metadata")));
        metadata.remove("annotations");
        metadata.put("name", POD);
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", metadata);
        pod.put("spec", template.get("spec"));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path file = Files.createDirectories(Podman.work().resolve("pods")).resolve(POD + ".yaml");
        Files.writeString(file, new Yaml(options).dumpAll(List.of(configMap, pod).iterator()));
        return file;
    }
}
