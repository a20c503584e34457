package io.chatsessions.container;

import com.marcnuri.helm.Helm;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The Helm chart rendered with its default values plus only the image and the database address, and the copy of its
 * Deployment that podman 4.3 can play, adapted where podman cannot do what a kubelet does (each change says why).
 * Ports and probe paths come from the rendered chart, never from constants, so the tests follow the chart.
 */
@SuppressWarnings("unchecked")
final class RenderedPod {

    static final Path CHART = Podman.ROOT.resolve("k8s/helm/chat-sessions");

    private final List<Map<String, Object>> documents;
    /** Container port (as rendered) -> free loopback port it is moved to. */
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();

    private RenderedPod(List<Map<String, Object>> documents) {
        this.documents = documents;
    }

    static RenderedPod render(String image, ContainerDatabase db) {
        int colon = image.lastIndexOf(':');
        String yaml = new Helm(CHART).template().withName("chat-sessions")
                .set("image.repository", image.substring(0, colon)).set("image.tag", image.substring(colon + 1))
                .set("database.host", db.host()).set("database.port", db.port()).set("database.name", db.name())
                .call();
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(yaml).forEach(d -> {
            if (d != null) {
                docs.add((Map<String, Object>) d);
            }
        });
        RenderedPod pod = new RenderedPod(docs);
        for (Map<String, Object> port : list(pod.app().get("ports"))) {
            pod.ports.put((Integer) port.get("containerPort"), freePort());
        }
        return pod;
    }

