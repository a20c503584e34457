import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The benchmark's own PostgreSQL: a fresh cluster under the work directory, configured for the run, and psql against it. */
final class Postgres {
    static final String DB = "chat_bench";
    static final String DB_USER = "bench";
    static final String DB_PASSWORD = "bench";

    final Path data;
    final int port;
    final Path bin;
    final boolean root;
    boolean running;

    Postgres(Path data, int port) {
        this.data = data;
        this.port = port;
        this.bin = findBin();
        this.root = "root".equals(System.getProperty("user.name"));
    }

    static Path findBin() {
        String configured = System.getenv("BENCH_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured, "initdb")) ? Path.of(configured) : null;
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Path best = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(v -> Shell.parseIntOr(v.getFileName().toString(), 0))).orElse(null);
                if (best != null) {
                    return best.resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path initdb = Shell.which("initdb");
        return initdb == null ? null : initdb.getParent();
    }

    String version() throws Exception {
        return Shell.execOrFail(List.of(bin.resolve("postgres").toString(), "--version"), Map.of(), 30).trim().replace("postgres (PostgreSQL) ", "");
    }

    List<String> asOwner(String... cmd) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(Arrays.asList(cmd));
        return full;
    }

    void initAndStart() throws Exception {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            Shell.exec(asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), Map.of(),
                    Bench.settings.work.resolve("pg_ctl-stale.log"), 60);
        }
        Shell.deleteTree(data);
        Files.createDirectories(data);
        Path pwfile = Bench.settings.work.resolve("pgpass.txt");
        Files.writeString(pwfile, DB_PASSWORD + "\n");
        if (root) {
            Shell.execOrFail(List.of("chown", "postgres:", data.toString(), pwfile.toString()), Map.of(), 30);
        }
        Shell.execOrFail(asOwner(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", DB_USER, "--pwfile=" + pwfile,
                "--auth-host=md5", "--auth-local=peer", "--no-locale", "-E", "UTF8", "--no-sync"), Map.of(), 120);
        String conf = """

                # chat-sessions benchmark (bench/run.sh): the same server serves pgbench and the service
                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = ''
                max_connections = 300
                shared_buffers = %s
                effective_cache_size = 8GB
                work_mem = 8MB
                maintenance_work_mem = 512MB
                password_encryption = md5
                synchronous_commit = on
                fsync = on
                wal_compression = off
                max_wal_size = 8GB
                checkpoint_timeout = 30min
                random_page_cost = 1.1
                jit = off
                track_io_timing = on
                log_min_messages = warning
                log_checkpoints = on
                """.formatted(port, Bench.settings.sharedBuffers);
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
        Shell.execOrFail(Cpus.on(Bench.settings.dbCpus, asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("server.log").toString(),
                "-w", "-t", "120", "start")), Map.of(), 180);
        running = true;
        // initdb stored the password as SCRAM; md5 makes the many connections of pgbench and the pool cheap to open
        // (SCRAM's 4096 PBKDF2 rounds per connection ate whole 1-s smoke runs on a busy machine).
        psqlAdmin("SET password_encryption = 'md5'; ALTER ROLE " + DB_USER + " PASSWORD '" + DB_PASSWORD + "'");
    }

    void psqlAdmin(String sql) throws Exception {
        Map<String, String> env = libpqEnv();
        env.put("PGDATABASE", "postgres");
        Shell.execOrFail(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql), env, 120);
    }

    long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    }

    void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            Shell.exec(asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"), Map.of(),
                    Bench.settings.work.resolve("pg_ctl-stop.log"), 90);
        } catch (Exception e) {
            System.out.println("could not stop PostgreSQL: " + e.getMessage());
        }
    }

    /** After a successful run: keep the server's log, drop the cluster (gigabytes in a full run) unless BENCH_KEEP_DATA=1. */
    void discard() {
        if (running || "1".equals(System.getenv("BENCH_KEEP_DATA"))) {
            return;
        }
        try {
            if (Files.exists(data.resolve("server.log"))) {
                Files.copy(data.resolve("server.log"), Bench.settings.work.resolve("postgres.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Shell.deleteTree(data);
        } catch (IOException e) {
            System.out.println("could not remove " + data + ": " + e.getMessage());
        }
    }

    /** BENCH_WORK_DIR/pgdata, unless the server's user (postgres, when running as root) cannot reach it: then a temp dir. */
    static Path pgDataDir() throws Exception {
        Path dir = Bench.settings.work.resolve("pgdata");
        if ("root".equals(System.getProperty("user.name"))
                && Shell.exec(List.of("runuser", "-u", "postgres", "--", "test", "-w", Bench.settings.work.toString()), Map.of(), Bench.settings.work.resolve("access.log"), 30) != 0
                && Shell.exec(List.of("runuser", "-u", "postgres", "--", "test", "-x", Bench.settings.work.toString()), Map.of(), Bench.settings.work.resolve("access.log"), 30) != 0) {
            dir = Path.of(System.getProperty("java.io.tmpdir"), "chat-sessions-bench-" + ProcessHandle.current().pid(), "pgdata");
            Files.createDirectories(dir.getParent());
            dir.getParent().toFile().setExecutable(true, false);
            dir.getParent().toFile().setReadable(true, false);
        }
        return dir;
    }

    static Map<String, String> libpqEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(Bench.pg.port));
        env.put("PGUSER", DB_USER);
        env.put("PGPASSWORD", DB_PASSWORD);
        env.put("PGDATABASE", DB);
        env.put("PGOPTIONS", "-c search_path=chat,public");
        env.put("PGAPPNAME", "chat-sessions-bench");
        return env;
    }

    static String psql(String sql) throws Exception {
        return Shell.execOrFail(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql), libpqEnv(), 600);
    }

    static String psqlTuples(String sql) throws Exception {
        return Shell.execOrFail(List.of("psql", "-X", "-q", "-A", "-t", "-F", " ", "-v", "ON_ERROR_STOP=1", "-c", sql), libpqEnv(), 600);
    }

    /**
     * The next transaction id (this call takes one): the difference of two readings, less one, is the number of
     * transactions that wrote (or notified) in between. Exact at once, unlike pg_stat_database, which backends flush late.
     */
    static long xid() throws Exception {
        return Long.parseLong(psqlTuples("SELECT txid_current()").trim());
    }

    static void checkpoint() throws Exception {
        psql("CHECKPOINT");
    }
}
