package io.chatsessions.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.chatsessions.deploy.KubernetesYaml.ofType;
import static io.chatsessions.deploy.KubernetesYaml.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every rendering of the chat-sessions deployment must satisfy (the chart with any value set, and the
 * plain manifests of {@code kubectl kustomize k8s/}): the Kubernetes requirements, checked on typed objects.
 */
final class ManifestAssertions {

    static final String NAME = "chat-sessions";
    static final int UID = 10001;
    static final Set<String> STANDARD_LABELS = Set.of(
            "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by");

    /** What a particular value set should produce. */
    record Expected(String managedBy, String secretName, boolean exampleSecret, boolean autoscaling, boolean ingress) {
    }

    private ManifestAssertions() {
    }

    static void assertDeployment(List<HasMetadata> objects, Expected expected) {
        assertKinds(objects, expected);
        assertLabels(objects, expected);

        Deployment deployment = single(objects, Deployment.class);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertEquals(Map.of("app.kubernetes.io/name", NAME, "app.kubernetes.io/instance", NAME), selector,
                "the Deployment selects on the stable selector labels only");
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "pod labels include the selector labels");

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container app = onlyAppContainer(pod);
        Container migrate = migrateInitContainer(pod);
        assertEquals(app.getImage(), migrate.getImage(), "init container and app container run the same image");
        assertEquals(app.getImagePullPolicy(), migrate.getImagePullPolicy());
        assertEquals(List.of("serve"), app.getArgs(), "the app container serves");
        assertTrue(app.getCommand() == null || app.getCommand().isEmpty(), "the image's ENTRYPOINT (java -jar) is kept");
        assertTrue(migrate.getCommand() == null || migrate.getCommand().isEmpty(), "the image's ENTRYPOINT (java -jar) is kept");

        assertCredentials(objects, pod, app, migrate, expected);
        assertProbes(app);
        assertRestricted(pod);
        assertResources(app);
        assertResources(migrate);
        assertTmpIsEmptyDir(pod, app);
        assertTmpIsEmptyDir(pod, migrate);
        assertShutdown(pod, app);

        if (expected.autoscaling()) {
            assertNull(deployment.getSpec().getReplicas(), "with an HPA the Deployment leaves replicas to it");
            HorizontalPodAutoscaler hpa = single(objects, HorizontalPodAutoscaler.class);
            assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
            assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
            assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
            assertFalse(hpa.getSpec().getMetrics().isEmpty());
        } else {
            assertNotNull(deployment.getSpec().getReplicas());
            assertTrue(deployment.getSpec().getReplicas() >= 1);
        }

        Service service = single(objects, Service.class);
        assertEquals(selector, service.getSpec().getSelector(), "the Service selects the Deployment's pods");
        assertEquals(2, service.getSpec().getPorts().size(), "the API and, for in-cluster monitoring, the management port");
        assertEquals(new IntOrString("http"), service.getSpec().getPorts().get(0).getTargetPort());
        assertEquals(new IntOrString("management"), service.getSpec().getPorts().get(1).getTargetPort());
        assertEquals("management", service.getSpec().getPorts().get(1).getName());

        ServiceAccount account = single(objects, ServiceAccount.class);
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
        assertEquals(account.getMetadata().getName(), pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());

        PodDisruptionBudget pdb = single(objects, PodDisruptionBudget.class);
        assertEquals(selector, pdb.getSpec().getSelector().getMatchLabels());
        assertTrue(pdb.getSpec().getMinAvailable() != null ^ pdb.getSpec().getMaxUnavailable() != null,
                "the PDB sets exactly one of minAvailable and maxUnavailable");

