// The chat-sessions benchmark driver: `bench/run.sh [--smoke] [--profile] [--build]` runs it as a single-file Java
// program (JDK only, no build step, no dependencies). See BENCHMARKS.md for what it measures and how.

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public final class Bench {

    static final String FIRST_LINE = "chat-sessions benchmark: the service over HTTP (wrk) vs PostgreSQL running the service's own SQL (pgbench), "
            + "side by side in one run%s - throughput, p50/p99 latency and the service/pgbench ratio for append one, batch append, "
            + "read newest 50, list 20 sessions and a 60/20/20 mix at %s connections; the service's peak RSS and CPU seconds "
            + "per 1,000 requests; p99 at 70%% of peak; read/list latency vs history size with EXPLAIN (ANALYZE, BUFFERS)%s";

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path BENCH = ROOT.resolve("bench");
    static final String DB = "chat_bench";
    static final String DB_USER = "bench";
    static final String DB_PASSWORD = "bench";
    static final String JWT_SECRET = "chat-sessions-benchmark-secret-0123456789abcdef";
    static final long CLK_TCK = 100;

    /** The five measured operations: key (wrk op), title, pgbench scripts with weights, target ratio (NaN = none). */
    enum Op {
        APPEND("append", "append one", "append one", "append_one.sql", 0.80),
        BATCH("batch", "batch append (user+assistant)", "batch append", "append_batch.sql", 0.80),
        READ("read", "read newest 50", "read newest 50", "read_newest.sql", 0.60),
        LIST("list", "list 20 sessions", "list 20 sessions", "list_sessions.sql", 0.60),
        MIX("mix", "mix 60% read/20% list/20% append", "mix 60/20/20", "read_newest.sql@60 list_sessions.sql@20 append_one.sql@20", Double.NaN);

        final String key;
        final String title;
        final String shortTitle;
        final String scripts;
        final double target;

        Op(String key, String title, String shortTitle, String scripts, double target) {
            this.key = key;
            this.title = title;
            this.shortTitle = shortTitle;
            this.scripts = scripts;
            this.target = target;
        }
    }

    // ------------------------------------------------------------------------------------------------ settings

    static final class Settings {
        boolean smoke;
        boolean profile;
        boolean build;
        boolean updateDocs;
        int users;
        int sessionsPerUser;
        int listSmall;
        int listLarge;
        int[] readSizes;
        int duration;
        int warmup;
        int warmupMax;
        int scaleDuration;
        List<Integer> connections;
        List<Op> ops;
        int threads;
        String sharedBuffers;
        Path work;
        Path results;
        List<String> javaCmd;
        boolean customJavaCmd;
        /** CPUs PostgreSQL runs on, and CPUs the service, wrk and pgbench run on; null = no pinning (all share). */
        String dbCpus;
        String clientCpus;
        boolean sharedPass;
    }

    static Settings settings(String[] args) {
        Settings s = new Settings();
        for (String arg : args) {
            switch (arg) {
                case "--smoke" -> s.smoke = true;
                case "--profile" -> s.profile = true;
                case "--build" -> s.build = true;
                case "-h", "--help" -> {
                    System.out.println("usage: bench/run.sh [--smoke] [--profile] [--build]   (see BENCHMARKS.md for the BENCH_* settings)");
                    System.exit(0);
                }
                default -> throw new Failure("unknown argument " + arg + " (usage: bench/run.sh [--smoke] [--profile] [--build])");
            }
        }
        Map<String, String> env = System.getenv();
        if (s.smoke) {
            s.users = 20;
            s.sessionsPerUser = 10;
            s.listSmall = 10;
            s.listLarge = 300;
            s.readSizes = new int[] {10, 300, 1000};
            s.duration = 1;
            s.warmup = 1;
            s.scaleDuration = 1;
            s.sharedBuffers = "128MB";
        } else {
            s.users = 10_000;
            s.sessionsPerUser = 10;
            s.listSmall = 10;
            s.listLarge = 10_000;
            s.readSizes = new int[] {10, 10_000, 100_000};
            s.duration = 15;
            s.warmup = 3;
            s.scaleDuration = 5;
            s.sharedBuffers = "2GB";
        }
        s.users = intEnv(env, "BENCH_USERS", s.users);
        s.duration = intEnv(env, "BENCH_DURATION", s.duration);
        s.warmup = intEnv(env, "BENCH_WARMUP", s.warmup);
        s.warmupMax = intEnv(env, "BENCH_WARMUP_MAX", s.smoke ? 1 : 180);
        s.scaleDuration = intEnv(env, "BENCH_SCALE_DURATION", s.scaleDuration);
        s.threads = intEnv(env, "BENCH_THREADS", 2);
        s.connections = Arrays.stream(env.getOrDefault("BENCH_CONNECTIONS", "16,64").split(","))
                .map(String::trim).filter(x -> !x.isEmpty()).map(Integer::parseInt).toList();
        String ops = env.getOrDefault("BENCH_OPS", "append,batch,read,list,mix");
        s.ops = new ArrayList<>();
        for (String key : ops.split(",")) {
            Op op = Arrays.stream(Op.values()).filter(o -> o.key.equals(key.trim())).findFirst()
                    .orElseThrow(() -> new Failure("BENCH_OPS: unknown operation '" + key + "' (append, batch, read, list, mix)"));
            s.ops.add(op);
        }
        s.work = ROOT.resolve(env.getOrDefault("BENCH_WORK_DIR", s.smoke ? "target/bench-smoke" : "target/bench")).toAbsolutePath();
        s.updateDocs = !s.smoke && !"0".equals(env.get("BENCH_UPDATE_DOCS"));
        s.results = s.updateDocs ? BENCH.resolve("results") : s.work.resolve("results");
        String layout = env.getOrDefault("BENCH_CPU_LAYOUT", "split").trim();
        List<Integer> cpus = allowedCpus();
        if (!layout.equals("split") && !layout.equals("shared")) {
            throw new Failure("BENCH_CPU_LAYOUT must be split or shared, got '" + layout + "'");
        }
        if (layout.equals("split") && cpus.size() >= 2 && which("taskset") != null) {
            // PostgreSQL gets the upper half of the CPUs to itself; the clients (service + wrk, or pgbench) the lower half.
            s.clientCpus = cpus.subList(0, cpus.size() / 2).stream().map(String::valueOf).collect(Collectors.joining(","));
            s.dbCpus = cpus.subList(cpus.size() / 2, cpus.size()).stream().map(String::valueOf).collect(Collectors.joining(","));
            s.sharedPass = !"0".equals(env.get("BENCH_SHARED_PASS"));
        }
        String cmd = env.get("BENCH_JAVA_CMD");
        s.customJavaCmd = cmd != null && !cmd.isBlank();
        if (s.customJavaCmd) {
            s.javaCmd = List.of(cmd.trim().split("\\s+"));
        } else {
            List<String> java = new ArrayList<>(List.of(javaExecutable()));
            if (Runtime.version().feature() >= 25) {
                java.addAll(IMAGE_JVM_FLAGS); // the service as the image runs it
            }
            java.addAll(List.of("-jar", "target/chat-sessions.jar"));
            s.javaCmd = List.copyOf(java);
        }
        return s;
    }

    /** The CPUs this process may run on (Cpus_allowed_list), so pinning never names a CPU the container lacks. */
    static List<Integer> allowedCpus() {
        List<Integer> cpus = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.trim().split("-");
                        int from = Integer.parseInt(ends[0]);
                        int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
                        for (int cpu = from; cpu <= to; cpu++) {
                            cpus.add(cpu);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return cpus;
    }

    /** Moves a running process, every thread of it, to these CPUs. */
    static void pin(long pid, String cpus) throws Exception {
        execOrFail(List.of("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid)), Map.of(), 30);
    }

    static String layoutPhrase() {
        return S.dbCpus == null ? ", every process on every CPU"
                : ", PostgreSQL on a CPU of its own so pgbench measures the database's limit (then a shared-CPU pass for comparison)";
    }

    /** The CPU layout in words, for the report. */
    static String layoutDescription() {
        return S.dbCpus == null
                ? "shared: PostgreSQL, the service and the load generator all run on every CPU"
                : "split: PostgreSQL alone on CPU " + S.dbCpus + "; the service and wrk, or pgbench, on CPU " + S.clientCpus;
    }

    static List<String> on(String cpus, List<String> cmd) {
        if (cpus == null) {
            return cmd;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
        pinned.addAll(cmd);
        return pinned;
    }

    /** The service's default page of messages (GET .../messages without limit); pgbench's default -D page. */
    static final int SERVICE_PAGE = 50;

    /** The performance-relevant JVM flags of the Dockerfile's ENTRYPOINT (a Java 25 runtime), added on Java 25+. */
    static final List<String> IMAGE_JVM_FLAGS = List.of("-XX:+UseCompactObjectHeaders", "--enable-native-access=ALL-UNNAMED");

    static int intEnv(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new Failure(name + " must be an integer, got '" + value + "'");
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ------------------------------------------------------------------------------------------------ main

    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    static Settings S;
    static final long START = System.nanoTime();
    static PrintStream log;
    static Postgres pg;
    static Service service;

    public static void main(String[] args) {
        int status;
        try {
            S = settings(args);
            status = run();
        } catch (Failure e) {
            System.out.println("FAILED: " + e.getMessage());
            status = 1;
        } catch (Exception | Error e) {
            System.out.println("FAILED: " + e);
            e.printStackTrace(System.out);
            status = 1;
        } finally {
            shutdown();
        }
        System.exit(status);
    }

    static synchronized void shutdown() {
        if (service != null) {
            service.stop();
            service = null;
        }
        if (pg != null) {
            pg.stop();
            if (succeeded) {
                pg.discard();
            }
            pg = null;
        }
    }

    static volatile boolean succeeded;

    static int run() throws Exception {
        String conns = S.connections.stream().map(String::valueOf).collect(Collectors.joining(" and "));
        System.out.println(String.format(FIRST_LINE, layoutPhrase(), conns, S.smoke ? " [SMOKE RUN: tiny data, 1 s per measurement, figures meaningless]" : ""));
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::shutdown));
        Files.createDirectories(S.work);
        Files.createDirectories(S.results);
        log = new PrintStream(Files.newOutputStream(S.work.resolve("bench.log")), true, StandardCharsets.UTF_8);

        checkTools();
        prepareJar();

        pg = new Postgres(pgDataDir(), freePort());
        step("starting PostgreSQL %s on 127.0.0.1:%d (data in %s)", pg.version(), pg.port, ROOT.relativize(pg.data));
        pg.initAndStart();
        pg.psqlAdmin("CREATE DATABASE " + DB);

        step("migrating the schema: %s migrate", String.join(" ", S.javaCmd));
        runJava(List.of("migrate"), S.work.resolve("migrate.log"), 300);

        Data data = load();
        service = Service.start();
        sanityCheck(data);

        List<Row> rows = new ArrayList<>();
        Profiler profiler = S.profile ? new Profiler() : null;
        data.warmup = warmup(data);
        for (Op op : S.ops) {
            for (int c : S.connections) {
                rows.add(measure(op, c, data, false));
            }
        }
        Measure paced = pacedRun(rows, data);
        List<ScaleCase> scale = scaleCheck(data);
        List<Row> sharedRows = S.sharedPass ? sharedPass(data) : List.of();
        long hwm = service.status("VmHWM");
        long rss = service.status("VmRSS");
        int poolTimeoutsTotal = service.poolTimeouts(0);
        if (profiler != null) {
            // Separate runs, after every measurement: a recording never weighs on a measured figure.
            int c = S.connections.stream().max(Integer::compare).orElseThrow();
            step("profiling (JFR, settings=profile): %d s per operation at %d connections, not part of the figures above", S.duration, c);
            for (Op op : S.ops) {
                profiler.start(service, op.key + "-" + c);
                Measure m = wrkRun(op.key, c, S.duration, data.sessions, data.users, 0);
                profiler.stop(service, op.key + "-" + c, m);
            }
        }
        service.stop();
        String profile = profiler == null ? null : profiler.report();
        service = null;

        String report = report(data, rows, sharedRows, paced, scale, hwm, rss, poolTimeoutsTotal, profile);
        System.out.println();
        System.out.println(report);
        Path svg = S.results.resolve("ratios.svg");
        List<Row> plotted = new ArrayList<>(rows);
        plotted.addAll(sharedRows);
        Files.writeString(svg, svg(plotted, data));
        Files.writeString(S.results.resolve("latest.md"), report);
        if (S.updateDocs) {
            updateBenchmarksMd(report);
            step("wrote %s, %s and the results section of BENCHMARKS.md", ROOT.relativize(svg), ROOT.relativize(S.results.resolve("latest.md")));
        } else {
            step("wrote %s and %s", ROOT.relativize(svg), ROOT.relativize(S.results.resolve("latest.md")));
        }
        long errors = plotted.stream().mapToLong(r -> r.service.errors + r.pgbench.errors).sum()
                + (paced == null ? 0 : paced.errors) + scale.stream().mapToLong(c -> c.service.errors + c.pgbench.errors).sum();
        System.out.printf(Locale.ROOT, "done in %s: %d measurements, %d errors, %d pool-acquire timeouts%n",
                elapsed(), plotted.size() * 2 + scale.size() * 2 + (paced == null ? 0 : 1), errors, poolTimeoutsTotal);
        succeeded = true;
        return errors == 0 ? 0 : 3;
    }

    static void step(String format, Object... args) {
        String line = String.format(Locale.ROOT, "[%s] ", elapsed()) + String.format(Locale.ROOT, format, args);
        System.out.println(line);
        System.out.flush();
        if (log != null) {
            log.println(line);
        }
    }

    static String elapsed() {
        long s = (System.nanoTime() - START) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    // ------------------------------------------------------------------------------------------------ tools

    static void checkTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("wrk", "pgbench", "psql")) {
            if (which(tool) == null) {
                missing.add(tool);
            }
        }
        if (Postgres.findBin() == null) {
            missing.add("PostgreSQL server (initdb, pg_ctl, postgres; set BENCH_PG_BIN to their directory)");
        }
        if (!missing.isEmpty()) {
            throw new Failure("missing " + String.join(", ", missing)
                    + " - on Debian: apt-get install -y wrk postgresql postgresql-contrib");
        }
    }

    static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static void prepareJar() throws Exception {
        if (S.customJavaCmd) {
            return;
        }
        Path jar = ROOT.resolve("target/chat-sessions.jar");
        if (S.build || !Files.exists(jar)) {
            step("building target/chat-sessions.jar: ./mvnw -q -B package -DskipTests");
            int code = exec(List.of(ROOT.resolve("mvnw").toString(), "-q", "-B", "package", "-DskipTests"), Map.of(),
                    S.work.resolve("build.log"), 1200);
            if (code != 0 || !Files.exists(jar)) {
                throw new Failure("the build failed, see " + S.work.resolve("build.log"));
            }
            return;
        }
        long jarTime = Files.getLastModifiedTime(jar).toMillis();
        try (Stream<Path> files = Stream.concat(Files.walk(ROOT.resolve("src/main")), Files.walk(ROOT.resolve("db")))) {
            List<Path> newer = files.filter(Files::isRegularFile)
                    .filter(p -> p.toFile().lastModified() > jarTime).limit(3).toList();
            if (!newer.isEmpty()) {
                step("WARNING: target/chat-sessions.jar is older than %s%s - measuring the old jar (run with --build to rebuild)",
                        ROOT.relativize(newer.get(0)), newer.size() > 1 ? " and others" : "");
            }
        }
    }

    /** BENCH_WORK_DIR/pgdata, unless the server's user (postgres, when running as root) cannot reach it: then a temp dir. */
    static Path pgDataDir() throws Exception {
        Path dir = S.work.resolve("pgdata");
        if ("root".equals(System.getProperty("user.name"))
                && exec(List.of("runuser", "-u", "postgres", "--", "test", "-w", S.work.toString()), Map.of(), S.work.resolve("access.log"), 30) != 0
                && exec(List.of("runuser", "-u", "postgres", "--", "test", "-x", S.work.toString()), Map.of(), S.work.resolve("access.log"), 30) != 0) {
            dir = Path.of(System.getProperty("java.io.tmpdir"), "chat-sessions-bench-" + ProcessHandle.current().pid(), "pgdata");
            Files.createDirectories(dir.getParent());
            dir.getParent().toFile().setExecutable(true, false);
            dir.getParent().toFile().setReadable(true, false);
        }
        return dir;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Runs a command with its output to a file; returns the exit code. */
    static int exec(List<String> cmd, Map<String, String> env, Path output, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectOutput(output.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new Failure("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + " (output in " + output + ")");
        }
        return p.exitValue();
    }

    static String execOrFail(List<String> cmd, Map<String, String> env, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile(S.work, "cmd", ".log");
        try {
            int code = exec(cmd, env, out, timeoutSeconds);
            String text = Files.readString(out);
            if (code != 0) {
                throw new Failure(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 6))) + " ... exited " + code + ":\n" + tail(text, 40));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    static Map<String, String> dbEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", String.valueOf(pg.port));
        env.put("POSTGRES_DB", DB);
        env.put("POSTGRES_USER", DB_USER);
        env.put("POSTGRES_PASSWORD", DB_PASSWORD);
        env.put("AUTH_JWT_SECRET", JWT_SECRET);
        return env;
    }

    static Map<String, String> libpqEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(pg.port));
        env.put("PGUSER", DB_USER);
        env.put("PGPASSWORD", DB_PASSWORD);
        env.put("PGDATABASE", DB);
        env.put("PGOPTIONS", "-c search_path=chat,public");
        env.put("PGAPPNAME", "chat-sessions-bench");
        return env;
    }

    static void runJava(List<String> args, Path output, long timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>(S.javaCmd);
        cmd.addAll(args);
        int code = exec(cmd, dbEnv(), output, timeoutSeconds);
        if (code != 0) {
            throw new Failure(String.join(" ", cmd) + " exited " + code + ":\n" + tail(Files.readString(output), 30));
        }
    }

    static String psql(String sql) throws Exception {
        return execOrFail(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql), libpqEnv(), 600);
    }

    static String psqlTuples(String sql) throws Exception {
        return execOrFail(List.of("psql", "-X", "-q", "-A", "-t", "-F", " ", "-v", "ON_ERROR_STOP=1", "-c", sql), libpqEnv(), 600);
    }

    // ------------------------------------------------------------------------------------------------ PostgreSQL

    static final class Postgres {
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
                            .max(Comparator.comparingInt(v -> parseIntOr(v.getFileName().toString(), 0))).orElse(null);
                    if (best != null) {
                        return best.resolve("bin");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Path initdb = which("initdb");
            return initdb == null ? null : initdb.getParent();
        }

        String version() throws Exception {
            return execOrFail(List.of(bin.resolve("postgres").toString(), "--version"), Map.of(), 30).trim().replace("postgres (PostgreSQL) ", "");
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
                exec(asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), Map.of(),
                        S.work.resolve("pg_ctl-stale.log"), 60);
            }
            deleteTree(data);
            Files.createDirectories(data);
            Path pwfile = S.work.resolve("pgpass.txt");
            Files.writeString(pwfile, DB_PASSWORD + "\n");
            if (root) {
                execOrFail(List.of("chown", "postgres:", data.toString(), pwfile.toString()), Map.of(), 30);
            }
            execOrFail(asOwner(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", DB_USER, "--pwfile=" + pwfile,
                    "--auth-host=md5", "--auth-local=peer", "--no-locale", "-E", "UTF8", "--no-sync"), Map.of(), 120);
            String conf = """

                    # chat-sessions benchmark (bench/Bench.java): the same server serves pgbench and the service
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
                    """.formatted(port, S.sharedBuffers);
            Files.writeString(data.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
            execOrFail(on(S.dbCpus, asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("server.log").toString(),
                    "-w", "-t", "120", "start")), Map.of(), 180);
            running = true;
            // initdb stored the password as SCRAM; md5 makes the many connections of pgbench and the pool cheap to open
            // (SCRAM's 4096 PBKDF2 rounds per connection ate whole 1-s smoke runs on a busy machine).
            psqlAdmin("SET password_encryption = 'md5'; ALTER ROLE " + DB_USER + " PASSWORD '" + DB_PASSWORD + "'");
        }

        void psqlAdmin(String sql) throws Exception {
            Map<String, String> env = libpqEnv();
            env.put("PGDATABASE", "postgres");
            execOrFail(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql), env, 120);
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
                exec(asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"), Map.of(),
                        S.work.resolve("pg_ctl-stop.log"), 90);
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
                    Files.copy(data.resolve("server.log"), S.work.resolve("postgres.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                deleteTree(data);
            } catch (IOException e) {
                System.out.println("could not remove " + data + ": " + e.getMessage());
            }
        }
    }

    static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ data

    static final class Data {
        long sessionCount;
        long messageCount;
        long userCount;
        String messagesSize;
        String databaseSize;
        double loadSeconds;
        Path dir;
        Path sessions;
        Path users;
        Path noSessions;
        Properties turn;
        List<String> pgbenchVars = new ArrayList<>();
        String warmup = "none";
    }

    static Data load() throws Exception {
        Data d = new Data();
        d.dir = S.work.resolve("data");
        Files.createDirectories(d.dir);
        String sizes = Arrays.stream(S.readSizes).mapToObj(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        step("loading data: %,d users x %d sessions (2..18 messages each), scale users with %d and %,d sessions and sessions of %s messages",
                S.users, S.sessionsPerUser, S.listSmall, S.listLarge, sizes);
        long t0 = System.nanoTime();
        String out = execOrFail(List.of("psql", "-X", "-q", "-A", "-F", " ", "-v", "ON_ERROR_STOP=1",
                "-v", "users=" + S.users, "-v", "spu=" + S.sessionsPerUser, "-v", "list_small=" + S.listSmall,
                "-v", "list_large=" + S.listLarge, "-v", "read_sizes=" + sizes,
                "-f", BENCH.resolve("sql/functions.sql").toString(), "-f", BENCH.resolve("sql/load.sql").toString()), libpqEnv(), 1800);
        d.loadSeconds = (System.nanoTime() - t0) / 1e9;
        Matcher summary = Pattern.compile("(?m)^(\\d+) (\\d+) (\\d+) (\\S+ \\S+) (\\S+ \\S+)$").matcher(out);
        if (!summary.find()) {
            throw new Failure("unexpected output of load.sql:\n" + tail(out, 20));
        }
        String[] counts = {summary.group(1), summary.group(2), summary.group(3), summary.group(4), summary.group(5)};
        d.sessionCount = Long.parseLong(counts[0]);
        d.messageCount = Long.parseLong(counts[1]);
        d.userCount = Long.parseLong(counts[2]);
        d.messagesSize = counts[3];
        d.databaseSize = counts[4];
        step("loaded %,d sessions, %,d messages of %,d users in %.0f s (messages %s, database %s)",
                d.sessionCount, d.messageCount, d.userCount, d.loadSeconds, d.messagesSize, d.databaseSize);

        // Tokens for every user, signed here (HS256), valid for the whole run.
        long now = Instant.now().getEpochSecond();
        StringBuilder users = new StringBuilder();
        for (int u = 1; u <= S.users; u++) {
            users.append("user-").append(u).append(' ').append(jwt("user-" + u, now - 60, now + 6 * 3600)).append('\n');
        }
        d.users = d.dir.resolve("users.txt");
        Files.writeString(d.users, users);
        for (int extra = 1; extra <= 3; extra++) {
            String user = "user-" + (S.users + extra);
            Files.writeString(d.dir.resolve("user-scale-" + extra + ".txt"), user + " " + jwt(user, now - 60, now + 6 * 3600) + "\n");
        }
        d.noSessions = d.dir.resolve("no-sessions.txt");
        Files.writeString(d.noSessions, "");
        d.sessions = d.dir.resolve("sessions.txt");
        Files.writeString(d.sessions, psqlTuples("SELECT id, user_id FROM chat.sessions WHERE id <= bench.session_id("
                + ((long) S.users * 100000 + 99999) + ") ORDER BY id"));
        for (int i = 0; i < S.readSizes.length; i++) {
            long sidx = (long) (S.users + 3) * 100000 + i + 1;
            Files.writeString(d.dir.resolve("session-scale-" + (i + 1) + ".txt"),
                    psqlTuples("SELECT id, user_id FROM chat.sessions WHERE id = bench.session_id(" + sidx + ")"));
        }

        // The chat turn both sides write.
        d.turn = new Properties();
        try (Reader r = Files.newBufferedReader(BENCH.resolve("payload/turn.properties"), StandardCharsets.UTF_8)) {
            d.turn.load(r);
        }
        Properties t = d.turn;
        String userMessage = "{\"role\":\"user\",\"content\":" + jsonString(t.getProperty("user.content"))
                + ",\"metadata\":" + t.getProperty("user.metadata") + "}";
        String assistantMessage = "{\"role\":\"assistant\",\"content\":" + jsonString(t.getProperty("assistant.content"))
                + ",\"sources\":" + t.getProperty("assistant.sources")
                + ",\"latency_ms\":" + t.getProperty("assistant.latency_ms")
                + ",\"top_k\":" + t.getProperty("assistant.top_k")
                + ",\"query_type\":" + jsonString(t.getProperty("assistant.query_type"))
                + ",\"metadata\":" + t.getProperty("assistant.metadata") + "}";
        Files.writeString(d.dir.resolve("append_one.json"), userMessage);
        Files.writeString(d.dir.resolve("append_batch.json"), "{\"messages\":[" + userMessage + "," + assistantMessage + "]}");
        for (String[] kv : new String[][] {
                {"user_content", "user.content"}, {"user_metadata", "user.metadata"}, {"assistant_content", "assistant.content"},
                {"assistant_sources", "assistant.sources"}, {"latency_ms", "assistant.latency_ms"}, {"top_k", "assistant.top_k"},
                {"query_type", "assistant.query_type"}, {"assistant_metadata", "assistant.metadata"}}) {
            d.pgbenchVars.add(kv[0] + "=" + t.getProperty(kv[1]));
        }
        d.pgbenchVars.add("page=" + SERVICE_PAGE);
        return d;
    }

    static String jwt(String subject, long issuedAt, long expires) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":" + jsonString(subject) + ",\"iat\":" + issuedAt + ",\"exp\":" + expires + "}")
                .getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = b64.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        return header + "." + payload + "." + signature;
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ------------------------------------------------------------------------------------------------ the service

    static final class Service {
        Process process;
        long pid;
        int port;
        int managementPort;
        Path log;

        static Service start() throws Exception {
            Service s = new Service();
            s.port = freePort();
            s.managementPort = freePort();
            s.log = S.work.resolve("service.log");
            List<String> cmd = on(S.clientCpus, S.javaCmd);
            Map<String, String> env = dbEnv();
            env.put("PORT", String.valueOf(s.port));
            env.put("MANAGEMENT_PORT", String.valueOf(s.managementPort));
            // The per-user rate limit (50/s by default) would turn the single-user scale check into 429s: the filter
            // still runs on every request, with a budget no run reaches.
            for (String name : List.of("RATE_LIMIT_REQUESTS_PER_SECOND", "RATE_LIMIT_BURST")) {
                env.put(name, System.getenv().getOrDefault(name, "1000000"));
            }
            step("starting the service on 127.0.0.1:%d: %s (pool: DB_POOL_MAX_SIZE=%s, DB_POOL_INITIAL_SIZE=%s)", s.port,
                    String.join(" ", cmd).length() > 160 ? String.join(" ", cmd).substring(0, 160) + "..." : String.join(" ", cmd),
                    System.getenv().getOrDefault("DB_POOL_MAX_SIZE", "default"), System.getenv().getOrDefault("DB_POOL_INITIAL_SIZE", "default"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            pb.redirectOutput(s.log.toFile());
            s.process = pb.start();
            s.pid = s.process.pid();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (true) {
                if (!s.process.isAlive()) {
                    throw new Failure("the service exited with " + s.process.exitValue() + ":\n" + tail(Files.readString(s.log), 40));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.managementPort + "/health/readiness"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new Failure("the service was not ready within 180 s:\n" + tail(Files.readString(s.log), 40));
                }
                Thread.sleep(250);
            }
            step("service ready (pid %d, RSS %d MiB)", s.pid, s.status("VmRSS") / 1024);
            return s;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        long cpuTicks() {
            return procTicks(pid, false);
        }

        /** CPU ticks of the service's threads, summed by what they do (thread names as the kernel keeps them, 15 chars). */
        Map<String, Long> threadTicks() {
            Map<String, Long> groups = new LinkedHashMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip();
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                        groups.merge(threadGroup(name), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            return groups;
        }

        /** A kB figure from /proc/PID/status (VmRSS, VmHWM). */
        long status(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return -1;
        }

        long logSize() {
            return log.toFile().length();
        }

        static final Pattern POOL_TIMEOUT = Pattern.compile("(?i)(PoolAcquireTimeout|acquir\\w*[^\\n]{0,80}(time ?out|timed out)|maxAcquireTime)");

        /** Pool-acquire timeouts the service logged since the given log offset (streamed: the access log grows large). */
        int poolTimeouts(long from) {
            try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(log)) {
                channel.position(Math.min(from, channel.size()));
                BufferedReader reader = new BufferedReader(new InputStreamReader(java.nio.channels.Channels.newInputStream(channel), StandardCharsets.UTF_8), 1 << 16);
                int n = 0;
                String line;
                while ((line = reader.readLine()) != null) {
                    if (POOL_TIMEOUT.matcher(line).find()) {
                        n++;
                    }
                }
                return n;
            } catch (IOException e) {
                return -1;
            }
        }

        void stop() {
            if (process == null || !process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    /** One request of every kind, checked before any load: a broken harness fails here with the service's answer. */
    static void sanityCheck(Data d) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String[] first = Files.readAllLines(d.sessions).get(0).split(" ");
        Map<String, String> tokens = new HashMap<>();
        for (String line : Files.readAllLines(d.users)) {
            String[] kv = line.split(" ");
            tokens.put(kv[0], kv[1]);
        }
        String token = tokens.get(first[1]);
        String base = "/api/v1/sessions/" + first[0] + "/messages";
        Object[][] checks = {
                {"GET", base, null, 200},
                {"GET", "/api/v1/sessions", null, 200},
                {"POST", base, Files.readString(d.dir.resolve("append_one.json")), 201},
                {"POST", base + ":batch", Files.readString(d.dir.resolve("append_batch.json")), 201},
        };
        for (Object[] c : checks) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url((String) c[1])))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
            if (c[2] != null) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString((String) c[2]));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != (int) c[3]) {
                throw new Failure("sanity check: " + c[0] + " " + c[1] + " answered " + r.statusCode() + " (expected " + c[3] + "): "
                        + (r.body().length() > 600 ? r.body().substring(0, 600) : r.body()));
            }
        }
        // The owner check: another user's token must not reach this session.
        String stranger = tokens.entrySet().stream().filter(e -> !e.getKey().equals(first[1])).map(Map.Entry::getValue).findFirst().orElseThrow();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service.url(base))).header("Authorization", "Bearer " + stranger)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 404) {
            throw new Failure("sanity check: another user's token read session " + first[0] + " with status " + r.statusCode());
        }
        String counts = psqlTuples("SELECT count(*) FILTER (WHERE s.message_count <> m.n) FROM chat.sessions s "
                + "JOIN (SELECT session_id, count(*) AS n, max(seq) AS top FROM chat.messages GROUP BY session_id) m ON m.session_id = s.id "
                + "WHERE s.id = '" + first[0] + "'").trim();
        if (!counts.equals("0")) {
            throw new Failure("sanity check: message_count of " + first[0] + " does not match its messages after the appends");
        }
        step("sanity check passed: read, list, append, batch append answer 200/201; another user's token gets 404");
    }

    // ------------------------------------------------------------------------------------------------ measuring

    static final class Measure {
        String side;
        String op;
        int connections;
        double seconds;
        long requests;
        double throughput;
        double p50;
        double p99;
        double max;
        long errors;
        String errorDetail = "";
        double serviceCpu = Double.NaN;
        double pgCpu;
        double clientCpu;
        double busy;
        double others;
        long rssKb;
        int poolTimeouts;
        Map<String, Double> threadCpu = new LinkedHashMap<>();
        long busyTicks;
        long totalTicks;

        /** Share of the machine's CPU that went to processes outside the benchmark (a build, say): noise. */
        void othersFromClient() {
            double ours = (Double.isNaN(serviceCpu) ? 0 : serviceCpu) + pgCpu + (Double.isNaN(clientCpu) ? 0 : clientCpu);
            others = totalTicks == 0 ? Double.NaN : Math.max(0, 100.0 * (busyTicks / (double) CLK_TCK - ours) / (totalTicks / (double) CLK_TCK));
        }

        double perThousand(double cpuSeconds) {
            return requests == 0 ? Double.NaN : cpuSeconds / (requests / 1000.0);
        }
    }

    static final class Row {
        final Op op;
        final int connections;
        /** Measured with every process on every CPU (the shared pass), not in the run's split layout. */
        boolean sharedCpus;
        Measure pgbench;
        Measure service;

        Row(Op op, int connections) {
            this.op = op;
            this.connections = connections;
        }

        String label() {
            return op.title + (sharedCpus ? " (shared CPUs)" : "");
        }

        double ratio() {
            return pgbench.throughput == 0 ? Double.NaN : service.throughput / pgbench.throughput;
        }
    }

    /** CPU counters around a run: the service process, all of PostgreSQL (live backends + reaped children), the machine. */
    static final class Snapshot {
        long serviceTicks;
        long postgresTicks;
        long total;
        long idle;
        long logOffset;
        Map<String, Long> threads = Map.of();

        static Snapshot take() {
            Snapshot s = new Snapshot();
            Service svc = service;
            s.serviceTicks = svc == null ? 0 : svc.cpuTicks();
            s.threads = svc == null ? Map.of() : svc.threadTicks();
            s.logOffset = svc == null ? 0 : svc.logSize();
            try {
                long pm = pg.postmasterPid();
                long sum = procTicks(pm, true);
                for (String[] f : childrenStats(pm)) {
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
                s.postgresTicks = sum;
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                for (int i = 1; i <= 8 && i < cpu.length; i++) {
                    s.total += Long.parseLong(cpu[i]);
                }
                s.idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return s;
        }

        void into(Measure m, Snapshot before) {
            Service svc = service;
            m.serviceCpu = svc == null ? Double.NaN : (serviceTicks - before.serviceTicks) / (double) CLK_TCK;
            m.pgCpu = (postgresTicks - before.postgresTicks) / (double) CLK_TCK;
            long totalTicks = total - before.total;
            m.busy = totalTicks == 0 ? Double.NaN : 100.0 * (totalTicks - (idle - before.idle)) / totalTicks;
            m.busyTicks = totalTicks - (idle - before.idle);
            m.totalTicks = totalTicks;
            if (svc != null) {
                m.rssKb = svc.status("VmRSS");
                m.poolTimeouts = svc.poolTimeouts(before.logOffset);
                for (Map.Entry<String, Long> e : threads.entrySet()) {
                    m.threadCpu.put(e.getKey(), (e.getValue() - before.threads.getOrDefault(e.getKey(), 0L)) / (double) CLK_TCK);
                }
            }
        }
    }

    static int postgresChildren() {
        try {
            return childrenStats(pg.postmasterPid()).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The /proc/PID/stat fields (see {@link #statFields}) of every live child of {@code parent}. */
    static List<String[]> childrenStats(long parent) throws IOException {
        return new ArrayList<>(children(parent).values());
    }

    /** Every live child of {@code parent}: its pid and its /proc/PID/stat fields. */
    static Map<Long, String[]> children(long parent) throws IOException {
        Map<Long, String[]> children = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    String[] f = statFields(Long.parseLong(name));
                    if (f != null && Long.parseLong(f[1]) == parent) {
                        children.put(Long.parseLong(name), f);
                    }
                }
            }
        }
        return children;
    }

    /**
     * pgbench's backends exit just after it does; until the postmaster reaps them their CPU is in neither the live
     * backends nor the postmaster's children total, and would show up as noise. Wait (briefly) until they are gone.
     */
    static void awaitPostgresChildren(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (postgresChildren() > count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
    static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static final String[][] THREAD_GROUPS = {
            // The driver runs on the server's loops (db.DriverEventLoops); reactor-tcp-* only when that is switched off.
            {"reactor-tcp", "R2DBC driver's own event loops (reactor-tcp-*)"},
            {"default-eventLo", "event loops (Netty: HTTP and the database driver)"},
            {"nioEventLoop", "event loops (Netty: HTTP and the database driver)"},
            {"epollEventLoop", "event loops (Netty: HTTP and the database driver)"},
            {"default-nioEven", "event loops (Netty: HTTP and the database driver)"},
            {"C1 CompilerThre", "JIT compiler"},
            {"C2 CompilerThre", "JIT compiler"},
            {"GC Thread", "garbage collector"},
            {"G1 ", "garbage collector"},
            {"VM Thread", "garbage collector"},
            {"parallel-", "timers (Reactor parallel scheduler, deadline wheel)"},
            {"boundedElastic", "Reactor boundedElastic (blocking work)"},
            {"io-executor", "Micronaut io executor (blocking work)"},
            {"AsyncAppender", "logging"},
            {"log-writer", "logging"},
            {"db-deadlines", "timers (Reactor parallel scheduler, deadline wheel)"},
    };

    static String threadGroup(String name) {
        for (String[] g : THREAD_GROUPS) {
            if (name.startsWith(g[0])) {
                return g[1];
            }
        }
        return "other JVM threads";
    }

    static long procTicks(long pid, boolean withChildren) {
        String[] f = statFields(pid);
        if (f == null) {
            return 0;
        }
        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (withChildren) {
            t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return t;
    }

    static void checkpoint() throws Exception {
        psql("CHECKPOINT");
    }

    /** Runs a load generator under sh so its CPU time (the shell's cutime/cstime) can be read when it exits. */
    static String runLoad(List<String> cmd, String tag, long timeoutSeconds, Measure m) throws Exception {
        Path statFile = S.work.resolve("runs").resolve(tag + ".stat");
        Path out = S.work.resolve("runs").resolve(tag + ".out");
        Files.createDirectories(out.getParent());
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "\"$@\"; rc=$?; cat /proc/$$/stat > '" + statFile + "'; exit $rc", "sh"));
        wrapped.addAll(on(S.clientCpus, cmd));
        int code = exec(wrapped, libpqEnv(), out, timeoutSeconds);
        String text = Files.readString(out);
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            m.clientCpu = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / (double) CLK_TCK;
        } catch (IOException e) {
            m.clientCpu = Double.NaN;
        }
        if (code != 0) {
            m.errors += 1;
            m.errorDetail = "exit " + code + ": " + tail(text, 8).replace('\n', ' ');
            step("%s failed (exit %d), output in %s:\n%s", cmd.get(0), code, out, tail(text, 15));
        }
        return text;
    }

    static Measure wrkRun(String op, int conns, int seconds, Path sessions, Path users, double rate) throws Exception {
        return wrkRun(op, conns, seconds, sessions, users, rate, "");
    }

    /** {@code readQuery}: appended to the read path, e.g. "?limit=10" (empty: the service's default page). */
    static Measure wrkRun(String op, int conns, int seconds, Path sessions, Path users, double rate, String readQuery) throws Exception {
        Measure m = new Measure();
        m.side = "service";
        m.op = op;
        m.connections = conns;
        int threads = Math.max(1, Math.min(S.threads, conns));
        String tag = "wrk-" + op + "-c" + conns + (rate > 0 ? "-paced" : "") + "-" + System.nanoTime() % 100000;
        List<String> cmd = List.of("wrk", "-t" + threads, "-c" + conns, "-d" + seconds + "s", "--timeout", "10s",
                "-s", BENCH.resolve("wrk/chat.lua").toString(), service.url(""), "--",
                op, sessions.toString(), users.toString(), sessions.getParent().toString(),
                rate > 0 ? String.format(Locale.ROOT, "%.3f", rate / threads) : "0", readQuery);
        Snapshot before = Snapshot.take();
        String out = runLoad(cmd, tag, seconds + 120L, m);
        Snapshot.take().into(m, before);
        m.othersFromClient();
        Matcher line = Pattern.compile("BENCH_WRK (.*)").matcher(out);
        if (!line.find()) {
            m.errors += 1;
            m.errorDetail += " no BENCH_WRK line in wrk's output";
            return m;
        }
        Map<String, Long> v = new HashMap<>();
        for (String kv : line.group(1).trim().split(" ")) {
            String[] p = kv.split("=");
            v.put(p[0], Long.parseLong(p[1]));
        }
        m.requests = v.get("requests");
        if (m.requests == 0) {
            emptyRun(m, "no request completed");
        }
        m.seconds = v.get("duration_us") / 1e6;
        m.throughput = m.requests / m.seconds;
        m.p50 = v.get("p50_us") / 1000.0;
        m.p99 = v.get("p99_us") / 1000.0;
        m.max = v.get("max_us") / 1000.0;
        long errors = v.get("connect") + v.get("read") + v.get("write") + v.get("status") + v.get("timeout");
        m.errors += errors;
        if (errors > 0) {
            m.errorDetail += String.format(" connect %d, read %d, write %d, HTTP >= 400: %d, timeout %d",
                    v.get("connect"), v.get("read"), v.get("write"), v.get("status"), v.get("timeout"));
        }
        return m;
    }

    static Measure pgbenchRun(Op op, int conns, int seconds, Data d, String... vars) throws Exception {
        return pgbenchRun(op.key, op.scripts, conns, seconds, d, vars);
    }

    static Measure pgbenchRun(String key, String scripts, int conns, int seconds, Data d, String... vars) throws Exception {
        checkpoint();
        Measure m = new Measure();
        m.side = "pgbench";
        m.op = key;
        m.connections = conns;
        String tag = "pgbench-" + key + "-c" + conns + "-" + System.nanoTime() % 100000;
        Path logDir = S.work.resolve("runs").resolve(tag);
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-c", String.valueOf(conns),
                // -T includes connecting all clients, so never less than 2 s (throughput excludes connection time)
                "-j", String.valueOf(Math.max(1, Math.min(S.threads, conns))), "-T", String.valueOf(Math.max(2, seconds)),
                "--log", "--log-prefix=" + logDir.resolve("tx")));
        // Defaults first: pgbench keeps the last -D of a name, so a run's own values (page=10, say) win.
        for (String v : d.pgbenchVars) {
            cmd.add("-D");
            cmd.add(v);
        }
        for (String v : vars) {
            cmd.add("-D");
            cmd.add(v);
        }
        for (String script : scripts.split(" ")) {
            String[] parts = script.split("@");
            cmd.add("-f");
            cmd.add(BENCH.resolve("pgbench").resolve(parts[0]) + (parts.length > 1 ? "@" + parts[1] : ""));
        }
        cmd.add(DB);
        int backendsBefore = postgresChildren();
        Snapshot before = Snapshot.take();
        String out = runLoad(cmd, tag, seconds + 180L, m);
        awaitPostgresChildren(backendsBefore);
        Snapshot.take().into(m, before);
        m.othersFromClient(); // the idle service's own CPU is ours, not noise
        m.serviceCpu = Double.NaN;
        m.rssKb = 0;
        m.poolTimeouts = 0;
        m.threadCpu.clear();
        Matcher tps = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(out);
        if (tps.find()) {
            m.throughput = Double.parseDouble(tps.group(1));
        }
        Matcher failed = Pattern.compile("number of failed transactions: (\\d+)").matcher(out);
        if (failed.find() && Long.parseLong(failed.group(1)) > 0) {
            m.errors += Long.parseLong(failed.group(1));
            m.errorDetail += " failed transactions: " + failed.group(1);
        }
        if (out.contains("aborted")) {
            m.errors += 1;
            m.errorDetail += " " + tail(out.lines().filter(l -> l.contains("aborted") || l.contains("ERROR")).collect(Collectors.joining("\n")), 3);
        }
        // Per-transaction latencies (microseconds, third column) from pgbench's logs.
        List<Long> latencies = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : files.toList()) {
                try (BufferedReader r = Files.newBufferedReader(f)) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        String[] c = l.split(" ");
                        if (c.length < 3) {
                            continue;
                        }
                        if (c[2].equals("failed") || c[2].equals("skipped")) {
                            continue;
                        }
                        latencies.add(Long.parseLong(c[2]));
                    }
                }
            }
        }
        m.requests = latencies.size();
        if (m.requests == 0) {
            emptyRun(m, "no transaction completed");
        }
        m.seconds = m.throughput > 0 ? m.requests / m.throughput : seconds;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        m.p50 = percentile(sorted, 50) / 1000.0;
        m.p99 = percentile(sorted, 99) / 1000.0;
        m.max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0;
        deleteTree(logDir);
        return m;
    }

    /**
     * Nothing completed within the run: an error in a full run; in a smoke run (1 s, a cold JIT, maybe a busy machine)
     * only a warning, since the smoke run checks that every path works, not how fast.
     */
    static void emptyRun(Measure m, String what) {
        if (S.smoke) {
            step("warning: %s %s at %d connections: %s in %d s (smoke run: not counted as an error)", m.side, m.op, m.connections, what, S.duration);
        } else {
            m.errors += 1;
            m.errorDetail += " " + what;
        }
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * JIT warm-up: rounds of every operation (S.warmup seconds each) at the largest connection count, until the JIT
     * compiler threads take under 5% of the service's CPU and a round's throughput is within 5% of the round before
     * (at least two rounds, at most BENCH_WARMUP_MAX seconds in all).
     */
    static String warmup(Data d) throws Exception {
        if (S.warmup <= 0) {
            return "none";
        }
        int c = S.connections.stream().max(Integer::compare).orElse(16);
        step("warming up the service (JIT, connection pool): rounds of %d s per operation at %d connections until the rate settles", S.warmup, c);
        long start = System.nanoTime();
        double previous = 0;
        List<String> rounds = new ArrayList<>();
        for (int round = 1; ; round++) {
            long requests = 0;
            double seconds = 0;
            double jit = 0;
            double cpu = 0;
            for (Op op : S.ops) {
                Measure m = wrkRun(op.key, c, S.warmup, d.sessions, d.users, 0);
                requests += m.requests;
                seconds += m.seconds;
                jit += m.threadCpu.getOrDefault("JIT compiler", 0.0);
                cpu += m.threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
            }
            double rate = seconds == 0 ? 0 : requests / seconds;
            double jitShare = cpu == 0 ? 1 : jit / cpu;
            rounds.add(String.format(Locale.ROOT, "%.0f (JIT %.0f%%)", rate, 100 * jitShare));
            double spent = (System.nanoTime() - start) / 1e9;
            step("warm-up round %d: %.0f req/s over all operations, JIT compiler %.0f%% of the service's CPU", round, rate, 100 * jitShare);
            // Warm = the JIT has (nearly) stopped compiling and the rate no longer climbs.
            boolean settled = round >= 2 && jitShare < 0.05 && rate < previous * 1.05;
            if (settled || spent + S.ops.size() * (S.warmup + 1) > S.warmupMax) {
                return String.format(Locale.ROOT, "%d rounds, %.0f s, req/s per round %s%s", round, spent, String.join(" -> ", rounds),
                        settled ? "" : " (not settled: BENCH_WARMUP_MAX reached)");
            }
            previous = rate;
        }
    }

    /** The mix at the largest connection count, paced to 70% of the service's best mix throughput. */
    /** One operation at one connection count: pgbench, a CHECKPOINT, then the service; prints the progress line. */
    static Row measure(Op op, int c, Data d, boolean sharedCpus) throws Exception {
        Row row = new Row(op, c);
        row.sharedCpus = sharedCpus;
        row.pgbench = pgbenchRun(op, c, S.duration, d, "u_lo=1", "u_hi=" + S.users, "k_lo=1", "k_hi=" + S.sessionsPerUser);
        checkpoint();
        row.service = wrkRun(op.key, c, S.duration, d.sessions, d.users, 0);
        step("%-48s %3d conns: pgbench %8.0f tx/s p50 %6.2f p99 %7.2f ms | service %8.0f req/s p50 %6.2f p99 %7.2f ms | ratio %.2f%s%s",
                row.label(), c, row.pgbench.throughput, row.pgbench.p50, row.pgbench.p99,
                row.service.throughput, row.service.p50, row.service.p99, row.ratio(),
                row.service.errors + row.pgbench.errors > 0 ? "  ERRORS " + row.service.errors + "/" + row.pgbench.errors : "",
                Math.max(nz(row.service.others), nz(row.pgbench.others)) > 10
                        ? String.format(Locale.ROOT, "  (NOISE: other processes took %.0f%% / %.0f%% of the CPU)", nz(row.service.others), nz(row.pgbench.others)) : "");
        return row;
    }

    /**
     * The layout of the runs before this one, for comparison: PostgreSQL, the (warm) service and the load generators
     * moved onto every CPU, then each operation again at the largest connection count.
     */
    static List<Row> sharedPass(Data d) throws Exception {
        String all = allowedCpus().stream().map(String::valueOf).collect(Collectors.joining(","));
        int c = S.connections.stream().max(Integer::compare).orElseThrow();
        step("shared pass: PostgreSQL, the service, wrk and pgbench on CPUs %s, every operation again at %d connections", all, c);
        pin(pg.postmasterPid(), all);
        for (long child : children(pg.postmasterPid()).keySet()) {
            pin(child, all);
        }
        pin(service.pid, all);
        String clients = S.clientCpus;
        S.clientCpus = null;
        List<Row> rows = new ArrayList<>();
        try {
            for (Op op : S.ops) {
                rows.add(measure(op, c, d, true));
            }
        } finally {
            S.clientCpus = clients;
        }
        return rows;
    }

    static Measure pacedRun(List<Row> rows, Data d) throws Exception {
        Row best = rows.stream().filter(r -> r.op == Op.MIX).max(Comparator.comparingDouble(r -> r.service.throughput)).orElse(null);
        if (best == null || best.service.throughput <= 0) {
            return null;
        }
        int c = S.connections.stream().max(Integer::compare).orElseThrow();
        double rate = 0.7 * best.service.throughput;
        checkpoint();
        Measure m = wrkRun("mix", c, S.duration, d.sessions, d.users, rate);
        m.op = "mix paced";
        step("mix paced to %.0f req/s (70%% of %.0f) at %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors, %d pool timeouts",
                rate, best.service.throughput, c, m.throughput, m.p50, m.p99, m.errors, m.poolTimeouts);
        return m;
    }

    // ------------------------------------------------------------------------------------------------ scale check

    static final class ScaleCase {
        String title;
        Op op;
        long history;
        long user;
        long k;
        /** Page size asked for: 50 as the service's default, 10 where every session of the comparison has as many. */
        int limit = SERVICE_PAGE;
        Measure pgbench;
        Measure service;
        String explain;
    }

    static List<ScaleCase> scaleCheck(Data d) throws Exception {
        List<ScaleCase> cases = new ArrayList<>();
        for (int i = 0; i < S.readSizes.length; i++) {
            ScaleCase c = new ScaleCase();
            c.op = Op.READ;
            c.history = S.readSizes[i];
            c.title = String.format(Locale.ROOT, "read newest 50, session of %,d messages", S.readSizes[i]);
            c.user = S.users + 3;
            c.k = i + 1;
            cases.add(c);
        }
        // The smallest session holds 10 messages, so "newest 50" returns 10 rows there and 50 elsewhere: a page of 10
        // from every session separates the cost of history from the cost of the page.
        for (int i = 0; i < S.readSizes.length; i++) {
            ScaleCase c = new ScaleCase();
            c.op = Op.READ;
            c.limit = S.readSizes[0];
            c.history = S.readSizes[i];
            c.title = String.format(Locale.ROOT, "read newest %d, session of %,d messages", c.limit, S.readSizes[i]);
            c.user = S.users + 3;
            c.k = i + 1;
            cases.add(c);
        }
        int[] lists = {S.listSmall, S.listLarge};
        for (int i = 0; i < 2; i++) {
            ScaleCase c = new ScaleCase();
            c.op = Op.LIST;
            c.history = lists[i];
            c.title = String.format(Locale.ROOT, "list 20 sessions, user with %,d sessions", lists[i]);
            c.user = S.users + 1 + i;
            c.k = 1;
            cases.add(c);
        }
        step("scale check: one connection, %d s per case and side", S.scaleDuration);
        for (ScaleCase c : cases) {
            c.pgbench = pgbenchRun(c.op.key, c.op.scripts, 1, S.scaleDuration, d,
                    "u_lo=" + c.user, "u_hi=" + c.user, "k_lo=" + c.k, "k_hi=" + c.k, "page=" + c.limit);
            Path users = d.dir.resolve("user-scale-" + (c.user - S.users) + ".txt");
            Path sessions = c.op == Op.READ ? d.dir.resolve("session-scale-" + c.k + ".txt") : d.noSessions;
            c.service = wrkRun(c.op.key, 1, S.scaleDuration, sessions, users, 0, c.limit == SERVICE_PAGE ? "" : "?limit=" + c.limit);
            c.explain = c.limit == SERVICE_PAGE ? explain(c) : null;
            step("%-48s pgbench p50 %.3f p99 %.3f ms | service p50 %.3f p99 %.3f ms", c.title, c.pgbench.p50, c.pgbench.p99, c.service.p50, c.service.p99);
        }
        return cases;
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the service's statement (quoted in the pgbench script's header) as a prepared statement,
     * after six executions, so the plan shown is the one a long-lived connection of the service uses (custom or generic).
     */
    static String explain(ScaleCase c) throws Exception {
        Script script = Script.read(BENCH.resolve("pgbench").resolve(c.op.scripts));
        Map<String, String> values = new HashMap<>(script.constants);
        values.put("u", String.valueOf(c.user));
        values.put("k", String.valueOf(c.k));
        values.put("sid", String.valueOf(c.user * 100000 + c.k));
        if (c.op == Op.READ) {
            values.put("limit", String.valueOf(c.limit)); // read_newest.sql sets it from -D page
        }
        List<String> args = new ArrayList<>();
        for (int n = 1; n <= script.params.size(); n++) {
            String expr = script.params.get(n);
            Matcher m = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)").matcher(expr);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new Failure("no value for :" + m.group(1) + " in " + script.file);
                }
                m.appendReplacement(b, Matcher.quoteReplacement(value));
            }
            m.appendTail(b);
            args.add(b.toString());
        }
        String call = "EXECUTE bench_q(" + String.join(", ", args) + ")";
        StringBuilder sql = new StringBuilder("PREPARE bench_q AS " + script.serviceSql + ";\n\\o /dev/null\n");
        for (int i = 0; i < 6; i++) {
            sql.append(call).append(";\n");
        }
        sql.append("\\o\nEXPLAIN (ANALYZE, BUFFERS) ").append(call).append(";\n");
        Path file = S.work.resolve("explain.sql");
        Files.writeString(file, sql);
        String out = execOrFail(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString()), libpqEnv(), 120);
        return "-- " + script.service + " with " + String.join(", ", args) + "\n" + out.stripTrailing();
    }

    /** A pgbench script's header: the quoted service SQL, the $N => expression lines and the constant \set lines. */
    static final class Script {
        Path file;
        String service;
        String serviceSql;
        Map<Integer, String> params = new LinkedHashMap<>();
        Map<String, String> constants = new HashMap<>();

        static Script read(Path file) throws IOException {
            Script s = new Script();
            s.file = file;
            StringBuilder sql = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("-- service-sql:")) {
                    s.service = line.substring("-- service-sql:".length()).trim();
                } else if (line.startsWith("--   |")) {
                    sql.append(line.length() > 7 ? line.substring(7) : "").append('\n');
                } else if (line.matches("-- \\$\\d+ => .*")) {
                    int arrow = line.indexOf(" => ");
                    s.params.put(Integer.parseInt(line.substring(4, arrow)), line.substring(arrow + 4).trim());
                } else if (line.matches("\\\\set [A-Za-z_]+ (-?[0-9]+|true|false)")) {
                    String[] p = line.split(" ");
                    s.constants.put(p[1], p[2]);
                }
            }
            s.serviceSql = sql.toString().stripTrailing();
            return s;
        }
    }

    // ------------------------------------------------------------------------------------------------ profiling

    /** --profile: a JFR recording (settings=profile) of the service during each run at the largest connection count. */
    static final class Profiler {
        final Map<String, Path> recordings = new LinkedHashMap<>();
        final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        final Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");

        void start(Service s, String tag) throws Exception {
            Path file = S.work.resolve("profile").resolve(tag + ".jfr");
            Files.createDirectories(file.getParent());
            execOrFail(List.of(jcmd.toString(), String.valueOf(s.pid), "JFR.start", "name=" + tag, "settings=profile"), Map.of(), 60);
            recordings.put(tag, file);
        }

        final Map<String, Measure> runs = new HashMap<>();

        void stop(Service s, String tag, Measure run) throws Exception {
            execOrFail(List.of(jcmd.toString(), String.valueOf(s.pid), "JFR.stop", "name=" + tag, "filename=" + recordings.get(tag)), Map.of(), 60);
            runs.put(tag, run);
        }

        static final String[][] AREAS = {
                {"io.chatsessions.", "service code (io.chatsessions)"},
                {"com.nimbusds.", "JWT (nimbus, micronaut-security)"},
                {"io.micronaut.security.", "JWT (nimbus, micronaut-security)"},
                {"com.fasterxml.jackson.", "JSON (jackson, micronaut-serde)"},
                {"io.micronaut.serde.", "JSON (jackson, micronaut-serde)"},
                {"io.micronaut.json.", "JSON (jackson, micronaut-serde)"},
                {"io.r2dbc.postgresql.", "R2DBC driver (r2dbc-postgresql)"},
                {"io.r2dbc.pool.", "R2DBC pool"},
                {"reactor.pool.", "R2DBC pool"},
                {"io.micronaut.data.", "micronaut-data"},
                {"reactor.netty.", "reactor-netty (driver transport)"},
                {"reactor.", "Reactor operators"},
                {"io.micronaut.http.", "Micronaut HTTP / routing"},
                {"io.micronaut.web.", "Micronaut HTTP / routing"},
                {"io.micronaut.context.", "Micronaut context / DI"},
                {"io.micronaut.core.", "Micronaut core (conversion, annotations)"},
                {"io.netty.", "Netty (sockets, HTTP codec, buffers)"},
                {"io.micrometer.", "metrics (micrometer)"},
                {"ch.qos.logback.", "logging"},
                {"org.slf4j.", "logging"},
                {"java.util.regex.", "java.util.regex"},
                {"javax.crypto.", "crypto (HMAC)"},
                {"sun.security.", "crypto (HMAC)"},
                {"com.sun.crypto.", "crypto (HMAC)"},
                {"java.", "JDK"},
                {"jdk.", "JDK"},
                {"sun.", "JDK"},
        };

        static String area(String frame) {
            for (String[] a : AREAS) {
                if (frame.startsWith(a[0])) {
                    return a[1];
                }
            }
            return "other";
        }

        String report() throws Exception {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, Path> e : recordings.entrySet()) {
                Map<String, Integer> self = new HashMap<>();
                Map<String, Integer> inclusive = new HashMap<>();
                Map<String, Integer> threads = new HashMap<>();
                int samples = 0;
                Process p = new ProcessBuilder(jfr.toString(), "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96",
                        e.getValue().toString()).redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    boolean inStack = false;
                    boolean first = false;
                    Set<String> areas = new LinkedHashSet<>();
                    while ((line = r.readLine()) != null) {
                        String t = line.trim();
                        if (t.startsWith("sampledThread = ")) {
                            String name = t.substring("sampledThread = ".length());
                            name = name.replaceAll(" \\(javaThreadId = \\d+\\)", "").replaceAll("\"", "").replaceAll("-?\\d+", "-N");
                            threads.merge(name, 1, Integer::sum);
                        } else if (t.startsWith("stackTrace = [")) {
                            inStack = true;
                            first = true;
                            areas.clear();
                            samples++;
                        } else if (inStack && t.equals("]")) {
                            inStack = false;
                            for (String a : areas) {
                                inclusive.merge(a, 1, Integer::sum);
                            }
                        } else if (inStack && !t.equals("...")) {
                            int paren = t.indexOf('(');
                            String frame = paren > 0 ? t.substring(0, paren) : t;
                            if (first) {
                                self.merge(frame, 1, Integer::sum);
                                first = false;
                            }
                            areas.add(area(frame));
                        }
                    }
                }
                p.waitFor(120, TimeUnit.SECONDS);
                final int total = Math.max(1, samples);
                Measure run = runs.get(e.getKey());
                b.append("\n#### ").append(e.getKey()).append(" connections (").append(fmt(run.throughput, 0)).append(" req/s while recording): ")
                        .append(samples).append(" CPU samples of the service's Java threads (JIT and GC threads are not sampled)\n\n");
                b.append("| area (a sample counts for every area on its stack) | share |\n|---|---:|\n");
                top(inclusive, 14).forEach(x -> b.append(String.format(Locale.ROOT, "| %s | %.0f%% |%n", x.getKey(), 100.0 * x.getValue() / total)));
                b.append("\n| hottest methods (top of stack) | share |\n|---|---:|\n");
                top(self, 15).forEach(x -> b.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n", x.getKey(), 100.0 * x.getValue() / total)));
                b.append("\n| threads | share |\n|---|---:|\n");
                top(threads, 6).forEach(x -> b.append(String.format(Locale.ROOT, "| %s | %.0f%% |%n", x.getKey(), 100.0 * x.getValue() / total)));
            }
            return b.toString();
        }

        static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int n) {
            return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n).toList();
        }
    }

    // ------------------------------------------------------------------------------------------------ report

    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String report(Data d, List<Row> rows, List<Row> sharedRows, Measure paced, List<ScaleCase> scale, long hwmKb, long rssKb, int poolTimeouts,
                         String profile) throws Exception {
        StringBuilder b = new StringBuilder();
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now());
        String conns = S.connections.stream().map(String::valueOf).collect(Collectors.joining(" and "));
        b.append(String.format(FIRST_LINE, layoutPhrase(), conns, S.smoke ? " [SMOKE RUN: tiny data, 1 s per measurement, figures meaningless]" : "")).append("\n\n");
        String commit = "";
        try {
            commit = execOrFail(List.of("git", "rev-parse", "--short", "HEAD"), Map.of(), 10).trim()
                    + (execOrFail(List.of("git", "status", "--porcelain", "--", "src/main", "pom.xml", "db"), Map.of(), 10).isBlank() ? "" : " (+ uncommitted changes)");
        } catch (Exception e) {
            commit = "unknown";
        }
        b.append(String.format(Locale.ROOT, "- run: %s, %s mode, commit %s, took %s%n", when, S.smoke ? "smoke" : "full", commit, elapsed()));
        b.append(String.format(Locale.ROOT, "- machine: %d cores, %.0f GiB; %s%n",
                Runtime.getRuntime().availableProcessors(), memTotalGiB(), cpuModel()));
        b.append(String.format(Locale.ROOT, "- CPU layout: %s%s%n", layoutDescription(),
                sharedRows.isEmpty() ? "" : "; then a shared pass with every process on every CPU, for comparison"));
        b.append(String.format(Locale.ROOT, "- PostgreSQL %s (synchronous_commit=on, fsync=on, shared_buffers=%s), %s, %s%n",
                pg.version(), S.sharedBuffers, firstLine(execOrFail(List.of("pgbench", "--version"), Map.of(), 10)),
                firstLine(execOrFail(List.of("sh", "-c", "wrk --version 2>&1 | head -1"), Map.of(), 10)).replaceAll(" Copyright.*", "")));
        b.append(String.format(Locale.ROOT, "- service: `%s` (Java %s), pool DB_POOL_MAX_SIZE=%s, DB_POOL_INITIAL_SIZE=%s, "
                + "per-user rate limit raised out of reach (RATE_LIMIT_REQUESTS_PER_SECOND=%s)%n",
                shorten(String.join(" ", S.javaCmd).replace(javaExecutable(), "java"), 160) + (S.customJavaCmd ? " (BENCH_JAVA_CMD)" : ""),
                System.getProperty("java.version"), System.getenv().getOrDefault("DB_POOL_MAX_SIZE", "20 (default)"),
                System.getenv().getOrDefault("DB_POOL_INITIAL_SIZE", "2 (default)"),
                System.getenv().getOrDefault("RATE_LIMIT_REQUESTS_PER_SECOND", "1000000")));
        b.append(String.format(Locale.ROOT, "- data: %,d users, %,d sessions, %,d messages (messages table %s, database %s), loaded in %.0f s%n",
                d.userCount, d.sessionCount, d.messageCount, d.messagesSize, d.databaseSize, d.loadSeconds));
        b.append(String.format(Locale.ROOT, "- each measurement %d s after a CHECKPOINT, pgbench first, then the service (wrk -t%d, pgbench -j%d -M prepared); "
                + "service warm-up before measuring: %s%n", S.duration, S.threads, S.threads, d.warmup));

        b.append("\n### Throughput and latency: service vs pgbench, same SQL, same number of connections\n\n");
        b.append("| operation | conns | pgbench tx/s | pgbench p50 / p99 ms | service req/s | service p50 / p99 ms | ratio | target | |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            double ratio = r.ratio();
            String verdict = Double.isNaN(r.op.target) ? "" : ratio >= r.op.target ? "met" : "**missed**";
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s | %s / %s | %s | %s | %s |%n",
                    r.op.title, r.connections, fmt(r.pgbench.throughput, 0), fmt(r.pgbench.p50, 2), fmt(r.pgbench.p99, 2),
                    fmt(r.service.throughput, 0), fmt(r.service.p50, 2), fmt(r.service.p99, 2), fmt(ratio, 2),
                    Double.isNaN(r.op.target) ? "-" : ">= " + fmt(r.op.target, 2), verdict));
        }
        b.append("\n![service / pgbench throughput](").append(S.updateDocs ? "bench/results/ratios.svg" : "ratios.svg").append(")\n");
        if (!sharedRows.isEmpty()) {
            b.append("\n### The same operations with every process on every CPU (shared pass, for comparison)\n\n");
            b.append("PostgreSQL, the warm service and the load generator moved onto all CPUs, as in the runs before the split layout: "
                    + "here the ratio mostly compares the CPU the service and wrk spend per request with what pgbench spends, since "
                    + "every cycle either takes is one PostgreSQL does not get.\n\n");
            b.append("| operation | conns | pgbench tx/s | pgbench p50 / p99 ms | service req/s | service p50 / p99 ms | ratio | target |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : sharedRows) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s | %s / %s | %s | %s |%n",
                        r.op.title, r.connections, fmt(r.pgbench.throughput, 0), fmt(r.pgbench.p50, 2), fmt(r.pgbench.p99, 2),
                        fmt(r.service.throughput, 0), fmt(r.service.p50, 2), fmt(r.service.p99, 2), fmt(r.ratio(), 2),
                        Double.isNaN(r.op.target) ? "-" : "(>= " + fmt(r.op.target, 2) + ")"));
            }
        }
        List<Row> all = new ArrayList<>(rows);
        all.addAll(sharedRows);

        b.append("\n### Resources per run (CPU seconds per 1,000 requests or transactions)\n\n");
        b.append("| operation | conns | service CPU | PostgreSQL CPU, service run / pgbench run | wrk / pgbench CPU | machine busy %, service run / pgbench run | of which outside the benchmark's processes %, service run / pgbench run | service RSS MiB | errors (service / pgbench) | pool-acquire timeouts |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double worstNoise = 0;
        for (Row r : all) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s | %d / %d | %d |%n",
                    r.label(), r.connections, fmt(r.service.perThousand(r.service.serviceCpu), 3),
                    fmt(r.service.perThousand(r.service.pgCpu), 3), fmt(r.pgbench.perThousand(r.pgbench.pgCpu), 3),
                    fmt(r.service.perThousand(r.service.clientCpu), 3), fmt(r.pgbench.perThousand(r.pgbench.clientCpu), 3),
                    fmt(r.service.busy, 0), fmt(r.pgbench.busy, 0), fmt(r.service.others, 0), fmt(r.pgbench.others, 0),
                    fmt(r.service.rssKb / 1024.0, 0), r.service.errors, r.pgbench.errors, r.service.poolTimeouts));
            worstNoise = Math.max(worstNoise, Math.max(nz(r.service.others), nz(r.pgbench.others)));
        }
        if (worstNoise > 10) {
            b.append(String.format(Locale.ROOT, "%n**Warning: up to %.0f%% of the machine's CPU went to processes outside the benchmark during a run: "
                    + "the figures of such runs are not comparable; run again on an idle machine.**%n", worstNoise));
        }
        b.append(String.format(Locale.ROOT, "%nService peak RSS (VmHWM): **%s MiB**; RSS at the end: %s MiB. Pool-acquire timeouts in the service's log over the whole run: **%d**.%n",
                fmt(hwmKb / 1024.0, 0), fmt(rssKb / 1024.0, 0), poolTimeouts));
        b.append("\n### Where the service's CPU goes (share of its CPU time per run, by thread; from /proc/<pid>/task)\n\n");
        List<String> groups = new ArrayList<>();
        for (String[] g : THREAD_GROUPS) {
            if (!groups.contains(g[1])) {
                groups.add(g[1]);
            }
        }
        groups.add("other JVM threads");
        List<String> shown = groups.stream().filter(g -> all.stream().anyMatch(r -> r.service.threadCpu.getOrDefault(g, 0.0) > 0.005 * Math.max(1e-9, r.service.serviceCpu))).toList();
        b.append("| operation | conns | service CPU s |");
        shown.forEach(g -> b.append(' ').append(g).append(" |"));
        b.append("\n|---|---:|---:|");
        shown.forEach(g -> b.append("---:|"));
        b.append('\n');
        for (Row r : all) {
            double total = r.service.threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
            b.append(String.format(Locale.ROOT, "| %s | %d | %s |", r.label(), r.connections, fmt(r.service.serviceCpu, 1)));
            for (String g : shown) {
                b.append(' ').append(total <= 0 ? "-" : fmt(100 * r.service.threadCpu.getOrDefault(g, 0.0) / total, 0) + "%").append(" |");
            }
            b.append('\n');
        }

        List<String> errors = new ArrayList<>();
        for (Row r : all) {
            for (Measure m : List.of(r.pgbench, r.service)) {
                if (m.errors > 0) {
                    errors.add(String.format(Locale.ROOT, "- %s %s at %d: %d errors:%s", m.side, r.label(), r.connections, m.errors, m.errorDetail));
                }
            }
        }
        for (ScaleCase c : scale) {
            for (Measure m : List.of(c.pgbench, c.service)) {
                if (m.errors > 0) {
                    errors.add(String.format(Locale.ROOT, "- %s, scale check %s: %d errors:%s", m.side, c.title, m.errors, m.errorDetail));
                }
            }
        }
        if (paced != null && paced.errors > 0) {
            errors.add(String.format(Locale.ROOT, "- service, mix paced: %d errors:%s", paced.errors, paced.errorDetail));
        }
        if (!errors.isEmpty()) {
            b.append("\nErrors:\n").append(String.join("\n", errors)).append('\n');
        }

        b.append("\n### p99 at 70% of the service's peak throughput (mix, open-loop pacing)\n\n");
        if (paced == null) {
            b.append("not measured (the mix was not run)\n");
        } else {
            b.append("| offered req/s | achieved req/s | conns | p50 ms | p99 ms | target p99 | errors | pool-acquire timeouts | |\n|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            double offered = 0.7 * rows.stream().filter(r -> r.op == Op.MIX).mapToDouble(r -> r.service.throughput).max().orElse(0);
            boolean met = paced.p99 <= 25 && paced.errors == 0 && paced.poolTimeouts == 0;
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | <= 25 ms, no errors | %d | %d | %s |%n",
                    fmt(offered, 0), fmt(paced.throughput, 0), paced.connections, fmt(paced.p50, 2), fmt(paced.p99, 2),
                    paced.errors, paced.poolTimeouts, met ? "met" : "**missed**"));
        }

        b.append("\n### Scale check: latency vs history size (one connection)\n\n");
        b.append("| query | pgbench p50 / p99 ms | service p50 / p99 ms | service p50 vs smallest | pgbench tx / service req | errors (service / pgbench) |\n|---|---:|---:|---:|---:|---:|\n");
        // Each group (operation and page size) is compared with its own smallest history.
        Map<String, List<ScaleCase>> scaleGroups = scale.stream()
                .collect(Collectors.groupingBy(c -> c.op + "/" + c.limit, LinkedHashMap::new, Collectors.toList()));
        for (List<ScaleCase> group : scaleGroups.values()) {
            ScaleCase smallest = group.get(0);
            for (ScaleCase c : group) {
                b.append(String.format(Locale.ROOT, "| %s | %s / %s | %s / %s | %s | %,d / %,d | %d / %d |%n", c.title, fmt(c.pgbench.p50, 3), fmt(c.pgbench.p99, 3),
                        fmt(c.service.p50, 3), fmt(c.service.p99, 3), fmt(c.service.p50 / smallest.service.p50, 2),
                        c.pgbench.requests, c.service.requests, c.service.errors, c.pgbench.errors));
            }
        }
        List<ScaleCase> reads = scale.stream().filter(c -> c.op == Op.READ && c.limit == SERVICE_PAGE).toList();
        List<ScaleCase> samePage = scale.stream().filter(c -> c.op == Op.READ && c.limit != SERVICE_PAGE).toList();
        if (reads.size() >= 2 && samePage.size() >= 2) {
            ScaleCase first = reads.get(0);
            ScaleCase last = reads.get(reads.size() - 1);
            ScaleCase middle = reads.get(reads.size() - 2);
            ScaleCase pageFirst = samePage.get(0);
            ScaleCase pageLast = samePage.get(samePage.size() - 1);
            double pageGrowth = pageLast.service.p50 / pageFirst.service.p50;
            double fullGrowth = last.service.p50 / middle.service.p50;
            boolean flat = pageGrowth <= 1.2 && fullGrowth <= 1.2;
            b.append(String.format(Locale.ROOT, "%nRead latency (p50) against history, the same rows on both ends: newest %d, %,d -> %,d messages: "
                            + "service x%.2f (pgbench x%.2f); newest 50, %,d -> %,d messages: service x%.2f (pgbench x%.2f). "
                            + "Target: within 20%% (x1.20) - %s.%n",
                    pageFirst.limit, pageFirst.history, pageLast.history, pageGrowth, pageLast.pgbench.p50 / pageFirst.pgbench.p50,
                    middle.history, last.history, fullGrowth, last.pgbench.p50 / middle.pgbench.p50, flat ? "met" : "**missed**"));
            b.append(String.format(Locale.ROOT, "Newest 50 from %,d -> %,d messages is x%.2f for the service (pgbench x%.2f), but that compares %,d rows "
                            + "with 50: it measures the page, not the history.%n",
                    first.history, last.history, last.service.p50 / first.service.p50, last.pgbench.p50 / first.pgbench.p50,
                    Math.min(first.history, 50)));
        }
        List<ScaleCase> lists = scale.stream().filter(c -> c.op == Op.LIST).toList();
        if (lists.size() >= 2) {
            ScaleCase first = lists.get(0);
            ScaleCase last = lists.get(lists.size() - 1);
            b.append(String.format(Locale.ROOT, "List latency (p50), %,d -> %,d sessions: service x%.2f, pgbench x%.2f.%n",
                    first.history, last.history, last.service.p50 / first.service.p50, last.pgbench.p50 / first.pgbench.p50));
        }
        b.append("\n#### EXPLAIN (ANALYZE, BUFFERS) of the service's statements (prepared, 7th execution)\n");
        for (ScaleCase c : scale) {
            if (c.explain != null) {
                b.append("\n").append(c.title).append(":\n\n```\n").append(c.explain).append("\n```\n");
            }
        }
        if (profile != null) {
            b.append("\n### Profile of the service (JFR, settings=profile; separate runs after the measurements)\n").append(profile);
        }
        return b.toString();
    }

    static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    static String firstLine(String s) {
        return s.strip().split("\n")[0];
    }

    static double memTotalGiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return Double.NaN;
    }

    static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown CPU";
    }

    static void updateBenchmarksMd(String report) throws IOException {
        Path md = ROOT.resolve("BENCHMARKS.md");
        String begin = "<!-- BEGIN RESULTS (written by bench/run.sh) -->";
        String end = "<!-- END RESULTS -->";
        String text = Files.exists(md) ? Files.readString(md) : "# Benchmarks\n\n" + begin + "\n" + end + "\n";
        int i = text.indexOf(begin);
        int j = text.indexOf(end);
        if (i < 0 || j < i) {
            text = text.stripTrailing() + "\n\n## Results\n\n" + begin + "\n" + end + "\n";
            i = text.indexOf(begin);
            j = text.indexOf(end);
        }
        Files.writeString(md, text.substring(0, i + begin.length()) + "\n" + report.stripTrailing() + "\n" + text.substring(j));
    }

    // ------------------------------------------------------------------------------------------------ plot

    static String svg(List<Row> rows, Data d) {
        int left = 265;
        int barH = 16;
        int gap = 6;
        int groupGap = 14;
        int top = 102;
        int plotW = 460;
        double max = Math.max(1.2, rows.stream().mapToDouble(Row::ratio).filter(x -> !Double.isNaN(x)).max().orElse(1.0) * 1.1);
        List<Op> ops = rows.stream().map(r -> r.op).distinct().toList();
        int height = top + rows.size() * (barH + gap) + ops.size() * groupGap + 60;
        int width = left + plotW + 190;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">%n",
                width, height, width, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        b.append("<text x=\"16\" y=\"26\" font-size=\"17\" font-weight=\"bold\">Service throughput as a share of pgbench running the same SQL</text>\n");
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now());
        b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"46\" fill=\"#555\">%s run of bench/run.sh, %s: %,d messages, %d s per measurement, same connections on both sides</text>%n",
                S.smoke ? "SMOKE" : "full", when, d.messageCount, S.duration));
        b.append("<text x=\"16\" y=\"64\" fill=\"#555\">" + escapeXml(S.dbCpus == null ? "every process on every CPU" : "PostgreSQL on CPU " + S.dbCpus
                + ", the service and wrk (or pgbench) on CPU " + S.clientCpus + "; pale bars: the shared pass, every process on every CPU") + "</text>\n");
        b.append("<text x=\"16\" y=\"82\" fill=\"#555\">dashed line = target (issue #4); green = met, red = missed, grey = no target</text>\n");
        int plotBottom = height - 45;
        for (double x = 0; x <= max + 1e-9; x += 0.2) {
            int px = left + (int) Math.round(x / max * plotW);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>%n", px, top - 8, px, plotBottom,
                    Math.abs(x - 1.0) < 1e-9 ? "#999" : "#e5e5e5"));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.0f%%</text>%n", px, plotBottom + 18, x * 100));
        }
        int y = top;
        for (Op op : ops) {
            int groupTop = y;
            for (Row r : rows) {
                if (r.op != op) {
                    continue;
                }
                double ratio = r.ratio();
                int w = Double.isNaN(ratio) ? 0 : (int) Math.round(Math.min(ratio, max) / max * plotW);
                String color = Double.isNaN(op.target) ? "#7f8c9a" : ratio >= op.target ? "#2e9e5b" : "#d0453a";
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s, %d conns%s</text>%n", left - 8, y + barH - 3,
                        escapeXml(op.shortTitle), r.connections, r.sharedCpus ? ", shared" : ""));
                b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"%s/>%n", left, y, w, barH, color,
                        r.sharedCpus ? " fill-opacity=\"0.4\"" : ""));
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", left + w + 6, y + barH - 3,
                        Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.0f%% (%.0f vs %.0f/s)", ratio * 100, r.service.throughput, r.pgbench.throughput)));
                y += barH + gap;
            }
            if (!Double.isNaN(op.target)) {
                int tx = left + (int) Math.round(op.target / max * plotW);
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>%n",
                        tx, groupTop - 3, tx, y - gap + 3));
            }
            y += groupGap;
        }
        b.append("</svg>\n");
        return b.toString();
    }

    static String escapeXml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
