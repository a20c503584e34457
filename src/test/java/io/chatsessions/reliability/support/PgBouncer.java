package io.chatsessions.reliability.support;

import io.chatsessions.config.DatabaseSettings;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's PgBouncer ({@code /usr/sbin/pgbouncer}, 1.18 on Debian 12) on a loopback port in transaction pooling mode,
 * in front of one PostgreSQL server. PgBouncer refuses to run as root, so as root it drops to the {@code postgres}
 * user ({@code -u}). Tests that need it skip, saying why, where it is not installed ({@code .ci/run} installs it).
 */
public final class PgBouncer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/pgbouncer");
    /**
     * Startup parameters the driver sends that PgBouncer 1.18 does not track: without this it refuses the connection
     * ("unsupported startup parameter"). Ignored here, they must be set on the server instead
     * ({@code ALTER ROLE ... IN DATABASE ... SET search_path = chat, statement_timeout = '3s', lock_timeout = '2s', max_parallel_workers_per_gather = 0}).
     */
    public static final String IGNORED_STARTUP_PARAMETERS = "search_path, statement_timeout, lock_timeout, max_parallel_workers_per_gather, extra_float_digits, options";

    private final int port;
    private final ListeningProcess process;

    private PgBouncer(int port, ListeningProcess process) {
        this.port = port;
        this.process = process;
    }

    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY),
                "PgBouncer is not installed (" + BINARY + "): apt-get install pgbouncer (.ci/run does)");
    }

    /** Transaction pooling, {@code poolSize} server connections per database and user, in front of {@code serverPort}. */
    public static PgBouncer start(String name, int serverPort, String user, String password, int poolSize) {
        assumeInstalled();
        int port = ControllablePostgres.freePort();
        Path dir = Path.of("target", "reliability", "pgbouncer-" + name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"" + password + "\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), """
                    [databases]
                    * = host=127.0.0.1 port=%d
                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir =
                    auth_type = trust
                    auth_file = %s
                    pool_mode = transaction
                    default_pool_size = %d
                    min_pool_size = 0
                    reserve_pool_size = 0
                    max_client_conn = 1000
                    max_db_connections = %d
                    ignore_startup_parameters = %s
                    server_reset_query =
                    admin_users = %s
                    stats_users = %s
                    """.formatted(serverPort, port, dir.resolve("userlist.txt"), poolSize, poolSize,
                    IGNORED_STARTUP_PARAMETERS, user, user));
            List<String> command = new ArrayList<>(List.of(BINARY.toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "postgres"));
            }
            command.add(dir.resolve("pgbouncer.ini").toString());
            return new PgBouncer(port, ListeningProcess.start("pgbouncer", command, dir.resolve("pgbouncer.log"), port,
                    Duration.ofSeconds(20)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The same database, reached through this PgBouncer. */
    public DatabaseSettings via(DatabaseSettings db) {
        return new DatabaseSettings("127.0.0.1", port, db.database(), db.user(), db.password(), db.schema());
    }

    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
