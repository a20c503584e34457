package io.chatsessions.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dockerfile, read as text (the container suite, io.chatsessions.container, builds and runs it): a multi-stage
 * Maven build, a JRE runtime
 * running as the uid the chart's securityContext expects, `java -jar` as ENTRYPOINT and `serve` as the default
 * command (so `migrate` works as Kubernetes args), and a .dockerignore that keeps the context small.
 */
class DockerfileTest {

    private static List<String> instructions() throws IOException {
        // Joins continuation lines, drops comments and blank lines.
        String text = Files.readString(Deploy.ROOT.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static List<String> args(String instruction) throws IOException {
        List<String> found = instructions().stream().filter(l -> l.startsWith(instruction + " ")).toList();
        return found.stream().map(l -> l.substring(instruction.length() + 1).strip()).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chartValues() throws IOException {
        return new Yaml().load(Files.readString(Deploy.CHART.resolve("values.yaml")));
    }

    @Test
    void multiStageBuildWithTheMavenWrapper() throws IOException {
        List<String> from = args("FROM");
        assertEquals(List.of("${BUILD_IMAGE} AS build", "${RUNTIME_IMAGE}"), from, "a build stage and a runtime stage, bases as arguments");
        // Published glibc bases a user pulls; the container suite builds this file over local stand-ins of the same.
        assertTrue(args("ARG").contains("BUILD_IMAGE=eclipse-temurin:25-jdk-noble"), args("ARG").toString());
        assertTrue(args("ARG").contains("RUNTIME_IMAGE=debian:bookworm-slim"), "glibc, so Netty's epoll loads: " + args("ARG"));
        assertTrue(args("RUN").stream().anyMatch(r -> r.startsWith("jlink ")), "a jlinked Java 25 runtime");
        assertTrue(args("RUN").stream().anyMatch(r -> r.contains("--mount=type=cache") && r.contains("/root/.m2")
                && r.contains("./mvnw") && r.contains("package") && r.contains("-DskipTests")), "Maven's repository is a build cache");
        assertTrue(args("COPY").stream().anyMatch(c -> c.equals("--from=build /build/target/chat-sessions.jar /app/chat-sessions.jar")));
    }

    @Test
    void runsAsTheNonRootUserTheChartExpects() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> pod = (Map<String, Object>) chartValues().get("podSecurityContext");
        List<String> user = args("USER");
        assertEquals(1, user.size());
        assertEquals(pod.get("runAsUser") + ":" + pod.get("runAsGroup"), user.get(0));
        assertFalse(user.get(0).startsWith("0"), "not root");
    }

    @Test
    void entrypointIsJavaJarAndServeIsTheDefaultCommand() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> entrypoint = List.of(json.readValue(args("ENTRYPOINT").get(0), String[].class));
        assertEquals("java", entrypoint.get(0));
        assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=75"), "heap sized from the container's memory limit");
        assertTrue(entrypoint.contains("-XX:+UseCompactObjectHeaders"), "the JVM flags bench/src/Settings.java measures the service with");
        assertTrue(entrypoint.contains("--enable-native-access=ALL-UNNAMED"), "Netty loads its epoll library without a warning");
        assertEquals(List.of("-jar", "/app/chat-sessions.jar"), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertEquals(List.of("serve"), List.of(json.readValue(args("CMD").get(0), String[].class)));
        assertEquals(List.of(chartValues().get("containerPort") + " " + chartValues().get("managementPort")), args("EXPOSE"),
                "the API port and the management port (health, metrics)");
    }

    @Test
    void dockerignoreKeepsTheContextSmallButTheBuildComplete() throws IOException {
        List<String> ignored = Files.readAllLines(Deploy.ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(ignored.containsAll(List.of(".git", "target", "src/test")), ignored.toString());
        for (String needed : List.of("src", "src/main", "db", "pom.xml", "mvnw", ".mvn")) {
            assertFalse(ignored.contains(needed), needed + " is needed by the build");
        }
    }
}
