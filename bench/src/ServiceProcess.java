import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The service under test as a process: the jar (or BENCH_JAVA_CMD) against the benchmark's PostgreSQL; its CPU,
 * memory and pool-acquire timeouts read from /proc and its log.
 */
final class ServiceProcess {
    Process process;
    long pid;
    int port;
    int managementPort;
    Path log;

    static ServiceProcess start() throws Exception {
        return start("service.log", Map.of());
    }

    /** {@code extraEnv}: settings of this instance only (the fan-out's raised per-user stream limit). */
    static ServiceProcess start(String logName, Map<String, String> extraEnv) throws Exception {
        ServiceProcess s = new ServiceProcess();
        s.port = Shell.freePort();
        s.managementPort = Shell.freePort();
        s.log = Bench.settings.work.resolve(logName);
        List<String> cmd = Cpus.on(Bench.settings.clientCpus, Bench.settings.javaCmd);
        Map<String, String> env = dbEnv();
        env.putAll(extraEnv);
        env.put("PORT", String.valueOf(s.port));
        env.put("MANAGEMENT_PORT", String.valueOf(s.managementPort));
        // The per-user rate limit (50/s by default) would turn the single-user scale check into 429s: the filter
        // still runs on every request, with a budget no run reaches.
        for (String name : List.of("RATE_LIMIT_REQUESTS_PER_SECOND", "RATE_LIMIT_BURST")) {
            env.put(name, System.getenv().getOrDefault(name, "1000000"));
        }
        Bench.step("starting the service on 127.0.0.1:%d: %s (pool: DB_POOL_MAX_SIZE=%s, DB_POOL_INITIAL_SIZE=%s)", s.port,
                String.join(" ", cmd).length() > 160 ? String.join(" ", cmd).substring(0, 160) + "..." : String.join(" ", cmd),
                System.getenv().getOrDefault("DB_POOL_MAX_SIZE", "default"), System.getenv().getOrDefault("DB_POOL_INITIAL_SIZE", "default"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Bench.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectOutput(s.log.toFile());
        s.process = pb.start();
        s.pid = s.process.pid();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            if (!s.process.isAlive()) {
                throw new Failure("the service exited with " + s.process.exitValue() + ":\n" + Shell.tail(Files.readString(s.log), 40));
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
                throw new Failure("the service was not ready within 180 s:\n" + Shell.tail(Files.readString(s.log), 40));
            }
            Thread.sleep(250);
        }
        Bench.step("service ready (pid %d, RSS %d MiB)", s.pid, s.status("VmRSS") / 1024);
        return s;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    long cpuTicks() {
        return Procfs.procTicks(pid, false);
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
                    groups.merge(Procfs.threadGroup(name), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
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

    static void prepareJar() throws Exception {
        if (Bench.settings.customJavaCmd) {
            return;
        }
        Path jar = Bench.ROOT.resolve("target/chat-sessions.jar");
        if (Bench.settings.build || !Files.exists(jar)) {
            Bench.step("building target/chat-sessions.jar: ./mvnw -q -B package -DskipTests");
            int code = Shell.exec(List.of(Bench.ROOT.resolve("mvnw").toString(), "-q", "-B", "package", "-DskipTests"), Map.of(),
                    Bench.settings.work.resolve("build.log"), 1200);
            if (code != 0 || !Files.exists(jar)) {
                throw new Failure("the build failed, see " + Bench.settings.work.resolve("build.log"));
            }
            return;
        }
        long jarTime = Files.getLastModifiedTime(jar).toMillis();
        try (Stream<Path> files = Stream.concat(Files.walk(Bench.ROOT.resolve("src/main")), Files.walk(Bench.ROOT.resolve("db")))) {
            List<Path> newer = files.filter(Files::isRegularFile)
                    .filter(p -> p.toFile().lastModified() > jarTime).limit(3).toList();
            if (!newer.isEmpty()) {
                Bench.step("WARNING: target/chat-sessions.jar is older than %s%s - measuring the old jar (run with --build to rebuild)",
                        Bench.ROOT.relativize(newer.get(0)), newer.size() > 1 ? " and others" : "");
            }
        }
    }

    static Map<String, String> dbEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", String.valueOf(Bench.pg.port));
        env.put("POSTGRES_DB", Postgres.DB);
        env.put("POSTGRES_USER", Postgres.DB_USER);
        env.put("POSTGRES_PASSWORD", Postgres.DB_PASSWORD);
        env.put("AUTH_JWT_SECRET", Jwt.SECRET);
        return env;
    }

    static void runJava(List<String> args, Path output, long timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>(Bench.settings.javaCmd);
        cmd.addAll(args);
        int code = Shell.exec(cmd, dbEnv(), output, timeoutSeconds);
        if (code != 0) {
            throw new Failure(String.join(" ", cmd) + " exited " + code + ":\n" + Shell.tail(Files.readString(output), 30));
        }
    }
}