    Map<String, Object> kind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("the chart renders no " + kind));
    }

    Map<String, Object> podSpec() {
        return map(map(map(kind("Deployment").get("spec")).get("template")).get("spec"));
    }

    Map<String, Object> app() {
        return list(podSpec().get("containers")).get(0);
    }

    Map<String, Object> init() {
        return list(podSpec().get("initContainers")).get(0);
    }

    /** The ConfigMap's settings with the container ports moved to this pod's loopback ports (what `podman run` gets). */
    Map<String, String> config() {
        Map<String, String> data = new LinkedHashMap<>();
        map(kind("ConfigMap").get("data")).forEach((k, v) -> data.put(k, moved(k, String.valueOf(v))));
        return data;
    }

    /** The loopback port and path a probe of the app container names ("startupProbe", "livenessProbe", "readinessProbe"). */
    Endpoint probe(String probe) {
        Map<String, Object> get = map(map(app().get(probe)).get("httpGet"));
        return new Endpoint(ports.get(containerPort(get.get("port"))), (String) get.get("path"));
    }

    /** The loopback port a named (or numbered) container port was moved to, e.g. "http". */
    int port(Object nameOrNumber) {
        return ports.get(containerPort(nameOrNumber));
    }

    private int containerPort(Object nameOrNumber) {
        if (nameOrNumber instanceof Integer number) {
            return number;
        }
        return list(app().get("ports")).stream().filter(p -> nameOrNumber.equals(p.get("name")))
                .map(p -> (Integer) p.get("containerPort")).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + nameOrNumber));
    }

    private String moved(String key, String value) {
        if (!key.startsWith("POSTGRES") && value.matches("\\d+") && ports.containsKey(Integer.parseInt(value))) {
            return String.valueOf(ports.get(Integer.parseInt(value)));
        }
        return value;
    }

    /** The secret's keys (as the chart names them) with the test's credentials. */
    Map<String, String> secretValues(ContainerDatabase db, String jwtSecret) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map<String, Object> container : List.of(init(), app())) {
            for (Map<String, Object> env : list(container.get("env"))) {
                Object from = env.get("valueFrom");
                if (from != null && map(from).get("secretKeyRef") != null) {
                    String key = (String) map(map(from).get("secretKeyRef")).get("key");
                    String value = switch (container.get("name") + "/" + env.get("name")) {
                        case "migrate/POSTGRES_USER" -> db.migrator();
                        case "migrate/POSTGRES_PASSWORD" -> db.migratorPassword();
                        case "migrate/APP_DB_ROLE", "app/POSTGRES_USER" -> db.app();
                        case "app/POSTGRES_PASSWORD" -> db.appPassword();
                        case "app/AUTH_JWT_SECRET" -> jwtSecret;
                        default -> throw new AssertionError("a secret the test does not know: " + env);
                    };
                    keys.put(key, value);
                }
            }
        }
        return keys;
    }

    String secretName() {
        return (String) map(kind("Secret").get("metadata")).get("name");
    }

    /**
     * Writes what `podman kube play` gets: the ConfigMap and the Deployment's pod template as a Pod named podName.
     * Adapted, because podman 4.3 cannot play the rest (see /work/shared/notes/containers.md):
     * <ul>
     *   <li>kind Pod with restartPolicy OnFailure instead of the Deployment: podman 4.3 restarts a Deployment's init
     *       container under restartPolicy Always and then cannot remove it. OnFailure still runs it exactly once first.</li>
     *   <li>no annotations: podman refuses values over 63 characters (the chart's checksum/* annotations).</li>
     *   <li>no {@code ports:} and probes by port number, moved to free loopback ports: podman refuses port mappings with
     *       host networking, and two pods on the host network cannot both listen on the chart's port during a rollout.
     *       The ConfigMap settings that hold a container port (PORT...) move with it.</li>
     *   <li>no Secret document: podman stores a played Secret in a form its secretKeyRef lookup cannot read; the test
     *       creates the podman secret instead ({@link #createSecret}).</li>
     * </ul>
     * Everything else (images, args, env, envFrom, securityContext, resources, volumes, probes' paths and timings) is
     * played as rendered.
     */
    Path writePlayable(String podName, Path dir) throws IOException {
        Map<String, Object> configMap = new LinkedHashMap<>(kind("ConfigMap"));
        Map<String, Object> cmMeta = new LinkedHashMap<>(map(configMap.get("metadata")));
        cmMeta.put("name", podName + "-config");
        configMap.put("metadata", cmMeta);
        configMap.put("data", new LinkedHashMap<>(config()));

        Map<String, Object> template = map(map(kind("Deployment").get("spec")).get("template"));
        Map<String, Object> metadata = new LinkedHashMap<>(map(template.get("metadata")));
        metadata.remove("annotations");
        metadata.put("name", podName);
        Map<String, Object> spec = new LinkedHashMap<>(map(template.get("spec")));
        spec.put("restartPolicy", "OnFailure");
        spec.put("initContainers", list(spec.get("initContainers")).stream().map(c -> container(c, podName)).toList());
        spec.put("containers", list(spec.get("containers")).stream().map(c -> container(c, podName)).toList());
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", metadata);
        pod.put("spec", spec);

        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path file = dir.resolve(podName + ".yaml");
        Files.writeString(file, new Yaml(options).dumpAll(List.of(configMap, pod).iterator()));
        return file;
    }

    private Map<String, Object> container(Map<String, Object> rendered, String podName) {
        Map<String, Object> c = new LinkedHashMap<>(rendered);
        c.remove("ports");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            if (c.get(probe) != null) {
                Map<String, Object> p = new LinkedHashMap<>(map(c.get(probe)));
                Map<String, Object> get = new LinkedHashMap<>(map(p.get("httpGet")));
                get.put("port", ports.get(containerPort(get.get("port"))));
                p.put("httpGet", get);
                c.put(probe, p);
            }
        }
        c.put("envFrom", list(c.get("envFrom")).stream().map(e -> Map.of("configMapRef", Map.of("name", podName + "-config"))).toList());
        c.put("env", list(c.get("env")).stream().map(e -> {
            Map<String, Object> env = new LinkedHashMap<>(e);
            if (env.get("value") != null) {
                env.put("value", moved((String) env.get("name"), String.valueOf(env.get("value"))));
            }
            return env;
        }).toList());
        return c;
    }

    /** The podman secret the played pod's secretKeyRefs read: a flat JSON object of base64 values. */
    void createSecret(ContainerDatabase db, String jwtSecret, Path dir) throws IOException {
        String json = secretValues(db, jwtSecret).entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": \"" + Base64.getEncoder().encodeToString(e.getValue().getBytes()) + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        Path file = dir.resolve("secret.json");
        Files.writeString(file, json);
        Podman.quietly("secret", "rm", secretName());
        Podman.ok("secret", "create", secretName(), file.toString());
        Files.delete(file);
    }

    record Endpoint(int port, String path) {
        String url() {
            return "http://127.0.0.1:" + port + path;
        }
    }

    static Map<String, Object> map(Object o) {
        assertNotNull(o);
        return (Map<String, Object>) o;
    }

    static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
