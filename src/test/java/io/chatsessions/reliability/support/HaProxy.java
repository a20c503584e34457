package io.chatsessions.reliability.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Debian's HAProxy on a loopback port, HTTP mode, round robin over service instances: every request (not every
 * connection) goes to the next instance, so a client's retry normally lands on another one.
 */
public final class HaProxy implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/haproxy");
    private final int port;
    private final ListeningProcess process;

    private HaProxy(int port, ListeningProcess process) {
        this.port = port;
        this.process = process;
    }

    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "HAProxy is not installed (" + BINARY + "): apt-get install haproxy (.ci/run does)");
    }

    public static HaProxy roundRobin(List<Integer> servicePorts) {
        assumeInstalled();
        int port = ControllablePostgres.freePort();
        Path dir = Path.of("target", "reliability", "haproxy-" + ProcessHandle.current().pid() + "-" + port).toAbsolutePath();
        String servers = IntStream.range(0, servicePorts.size())
                .mapToObj(i -> "    server app" + i + " 127.0.0.1:" + servicePorts.get(i))
                .collect(Collectors.joining("\n"));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("haproxy.cfg"), """
                    global
                        maxconn 2000
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 30s
                        timeout server 30s
                    frontend api
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        balance roundrobin
                    %s
                    """.formatted(port, servers));
            return new HaProxy(port, ListeningProcess.start("haproxy",
                    List.of(BINARY.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString()),
                    dir.resolve("haproxy.log"), port, Duration.ofSeconds(20)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        process.close();
    }
}
