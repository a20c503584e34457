package io.chatsessions.deploy;

import io.chatsessions.testsupport.Programs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code kubectl apply -k k8s/} would apply: the output of {@code kubectl kustomize k8s/} (offline), parsed
 * into typed models and held to the same requirements as the chart. Skipped, saying so, when kubectl is not
 * installed (a failure instead with -Dchat.deploy.requireTools=true).
 */
class KustomizeManifestsTest {

    private static List<HasMetadata> objects;

    @BeforeAll
    static void kustomize() throws Exception {
        boolean installed = Programs.onPath("kubectl");
        if (Deploy.REQUIRE_TOOLS) {
            assertTrue(installed, "kubectl is not on the PATH (chat.deploy.requireTools=true)");
        }
        assumeTrue(installed, "kubectl is not installed: skipping the `kubectl kustomize k8s/` checks");
        Deploy.Result result = Deploy.run(List.of("kubectl", "kustomize", "k8s/"), Map.of());
        assertEquals(0, result.exitCode(), () -> "kubectl kustomize k8s/ failed:\n" + result.output());
        objects = KubernetesYaml.parse(result.output());
    }

    @Test
    void kustomizeOutputIsTheWholeRestrictedDeployment() {
        ManifestAssertions.assertDeployment(objects,
                new ManifestAssertions.Expected("kustomize", "chat-sessions", true, false, false));
    }

    @Test
    void describesTheSameObjectsAsTheChart() {
        List<HasMetadata> chart = KubernetesYaml.parse(Deploy.template());
        assertEquals(names(chart), names(objects));
        Deployment fromChart = single(chart, Deployment.class);
        Deployment fromKustomize = single(objects, Deployment.class);
        assertEquals(fromChart.getSpec().getTemplate().getSpec(), fromKustomize.getSpec().getTemplate().getSpec(),
                "the same pod spec");
        assertEquals(fromChart.getSpec().getReplicas(), fromKustomize.getSpec().getReplicas());
        assertEquals(fromChart.getSpec().getSelector(), fromKustomize.getSpec().getSelector());
    }

    private static List<String> names(List<HasMetadata> list) {
        return list.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().collect(Collectors.toList());
    }
}
