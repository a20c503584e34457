package io.chatsessions.container;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.chatsessions.container.Podman.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11, item 1: `podman build` of the repository's Dockerfile, and what the image is. */
class ContainerImageTest {

    @Test
    void theDockerfileBuildsAnImageWithinItsSizeBound() {
        ContainerImage.Built image = ContainerImage.get();
        assertEquals(image.name(), "localhost/" + ok("image", "inspect", image.name(), "--format", "{{index .RepoTags 0}}")
                .replaceFirst("^localhost/", ""));
        System.out.printf("[container] image size %.1f MiB (bound %d MiB)%n", image.sizeBytes() / 1048576.0,
                ContainerImage.MAX_SIZE_BYTES / 1048576);
        assertTrue(image.sizeBytes() < ContainerImage.MAX_SIZE_BYTES, () -> "image size " + image.sizeBytes());
        assertEquals("10001:10001", ok("image", "inspect", image.name(), "--format", "{{.Config.User}}"));
        assertEquals("[serve]", ok("image", "inspect", image.name(), "--format", "{{.Config.Cmd}}"));
    }

    /** As the image's user, nothing outside /tmp is writable (/var/tmp is a link to it); the jar is root's. */
    @Test
    void theAppUserCanWriteOnlyTmp() {
        String image = ContainerImage.get().name();
        String out = ok("run", "--rm", "--network", "host", "--entrypoint", "sh", image, "-c",
                "id -u; id -g; find / -xdev \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o -writable -print"
                        + " 2>/dev/null | xargs -r realpath | sort -u; stat -c '%U %a' /app/chat-sessions.jar");
        List<String> lines = out.lines().toList();
        assertEquals(List.of("10001", "10001"), lines.subList(0, 2), out);
        List<String> writable = lines.subList(2, lines.size() - 1);
        assertTrue(writable.stream().allMatch(p -> Path.of(p).startsWith("/tmp")), () -> "writable outside /tmp: " + writable);
        assertEquals("root 644", lines.get(lines.size() - 1));
    }

    /** The runtime the benchmark measured: Java 25 with compact object headers, and Netty's epoll library for this CPU. */
    @Test
    void theRuntimeIsJava25WithTheNativeTransportLibrary() {
        String image = ContainerImage.get().name();
        String version = ok("run", "--rm", "--network", "host", "--entrypoint", "java", image,
                "-XX:+UseCompactObjectHeaders", "-version");
        assertTrue(version.contains("version \"25"), version);
        List<String> natives = jarEntries(image).stream().filter(e -> e.contains("libnetty_transport_native_epoll")).toList();
        assertTrue(natives.stream().anyMatch(e -> e.endsWith("_x86_64.so")), natives::toString);
        assertTrue(natives.stream().anyMatch(e -> e.endsWith("_aarch_64.so")), natives::toString);
    }

    private static List<String> jarEntries(String image) {
        try {
            Path jar = Podman.work().resolve("image-jar.jar");
            String container = ok("create", image);
            try {
                ok("cp", container + ":/app/chat-sessions.jar", jar.toString());
            } finally {
                Podman.quietly("rm", "-f", container);
            }
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                return zip.stream().map(java.util.zip.ZipEntry::getName).toList();
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