        NetworkPolicy policy = single(objects, NetworkPolicy.class);
        assertEquals(selector, policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertEquals(1, policy.getSpec().getIngress().size());
        assertEquals(new IntOrString("http"), policy.getSpec().getIngress().get(0).getPorts().get(0).getPort(),
                "traffic in is allowed to the http port only");
        assertEquals(List.of(new IntOrString("http"), new IntOrString("management")),
                policy.getSpec().getIngress().get(0).getPorts().stream().map(p -> p.getPort()).toList(),
                "and to the management port (probes, Prometheus)");
        ConfigMap config = single(objects, ConfigMap.class);
        int dbPort = Integer.parseInt(config.getData().get("POSTGRES_PORT"));
        assertTrue(policy.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                        .anyMatch(port -> new IntOrString(dbPort).equals(port.getPort())),
                "egress to the database port is allowed");
        policy.getSpec().getEgress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(port -> new IntOrString(dbPort).equals(port.getPort())))
                .forEach(rule -> assertFalse(rule.getTo() == null || rule.getTo().isEmpty(),
                        "egress to the database port names the database (a to: peer), not every address: " + rule));
        assertTrue(policy.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                        .anyMatch(port -> new IntOrString(53).equals(port.getPort())),
                "egress to DNS is allowed");

