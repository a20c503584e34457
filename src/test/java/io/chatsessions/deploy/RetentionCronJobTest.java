package io.chatsessions.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart's optional retention CronJob (`purge` on a schedule): off by default, restricted like the Deployment. */
class RetentionCronJobTest {

    private static List<HasMetadata> render(Map<String, Object> values) {
        var command = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE);
        for (var value : values.entrySet()) {
            command = command.set(value.getKey(), value.getValue());
        }
        return KubernetesYaml.parse(command.call());
    }

    @Test
    void offByDefault() {
        assertTrue(KubernetesYaml.ofType(render(Map.of()), CronJob.class).isEmpty(), "no CronJob unless retention.enabled");
    }

    @Test
    void runsPurgeWithTheMigrationRoleRestrictedAndNeverTwiceAtOnce() {
        List<HasMetadata> objects = render(Map.of("retention.enabled", true, "retention.schedule", "5 4 * * 0",
                "retention.inactiveFor", "P30D", "retention.archivedOnly", true));
        CronJob cron = single(objects, CronJob.class);
        assertEquals("5 4 * * 0", cron.getSpec().getSchedule());
        assertEquals("Forbid", cron.getSpec().getConcurrencyPolicy());
        PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        ManifestAssertions.assertRestricted(pod);
        Container purge = pod.getContainers().get(0);
        assertEquals(List.of("purge", "--inactive-for", "P30D", "--archived-only"), purge.getArgs());

        Deployment deployment = single(objects, Deployment.class);
        PodSpec api = deployment.getSpec().getTemplate().getSpec();
        assertEquals(api.getSecurityContext(), pod.getSecurityContext(), "the Deployment's pod security context");
        assertEquals(api.getContainers().get(0).getSecurityContext(), purge.getSecurityContext(), "the Deployment's container security context");
        assertEquals(api.getContainers().get(0).getImage(), purge.getImage());
        assertEquals("migration-username", secretKey(purge, "POSTGRES_USER"), "the migration role, not the app's");
        assertEquals("migration-password", secretKey(purge, "POSTGRES_PASSWORD"));
        assertTrue(purge.getEnv().stream().noneMatch(e -> e.getName().equals("AUTH_JWT_SECRET")), "purge needs no auth secret");

        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        Map<String, String> labels = cron.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels();
        assertNotEquals(selector.get("app.kubernetes.io/name"), labels.get("app.kubernetes.io/name"),
                "the Service (and the API's selector) never picks a purge pod");
    }

    @Test
    void withoutArchivedOnlyPurgesEverySession() {
        CronJob cron = single(render(Map.of("retention.enabled", true)), CronJob.class);
        assertEquals(List.of("purge", "--inactive-for", "90d"),
                cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
    }

    @Test
    void theSchemaRefusesADurationPurgeWouldRefuse() {
        Exception error = assertThrows(Exception.class, () -> render(Map.of("retention.enabled", true, "retention.inactiveFor", "soon")));
        assertTrue(error.getMessage().contains("inactiveFor"), error.getMessage());
    }

    private static String secretKey(Container container, String variable) {
        EnvVar env = container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst().orElseThrow();
        return env.getValueFrom().getSecretKeyRef().getKey();
    }
}
