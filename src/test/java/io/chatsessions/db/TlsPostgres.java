package io.chatsessions.db;

import io.chatsessions.testsupport.Programs;
import io.chatsessions.config.DatabaseSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian PostgreSQL server (not zonky's embedded one: its build need not have TLS) that accepts TLS connections
 * only ({@code ssl=on}, {@code hostssl} lines only in pg_hba.conf), with a CA and a server certificate for
 * {@code localhost} made here with openssl, and a second, unrelated CA. As root the server runs as the
 * {@code postgres} user, since initdb refuses root.
 */
final class TlsPostgres implements AutoCloseable {

    static final String PASSWORD = "tls-test-password";
    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asPostgresUser;

    private TlsPostgres(Path dir, Path bin, int port, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Why this machine cannot run the server, or null when it can. */
    static String unavailableReason() {
        if (findBin() == null) {
            return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql-15)";
        }
        if (!Programs.onPath("openssl")) {
            return "openssl is not installed (apt-get install openssl)";
        }
        if (isRoot() && !Programs.onPath("runuser")) {
            return "running as root without runuser: cannot start PostgreSQL as the postgres user";
        }
        return null;
    }

    static TlsPostgres start() throws Exception {
        Path dir = Files.createTempDirectory("pg-tls-");
        TlsPostgres postgres = new TlsPostgres(dir, findBin(), freePort(), isRoot());
        try {
            postgres.makeCertificates();
            postgres.initAndStart();
            return postgres;
        } catch (Exception | Error e) {
            postgres.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    Path otherCaCertificate() {
        return dir.resolve("other-ca.crt");
    }

    /** A fresh database on this server, reached as {@code host} with the given TLS settings. */
    DatabaseSettings createDatabase(String name) throws SQLException {
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres?sslmode=require", "postgres", PASSWORD);
             Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        }
        return new DatabaseSettings("localhost", port, name, "postgres", PASSWORD, DatabaseSettings.DEFAULT_SCHEMA);
    }

    private void makeCertificates() throws Exception {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        for (String ca : List.of("ca", "other-ca")) {
            run(false, "openssl", "req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-keyout", ca + ".key", "-out", ca + ".crt", "-days", "2", "-subj", "/CN=chat-sessions test " + ca,
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        }
        run(false, "openssl", "req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        run(false, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        if (asPostgresUser) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.setOwner(file, owner);
                }
            }
            Files.setOwner(dir, owner);
        }
    }

    private void initAndStart() throws Exception {
        run(true, bin.resolve("initdb").toString(), "-D", "data", "-U", "postgres", "--pwfile=password", "-E", "UTF8",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync");
        // TLS or nothing: no "host" line, so a plain TCP connection is refused whatever its credentials.
        Files.writeString(dir.resolve("data/pg_hba.conf"), "local all all trust\n"
                + "hostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n");
        run(true, bin.resolve("pg_ctl").toString(), "-D", "data", "-l", "server.log", "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=localhost -c unix_socket_directories=" + dir + " -c fsync=off"
                        + " -c ssl=on -c ssl_cert_file=" + dir.resolve("server.crt") + " -c ssl_key_file=" + dir.resolve("server.key"),
                "start");
    }

    private void run(boolean asServerUser, String... command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        Path output = Files.createTempFile("pg-tls-cmd-", ".out");
        try {
            Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish in 90 s");
            }
            if (process.exitValue() != 0) {
                String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                throw new IllegalStateException(String.join(" ", full) + " exited " + process.exitValue() + ":\n"
                        + Files.readString(output) + log);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                run(true, bin.resolve("pg_ctl").toString(), "-D", "data", "-m", "immediate", "-w", "stop");
            }
        } catch (Exception e) {
            System.err.println("TlsPostgres: stopping the server failed: " + e.getMessage());
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findBin() {
        for (String version : List.of("15", "16", "17", "14", "13")) {
            Path bin = Path.of("/usr/lib/postgresql", version, "bin");
            if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))) {
                return bin;
            }
        }
        return null;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
