package io.chatsessions.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.chatsessions.container.Podman.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The image, built once per test JVM from the repository's Dockerfile, unchanged: only its base-image arguments point at
 * local stand-ins of the same distribution and JDK (src/test/resources/container/stand-ins.sh), and Maven reads the
 * host's repository first (read-only) so the build downloads only what the host lacks. Podman's layer cache makes a
 * rebuild with unchanged sources take seconds.
 */
final class ContainerImage {

    static final String NAME = "localhost/chat-sessions:container-test";
    /** The bound README documents: a Debian slim base (~120 MB), a jlinked Java 25 runtime and the jar. */
    static final long MAX_SIZE_BYTES = 400L * 1024 * 1024;

    private static Built built;

    private ContainerImage() {
    }

    record Built(String name, double buildSeconds, long sizeBytes, String buildLog) {
    }

    static synchronized Built get() {
        Podman.assumeAvailable();
        if (built == null) {
            built = build();
        }
        return built;
    }

    private static Built build() {
        Podman.Result standIns = Podman.run(List.of("bash", "src/test/resources/container/stand-ins.sh"), Map.of(), 900);
        assertEquals(0, standIns.exitCode(), () -> "stand-in base images:\n" + standIns.output());
        List<String> args = new ArrayList<>(List.of("build", "--network", "host", "-t", NAME, "-f", "Dockerfile"));
        standIns.output().lines().filter(l -> l.matches("(BUILD|RUNTIME)_IMAGE=.+"))
                .forEach(l -> args.addAll(List.of("--build-arg", l)));
        Path hostRepository = Path.of(System.getProperty("user.home"), ".m2", "repository");
        if (Files.isDirectory(hostRepository)) {
            args.addAll(List.of("-v", hostRepository + ":/host-m2:ro", "--build-arg",
                    "MAVEN_ARGS=-Daether.chainedLocalRepository.paths=/host-m2 -Daether.chainedLocalRepository.ignoreTailAvailability=true"));
        }
        args.add(".");
        long start = System.nanoTime();
        Podman.Result build = Podman.podman(args, 900);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, build.exitCode(), () -> "podman build:\n" + build.output());
        long size = Long.parseLong(ok("image", "inspect", NAME, "--format", "{{.Size}}"));
        System.out.printf("[container] image %s built in %.1f s (stand-ins included), size %.1f MiB%n", NAME, seconds, size / 1048576.0);
        return new Built(NAME, seconds, size, build.output());
    }

    /**
     * The image with one more migration in its jar (as a release that adds V2 would ship), built from the tested
     * image in seconds instead of a second Maven build.
     */
    static String withMigration(String tag, String fileName, String sql) {
        String base = get().name();
        String name = "localhost/chat-sessions:" + tag;
        try {
            Path dir = Files.createDirectories(Podman.work().resolve(tag));
            Path migration = Files.createDirectories(dir.resolve("db/migration")).resolve(fileName);
            Files.writeString(migration, sql);
            String container = ok("create", base);
            try {
                ok("cp", container + ":/app/chat-sessions.jar", dir.resolve("chat-sessions.jar").toString());
            } finally {
                Podman.quietly("rm", "-f", container);
            }
            Path jar = Path.of(System.getProperty("java.home"), "bin", "jar");
            Podman.Result update = Podman.run(List.of(jar.toString(), "uf", dir.resolve("chat-sessions.jar").toString(),
                    "-C", dir.toString(), "db/migration/" + fileName), Map.of(), 120);
            assertEquals(0, update.exitCode(), update::output);
            Files.writeString(dir.resolve("Containerfile"), "FROM " + base + "\nCOPY chat-sessions.jar /app/chat-sessions.jar\n");
            ok("build", "-q", "-t", name, dir.toString());
            return name;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
