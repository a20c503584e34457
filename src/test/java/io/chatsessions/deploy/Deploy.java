package io.chatsessions.deploy;

import com.marcnuri.helm.Helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the deployment files are, and how the tests render them. */
final class Deploy {

    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("k8s");
    static final Path CHART = K8S.resolve("helm/chat-sessions");
    /** The second value set: existing Secret, Ingress, HPA, JWKS. */
    static final Path PRODUCTION_VALUES = CHART.resolve("ci/production-values.yaml");
    /** The plain manifests, rendered from the chart with its default values. */
    static final Path RENDERED = K8S.resolve("base/chat-sessions.yaml");
    static final String RELEASE = "chat-sessions";

    /**
     * Set to true to turn "tool not installed" skips (kubectl, docker-compose, psql) into failures, e.g. in CI:
     * {@code ./mvnw verify -Dchat.deploy.requireTools=true}.
     */
    static final boolean REQUIRE_TOOLS = Boolean.getBoolean("chat.deploy.requireTools");

    private Deploy() {
    }

    /** {@code helm template chat-sessions k8s/helm/chat-sessions [-f values]}, in-process. */
    static String template(Path... valuesFiles) {
        var command = new Helm(CHART).template().withName(RELEASE);
        for (Path values : valuesFiles) {
            command = command.withValuesFile(values);
        }
        return command.call();
    }

    /** Runs a command from the project root; returns its exit code and combined output. */
    static Result run(List<String> command, java.util.Map<String, String> env) throws IOException, InterruptedException {
        Path output = Files.createTempFile("deploy-test-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    record Result(int exitCode, String output) {
    }
}