        if (expected.ingress()) {
            Ingress ingress = single(objects, Ingress.class);
            ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                assertEquals(service.getMetadata().getName(), path.getBackend().getService().getName());
                assertEquals("http", path.getBackend().getService().getPort().getName());
                assertFalse(path.getPath().equals("/") || path.getPath().startsWith("/health") || path.getPath().startsWith("/prometheus"),
                        "the Ingress routes the API, not everything: " + path.getPath());
            }));
        }
    }

    private static void assertKinds(List<HasMetadata> objects, Expected expected) {
        Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
        Set<String> wanted = new TreeSet<>(Set.of("ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget",
                "Service", "ServiceAccount"));
        if (expected.exampleSecret()) {
            wanted.add("Secret");
        }
        if (expected.autoscaling()) {
            wanted.add("HorizontalPodAutoscaler");
        }
        if (expected.ingress()) {
            wanted.add("Ingress");
        }
        assertEquals(wanted, kinds);
        assertEquals(kinds.size(), objects.size(), "one object of each kind");
    }

    private static void assertLabels(List<HasMetadata> objects, Expected expected) {
        for (HasMetadata object : objects) {
            String what = object.getKind() + " " + object.getMetadata().getName();
            Map<String, String> labels = object.getMetadata().getLabels();
            assertNotNull(labels, what + " has labels");
            assertTrue(labels.keySet().containsAll(STANDARD_LABELS), what + " has the app.kubernetes.io/* labels: " + labels);
            assertEquals(NAME, labels.get("app.kubernetes.io/name"), what);
            assertEquals(NAME, labels.get("app.kubernetes.io/instance"), what);
            assertEquals(NAME, labels.get("app.kubernetes.io/part-of"), what);
            assertEquals(expected.managedBy(), labels.get("app.kubernetes.io/managed-by"), what);
            assertFalse(labels.get("app.kubernetes.io/version").isBlank(), what);
            assertTrue(object.getMetadata().getName().startsWith(NAME), what + " is named after the release");
            assertNull(object.getMetadata().getNamespace(), what + ": the namespace comes from helm/kubectl, not the manifest");
        }
    }

    static Container onlyAppContainer(PodSpec pod) {
        assertEquals(1, pod.getContainers().size(), "one app container");
        Container app = pod.getContainers().get(0);
        assertEquals("app", app.getName());
        return app;
    }

    static Container migrateInitContainer(PodSpec pod) {
        assertNotNull(pod.getInitContainers(), "an init container runs the migrations");
        assertEquals(1, pod.getInitContainers().size(), "one init container, `migrate`");
        Container migrate = pod.getInitContainers().get(0);
        assertEquals("migrate", migrate.getName());
        assertEquals(List.of("migrate"), migrate.getArgs(), "the init container runs the jar's `migrate` command");
        assertNull(migrate.getRestartPolicy(), "a plain init container (not a sidecar): it must finish before the app starts");
        return migrate;
    }

    private static void assertCredentials(List<HasMetadata> objects, PodSpec pod, Container app, Container migrate, Expected expected) {
        ConfigMap config = single(objects, ConfigMap.class);
        for (Container container : List.of(app, migrate)) {
            assertEquals(1, container.getEnvFrom().size());
            assertEquals(config.getMetadata().getName(), container.getEnvFrom().get(0).getConfigMapRef().getName(),
                    container.getName() + " reads the ConfigMap");
        }
        for (String key : List.of("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_SCHEMA", "PORT", "MANAGEMENT_PORT", "LOG_FORMAT")) {
            assertTrue(config.getData().containsKey(key), "ConfigMap sets " + key);
        }
        for (String secretKey : List.of("POSTGRES_USER", "POSTGRES_PASSWORD", "AUTH_JWT_SECRET", "DATABASE_URL")) {
            assertFalse(config.getData().containsKey(secretKey), secretKey + " is not in the ConfigMap");
        }
        int port = Integer.parseInt(config.getData().get("PORT"));
        ContainerPort http = app.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the app container names its port http"));
        assertEquals(port, http.getContainerPort(), "PORT is the container port");
        assertEquals(Integer.parseInt(config.getData().get("MANAGEMENT_PORT")), managementPort(app),
                "MANAGEMENT_PORT is the container port named management");
        assertNotEquals(port, managementPort(app), "health and metrics are not on the API port");

        SecretKeySelector appUser = secretRef(app, "POSTGRES_USER");
        SecretKeySelector appPassword = secretRef(app, "POSTGRES_PASSWORD");
        SecretKeySelector migrationUser = secretRef(migrate, "POSTGRES_USER");
        SecretKeySelector migrationPassword = secretRef(migrate, "POSTGRES_PASSWORD");
        for (SecretKeySelector ref : List.of(appUser, appPassword, migrationUser, migrationPassword, secretRef(app, "AUTH_JWT_SECRET"))) {
            assertEquals(expected.secretName(), ref.getName(), "credentials come from the Secret " + expected.secretName());
        }
        assertNotEquals(appUser.getKey(), migrationUser.getKey(), "the app and the migrations use different database roles");
        assertNotEquals(appPassword.getKey(), migrationPassword.getKey());
        assertTrue(migrate.getEnv().stream().noneMatch(e -> e.getName().startsWith("AUTH_")), "migrate gets no auth settings");
        SecretKeySelector appRole = secretRef(migrate, "APP_DB_ROLE");
        assertEquals(appUser, appRole, "migrate grants the app role (APP_DB_ROLE) its DML privileges");

        List<Secret> secrets = ofType(objects, Secret.class);
        if (expected.exampleSecret()) {
            Secret secret = secrets.get(0);
            assertEquals(expected.secretName(), secret.getMetadata().getName());
            assertTrue(secret.getData() == null || secret.getData().isEmpty(), "the example Secret holds plain placeholders (stringData), nothing encoded");
            for (SecretKeySelector ref : List.of(appUser, appPassword, migrationUser, migrationPassword)) {
                assertTrue(secret.getStringData().containsKey(ref.getKey()), "example Secret has " + ref.getKey());
            }
            secret.getStringData().forEach((key, value) -> {
                if (key.contains("password") || key.contains("secret")) {
                    assertEquals("CHANGE-ME", value, "example Secret " + key + " is a placeholder");
                }
            });
        } else {
            assertTrue(secrets.isEmpty(), "with existingSecret the chart creates no Secret");
        }
    }

    private static SecretKeySelector secretRef(Container container, String variable) {
        EnvVar env = container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " sets " + variable));
        assertNull(env.getValue(), variable + " is not written into the manifest");
        assertNotNull(env.getValueFrom().getSecretKeyRef(), variable + " comes from a Secret");
        return env.getValueFrom().getSecretKeyRef();
    }

    private static void assertProbes(Container app) {
        assertProbe(app, app.getReadinessProbe(), "/health/readiness", "readiness");
        assertProbe(app, app.getLivenessProbe(), "/health/liveness", "liveness");
        assertNotNull(app.getStartupProbe(), "a startup probe");
        HTTPGetAction startup = app.getStartupProbe().getHttpGet();
        assertNotNull(startup, "the startup probe is an HTTP check");
        assertEquals(containerPort(app, startup.getPort()), containerPort(app, app.getLivenessProbe().getHttpGet().getPort()));
        assertTrue(app.getStartupProbe().getFailureThreshold() * app.getStartupProbe().getPeriodSeconds() >= 60,
                "the startup probe allows at least a minute for the JVM to start");
    }

    private static void assertProbe(Container app, Probe probe, String path, String what) {
        assertNotNull(probe, what + " probe");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, what + " probe is an HTTP GET");
        assertEquals(path, get.getPath(), what + " probe path");
        int port = containerPort(app, get.getPort());
        assertEquals(managementPort(app), port, what + " probe hits the management port");
        assertTrue(probe.getTimeoutSeconds() >= 1 && probe.getPeriodSeconds() >= 1);
    }

    private static int managementPort(Container app) {
        return app.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(() -> new AssertionError("the app container names its health and metrics port management"));
    }

    private static int containerPort(Container app, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return app.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    /** Pod Security Standards, "restricted" profile (and "baseline", which it includes). */
    static void assertRestricted(PodSpec pod) {
        assertNotEquals(Boolean.TRUE, pod.getHostNetwork(), "no hostNetwork");
        assertNotEquals(Boolean.TRUE, pod.getHostPID(), "no hostPID");
        assertNotEquals(Boolean.TRUE, pod.getHostIPC(), "no hostIPC");
        PodSecurityContext podContext = pod.getSecurityContext();
        assertNotNull(podContext, "a pod securityContext");
        assertEquals(Boolean.TRUE, podContext.getRunAsNonRoot(), "pod runAsNonRoot");
        assertEquals(UID, podContext.getRunAsUser(), "pod runs as the image's uid");
        assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType(), "pod seccomp RuntimeDefault");
        for (Volume volume : pod.getVolumes()) {
            assertTrue(volume.getEmptyDir() != null || volume.getConfigMap() != null || volume.getSecret() != null
                            || volume.getProjected() != null || volume.getDownwardAPI() != null,
                    "volume " + volume.getName() + " is of a type the restricted profile allows");
        }
        List<Container> containers = Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
        for (Container container : containers) {
            String what = "container " + container.getName();
            SecurityContext context = container.getSecurityContext();
            assertNotNull(context, what + " has a securityContext");
            assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), what + " allowPrivilegeEscalation false");
            assertNotEquals(Boolean.TRUE, context.getPrivileged(), what + " not privileged");
            assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), what + " readOnlyRootFilesystem");
            assertEquals(Boolean.TRUE, context.getRunAsNonRoot(), what + " runAsNonRoot");
            assertNotEquals(0L, Optional.ofNullable(context.getRunAsUser()).orElse((long) UID), what + " not uid 0");
            Capabilities capabilities = context.getCapabilities();
            assertNotNull(capabilities, what + " drops capabilities");
            assertEquals(List.of("ALL"), capabilities.getDrop(), what + " drops ALL capabilities");
            assertTrue(capabilities.getAdd() == null || capabilities.getAdd().isEmpty()
                    || capabilities.getAdd().equals(List.of("NET_BIND_SERVICE")), what + " adds no capability");
            if (context.getSeccompProfile() != null) {
                assertEquals("RuntimeDefault", context.getSeccompProfile().getType(), what + " seccomp");
            }
            assertTrue(container.getPorts() == null || container.getPorts().stream().allMatch(p -> p.getHostPort() == null),
                    what + " uses no hostPort");
        }
    }

    private static void assertResources(Container container) {
        ResourceRequirements resources = container.getResources();
        assertNotNull(resources, container.getName() + " has resources");
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = resources.getRequests().get(resource);
            Quantity limit = resources.getLimits().get(resource);
            assertNotNull(request, container.getName() + " requests " + resource);
            assertNotNull(limit, container.getName() + " limits " + resource);
            assertTrue(Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) <= 0,
                    container.getName() + " " + resource + " request <= limit");
        }
    }

    private static void assertTmpIsEmptyDir(PodSpec pod, Container container) {
        VolumeMount tmp = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts a writable /tmp"));
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + tmp.getName()));
        assertNotNull(volume.getEmptyDir(), "/tmp is an emptyDir");
        assertNotEquals(Boolean.TRUE, tmp.getReadOnly());
    }

    private static void assertShutdown(PodSpec pod, Container app) {
        assertNotNull(app.getLifecycle(), "the app container has a preStop hook");
        List<String> preStop = app.getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.get(0), "preStop pauses");
        int sleep = Integer.parseInt(preStop.get(1));
        assertTrue(sleep > 0, "preStop pauses for a while");
        assertNotNull(pod.getTerminationGracePeriodSeconds());
        assertTrue(pod.getTerminationGracePeriodSeconds() >= sleep + 10,
                "terminationGracePeriodSeconds leaves time for graceful shutdown after the preStop pause");
    }
}
