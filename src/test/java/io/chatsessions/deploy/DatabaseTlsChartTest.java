package io.chatsessions.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart's TLS settings for PostgreSQL: POSTGRES_SSLMODE for both containers, a CA bundle mounted from a Secret or ConfigMap. */
class DatabaseTlsChartTest {

    private static final String CA_DIR = "/etc/chat-sessions/postgres-ca";

    @Test
    void byDefaultPreferAndNoBundle() {
        List<HasMetadata> objects = KubernetesYaml.parse(Deploy.template());
        ConfigMap config = single(objects, ConfigMap.class);
        assertEquals("prefer", config.getData().get("POSTGRES_SSLMODE"));
        assertFalse(config.getData().containsKey("POSTGRES_SSLROOTCERT"));
        PodSpec pod = single(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getName().equals("postgres-ca")));
    }

    @Test
    void verifyFullWithACaFromASecretReachesBothContainers() {
        String yaml = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("database.sslMode", "verify-full").set("database.sslRootCert.secretName", "db-ca")
                .set("database.sslRootCert.key", "root.crt").call();
        List<HasMetadata> objects = KubernetesYaml.parse(yaml);
        ConfigMap config = single(objects, ConfigMap.class);
        assertEquals("verify-full", config.getData().get("POSTGRES_SSLMODE"));
        assertEquals(CA_DIR + "/root.crt", config.getData().get("POSTGRES_SSLROOTCERT"));
        PodSpec pod = single(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Volume ca = pod.getVolumes().stream().filter(v -> v.getName().equals("postgres-ca")).findFirst().orElseThrow();
        assertEquals("db-ca", ca.getSecret().getSecretName());
        assertEquals("root.crt", ca.getSecret().getItems().get(0).getKey());
        for (Container container : Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList()) {
            assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("postgres-ca")
                            && m.getMountPath().equals(CA_DIR) && Boolean.TRUE.equals(m.getReadOnly())),
                    container.getName() + " mounts the CA read-only");
        }
    }

    @Test
    void aCaFromAConfigMap() {
        String yaml = new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("database.sslMode", "verify-ca").set("database.sslRootCert.configMapName", "db-ca-bundle").call();
        List<HasMetadata> objects = KubernetesYaml.parse(yaml);
        assertEquals(CA_DIR + "/ca.crt", single(objects, ConfigMap.class).getData().get("POSTGRES_SSLROOTCERT"));
        PodSpec pod = single(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Volume ca = pod.getVolumes().stream().filter(v -> v.getName().equals("postgres-ca")).findFirst().orElseThrow();
        assertEquals("db-ca-bundle", ca.getConfigMap().getName());
    }

    @Test
    void anUnknownSslModeIsRefused() {
        Exception error = assertThrows(Exception.class, () -> new Helm(Deploy.CHART).template().withName(Deploy.RELEASE)
                .set("database.sslMode", "on").call());
        assertTrue(error.getMessage().contains("sslMode"), error.getMessage());
    }
}
