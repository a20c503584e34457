package io.chatsessions.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * k8s/jobs/schema-command-job.yaml, the Job operators use for `undo --target V`, `verify` and the other schema
 * commands: typed and restricted like the Deployment, with the migration role's credentials, and never picked
 * up by the Service or by `kubectl apply -k k8s/`.
 */
class SchemaJobTest {

    private static final Set<String> SCHEMA_COMMANDS = Set.of("migrate", "info", "validate", "baseline", "repair", "undo", "verify");

    @Test
    void aRestrictedOneShotPodWithTheMigrationRole() throws IOException {
        Job job = single(KubernetesYaml.parse(Files.readString(Deploy.K8S.resolve("jobs/schema-command-job.yaml"))), Job.class);
        assertEquals(0, job.getSpec().getBackoffLimit(), "a failed schema command is not retried");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        ManifestAssertions.assertRestricted(pod);
        assertEquals(1, pod.getContainers().size());
        Container schema = pod.getContainers().get(0);
        assertTrue(SCHEMA_COMMANDS.contains(schema.getArgs().get(0)), "runs a schema command: " + schema.getArgs());
        assertTrue(schema.getCommand() == null || schema.getCommand().isEmpty(), "the image's ENTRYPOINT is kept");
        assertTrue(schema.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")));
        assertTrue(schema.getResources().getLimits().containsKey("memory"));

        List<HasMetadata> base = KubernetesYaml.parse(Files.readString(Deploy.RENDERED));
        Deployment deployment = single(base, Deployment.class);
        Container migrate = deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertEquals(migrate.getImage(), schema.getImage(), "the same image as the default deployment");
        assertEquals(migrate.getEnvFrom(), schema.getEnvFrom(), "the same database settings");
        assertEquals(migrate.getEnv().subList(0, 2), schema.getEnv(), "the migration role's credentials");
        assertEquals(deployment.getSpec().getTemplate().getSpec().getServiceAccountName(), pod.getServiceAccountName());

        Service service = single(base, Service.class);
        var podLabels = job.getSpec().getTemplate().getMetadata().getLabels();
        assertFalse(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()),
                "the Job's pod never receives the Service's traffic");
    }

    @Test
    void isNotAppliedByKustomize() throws IOException {
        String kustomization = Files.readString(Deploy.K8S.resolve("kustomization.yaml"));
        assertFalse(kustomization.lines().filter(l -> !l.strip().startsWith("#")).anyMatch(l -> l.contains("jobs/")),
                "the schema Job is run by hand, never by every apply -k");
    }
}
