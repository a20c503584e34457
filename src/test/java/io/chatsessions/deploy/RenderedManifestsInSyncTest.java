package io.chatsessions.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One source of truth: k8s/base/chat-sessions.yaml (what {@code kubectl apply -k k8s/} deploys) is the Helm chart
 * rendered with its default values, byte for byte.
 *
 * <p>After changing the chart, regenerate the file with {@code k8s/render.sh}, which runs this test with
 * {@code -Dchat.deploy.regenerate=true}: the test then writes the file instead of comparing.
 */
class RenderedManifestsInSyncTest {

    static final String HEADER = """
            # GENERATED FILE, DO NOT EDIT: the Helm chart k8s/helm/chat-sessions rendered with its default values
            # (release name "chat-sessions"). Change the chart, then run k8s/render.sh; RenderedManifestsInSyncTest
            # fails while this file and the chart disagree. Deploy it with `kubectl apply -k k8s/`.
            """;

    static String expected() {
        return HEADER + Deploy.template();
    }

    @Test
    void plainManifestsAreTheChartRenderedWithDefaults() throws IOException {
        String rendered = expected();
        if (Boolean.getBoolean("chat.deploy.regenerate")) {
            Files.createDirectories(Deploy.RENDERED.getParent());
            Files.writeString(Deploy.RENDERED, rendered);
            System.out.println("regenerated " + Deploy.ROOT.relativize(Deploy.RENDERED));
        }
        assertTrue(Files.exists(Deploy.RENDERED), Deploy.RENDERED + " is missing: run k8s/render.sh");
        assertEquals(rendered, Files.readString(Deploy.RENDERED),
                "k8s/base/chat-sessions.yaml is out of date with the chart: run k8s/render.sh and commit the result");
    }

    @Test
    void theCommittedFileParsesLikeTheChart() throws IOException {
        var objects = KubernetesYaml.parse(Files.readString(Deploy.RENDERED));
        ManifestAssertions.assertDeployment(objects,
                new ManifestAssertions.Expected("Helm", "chat-sessions", true, false, false));
    }
}
