package io.chatsessions.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict parser the deploy tests rely on really rejects what Kubernetes would reject or silently drop. */
class KubernetesYamlTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
            spec:
              replicas: 2
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: app
                      image: demo:1
                      %s
            """;

    @Test
    void parsesAWellFormedDeployment() {
        var objects = KubernetesYaml.parse("---\n" + DEPLOYMENT.formatted("args: [serve]") + "---\n");
        assertEquals(1, objects.size());
        assertEquals(2, ((Deployment) objects.get(0)).getSpec().getReplicas());
    }

    @Test
    void rejectsAnUnknownFieldDeepInside() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> KubernetesYaml.parse(DEPLOYMENT.formatted("readinesProbe: {httpGet: {path: /, port: 80}}")));
        assertTrue(error.getMessage().contains("readinesProbe"), error.getMessage());
    }

    @Test
    void rejectsAFieldAtTheWrongLevel() {
        assertThrows(AssertionError.class, () -> KubernetesYaml.parse(DEPLOYMENT.formatted("runAsNonRoot: true")));
    }

    @Test
    void rejectsAValueOfTheWrongType() {
        assertThrows(AssertionError.class, () -> KubernetesYaml.parse(DEPLOYMENT.formatted("args: {serve: true}")));
        assertThrows(AssertionError.class,
                () -> KubernetesYaml.parse(DEPLOYMENT.replace("replicas: 2", "replicas: two").formatted("args: [serve]")));
    }

    @Test
    void rejectsAnUnexpectedKind() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> KubernetesYaml.parse("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\n"));
        assertTrue(error.getMessage().contains("DaemonSet"), error.getMessage());
    }
}
