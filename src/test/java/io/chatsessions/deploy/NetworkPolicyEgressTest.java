package io.chatsessions.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NetworkPolicy's egress names its destinations: the database and the cluster DNS, never every address on a port. */
class NetworkPolicyEgressTest {

    private static NetworkPolicyEgressRule ruleFor(NetworkPolicy policy, int port) {
        List<NetworkPolicyEgressRule> rules = policy.getSpec().getEgress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> new IntOrString(port).equals(p.getPort())))
                .toList();
        assertEquals(1, rules.size(), "one egress rule for port " + port + ": " + rules);
        return rules.get(0);
    }

    @Test
    void byDefaultTheDatabasePortLeadsToThePostgresqlPodsAndDnsToKubeDns() {
        NetworkPolicy policy = single(KubernetesYaml.parse(Deploy.template()), NetworkPolicy.class);
        List<NetworkPolicyPeer> database = ruleFor(policy, 5432).getTo();
        assertEquals(1, database.size());
        assertEquals(java.util.Map.of("app.kubernetes.io/name", "postgresql"), database.get(0).getPodSelector().getMatchLabels());
        List<NetworkPolicyPeer> dns = ruleFor(policy, 53).getTo();
        assertEquals(1, dns.size());
        assertEquals(java.util.Map.of("k8s-app", "kube-dns"), dns.get(0).getPodSelector().getMatchLabels());
        assertEquals(java.util.Map.of("kubernetes.io/metadata.name", "kube-system"),
                dns.get(0).getNamespaceSelector().getMatchLabels());
    }

    @Test
    void aManagedDatabaseIsNamedByItsAddress() {
        List<HasMetadata> objects = KubernetesYaml.parse(Deploy.template(Deploy.PRODUCTION_VALUES));
        List<NetworkPolicyPeer> database = ruleFor(single(objects, NetworkPolicy.class), 5432).getTo();
        assertEquals(1, database.size());
        assertEquals("10.20.0.0/16", database.get(0).getIpBlock().getCidr());
    }

    @Test
    void anEmptyDatabasePeerListIsRefused() throws Exception {
        Path values = Files.createTempFile("netpol-", ".yaml");
        try {
            Files.writeString(values, "networkPolicy:\n  databaseEgressTo: []\n");
            Exception error = assertThrows(Exception.class, () -> Deploy.template(values));
            assertTrue(error.getMessage().contains("databaseEgressTo"), error.getMessage());
            Files.writeString(values, "networkPolicy:\n  databaseEgressTo:\n    - {}\n");
            Exception empty = assertThrows(Exception.class, () -> Deploy.template(values));
            assertTrue(empty.getMessage().contains("databaseEgressTo"), empty.getMessage());
        } finally {
            Files.deleteIfExists(values);
        }
    }

    @Test
    void dnsMayBeOpenedToAnyAddressOnPort53WhenAsked() throws Exception {
        Path values = Files.createTempFile("netpol-", ".yaml");
        try {
            Files.writeString(values, "networkPolicy:\n  dnsEgressTo: []\n");
            NetworkPolicy policy = single(KubernetesYaml.parse(Deploy.template(values)), NetworkPolicy.class);
            NetworkPolicyEgressRule dns = ruleFor(policy, 53);
            assertTrue(dns.getTo() == null || dns.getTo().isEmpty(), "an empty dnsEgressTo: any destination on port 53");
            assertEquals(1, ruleFor(policy, 5432).getTo().size(), "the database stays named");
        } finally {
            Files.deleteIfExists(values);
        }
    }
}
