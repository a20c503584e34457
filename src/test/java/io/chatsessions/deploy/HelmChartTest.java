package io.chatsessions.deploy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import io.chatsessions.deploy.ManifestAssertions.Expected;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Helm chart k8s/helm/chat-sessions, linted and rendered in-process (helm-java), parsed into typed models. */
class HelmChartTest {

    @Test
    void lintStrictIsClean() {
        LintResult result = new Helm(Deploy.CHART).lint().strict().call();
        assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
        assertTrue(result.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                () -> "helm lint --strict: " + result.getMessages());
    }

    @Test
    void defaultValuesRenderTheWholeDeploymentWithAnExampleSecret() {
        List<HasMetadata> objects = KubernetesYaml.parse(Deploy.template());
        ManifestAssertions.assertDeployment(objects,
                new Expected("Helm", "chat-sessions", true, false, false));

        Deployment deployment = single(objects, Deployment.class);
        assertEquals(2, deployment.getSpec().getReplicas());
        Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("chat-sessions:1.0.0", app.getImage(), "the image tag defaults to the chart's appVersion");
        ConfigMap config = single(objects, ConfigMap.class);
        assertEquals("8080", config.getData().get("PORT"));
        assertEquals("8081", config.getData().get("MANAGEMENT_PORT"));
        assertEquals("chat", config.getData().get("POSTGRES_SCHEMA"));
        assertEquals("json", config.getData().get("LOG_FORMAT"));
        assertFalse(config.getData().containsKey("AUTH_JWKS_URL"), "no empty settings");
    }

    @Test
    void productionValuesRenderIngressHpaAndUseTheExistingSecret() {
        List<HasMetadata> objects = KubernetesYaml.parse(Deploy.template(Deploy.PRODUCTION_VALUES));
        ManifestAssertions.assertDeployment(objects,
                new Expected("Helm", "chat-sessions-credentials", false, true, true));

        Deployment deployment = single(objects, Deployment.class);
        Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example.com/chat/chat-sessions:1.0.0", app.getImage());
        EnvVar jwt = app.getEnv().stream().filter(e -> e.getName().equals("AUTH_JWT_SECRET")).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, jwt.getValueFrom().getSecretKeyRef().getOptional(),
                "with a JWKS URL the Secret need not hold an HS256 key");
        ConfigMap config = single(objects, ConfigMap.class);
        assertEquals("https://login.example.com/.well-known/jwks.json", config.getData().get("AUTH_JWKS_URL"));
        assertEquals("https://chat.example.com", config.getData().get("CORS_ALLOWED_ORIGINS"));
        HorizontalPodAutoscaler hpa = single(objects, HorizontalPodAutoscaler.class);
        assertEquals(3, hpa.getSpec().getMinReplicas());
        assertEquals(2, hpa.getSpec().getMetrics().size(), "CPU and memory targets");
        Ingress ingress = single(objects, Ingress.class);
        assertEquals("nginx", ingress.getSpec().getIngressClassName());
        assertEquals("chat-sessions-tls", ingress.getSpec().getTls().get(0).getSecretName());
    }

    /** `helm install --dry-run` (client only): NOTES.txt renders and says what the operator must do next. */
    @Test
    void notesWarnAboutTheExampleSecretAndShowHowToReachTheApi() {
        String notes = dryRunInstall().getOutput();
        assertTrue(notes.contains("WARNING: no existingSecret is set"), notes);
        assertTrue(notes.contains("kubectl -n chat port-forward svc/chat-sessions 8080:80"), notes);
        assertTrue(notes.contains("logs deploy/chat-sessions -c migrate"), notes);
        assertTrue(notes.contains("token --user alice"), notes);

        String production = dryRunInstall(Deploy.PRODUCTION_VALUES).getOutput();
        assertFalse(production.contains("WARNING"), production);
        assertTrue(production.contains("https://chat.example.com/api/v1/sessions"), production);
        assertFalse(production.contains("token --user"), "no HS256 token hint with JWKS auth: " + production);
    }

    private static Release dryRunInstall(Path... valuesFiles) {
        var install = new Helm(Deploy.CHART).install().withName(Deploy.RELEASE).withNamespace("chat")
                .clientOnly().dryRun().withDryRunOption(DryRun.CLIENT);
        for (Path values : valuesFiles) {
            install = install.withValuesFile(values);
        }
        return install.call();
    }

    /** Nothing but the API is published by default: health details, metrics and the API docs stay in the cluster. */
    @Test
    void theIngressRoutesOnlyTheApiUnlessApiDocsAreExposed() {
        assertEquals(List.of("/api"), ingressPaths(new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("ingress.enabled", true).call()));
        assertEquals(List.of("/api", "/swagger", "/swagger-ui"), ingressPaths(new Helm(Deploy.CHART).template()
                .withName(Deploy.RELEASE).set("ingress.enabled", true).set("ingress.exposeApiDocs", true).call()));
    }

    private static List<String> ingressPaths(String yaml) {
        Ingress ingress = single(KubernetesYaml.parse(yaml), Ingress.class);
        ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path ->
                assertEquals("http", path.getBackend().getService().getPort().getName(), "never the management port")));
        return ingress.getSpec().getRules().stream().flatMap(rule -> rule.getHttp().getPaths().stream())
                .map(path -> path.getPath()).toList();
    }

    @Test
    void imageDigestPinsBothContainers() {
        String digest = "sha256:" + "ab".repeat(32);
        String yaml = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE).set("image.digest", digest).call();
        Deployment deployment = single(KubernetesYaml.parse(yaml), Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertEquals("chat-sessions@" + digest, pod.getContainers().get(0).getImage());
        assertEquals("chat-sessions@" + digest, pod.getInitContainers().get(0).getImage());
    }

    @Test
    void migrationsCanBeLeftToAJob() {
        String yaml = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE).set("migrations.enabled", false).call();
        Deployment deployment = single(KubernetesYaml.parse(yaml), Deployment.class);
        assertTrue(deployment.getSpec().getTemplate().getSpec().getInitContainers().isEmpty());
    }

    /** values.schema.json makes a bad value fail at install/upgrade/template time, with a message naming it. */
    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
            "replicaCount, three",
            "replicaCount, -1",
            "image.pullPolicy, Sometimes",
            "logFormat, xml",
            "service.type, ExternalName",
            "database.port, 99999",
            "database.schema, Chat-Schema",
            "image.digest, latest",
            "autoscaling.targetCPUUtilizationPercentage, 150",
            "ingress.enabled, maybe",
            "ingress.exposeApiDocs, sometimes",
            "managementPort, 0",
            "replicas, 3",
            "database.password, secret",
            "existingSecret, Not_A_Name",
    })
    void badValuesFail(String key, String value) {
        Object typed = value.matches("-?[0-9]+") ? Long.parseLong(value) : value;
        Exception error = assertThrows(Exception.class,
                () -> new Helm(Deploy.CHART).template().withName(Deploy.RELEASE).set(key, typed).call());
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        assertTrue(error.getMessage().contains("values don't meet the specifications of the schema")
                        && error.getMessage().contains(leaf),
                () -> "the schema refuses it, naming " + leaf + ": " + error.getMessage());
    }

    @Test
    void goodOverridesRender() {
        String yaml = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("replicaCount", 3).set("logFormat", "plain").set("podDisruptionBudget.minAvailable", "50%").call();
        List<HasMetadata> objects = KubernetesYaml.parse(yaml);
        assertEquals(3, single(objects, Deployment.class).getSpec().getReplicas());
        assertEquals("plain", single(objects, ConfigMap.class).getData().get("LOG_FORMAT"));
    }
}
