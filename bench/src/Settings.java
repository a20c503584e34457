import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The run's settings: the command-line flags and the BENCH_* environment variables (docs/BENCHMARKS.md lists them). */
final class Settings {
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
    /** BENCH_OPS holds "fanout": the events fan-out runs, with this many streams (BENCH_FANOUT_STREAMS). */
    boolean fanout;
    int fanoutStreams;
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

    static Settings parse(String[] args) {
        Settings s = new Settings();
        for (String arg : args) {
            switch (arg) {
                case "--smoke" -> s.smoke = true;
                case "--profile" -> s.profile = true;
                case "--build" -> s.build = true;
                case "-h", "--help" -> {
                    System.out.println("usage: bench/run.sh [--smoke] [--profile] [--build]   (see docs/BENCHMARKS.md for the BENCH_* settings)");
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
        String ops = env.getOrDefault("BENCH_OPS", "append,batch,read,list,mix,stream,feedback,fanout");
        s.ops = new ArrayList<>();
        for (String key : ops.split(",")) {
            if (key.trim().equals("fanout")) {
                s.fanout = true;
                continue;
            }
            Op op = Arrays.stream(Op.values()).filter(o -> o.key.equals(key.trim())).findFirst()
                    .orElseThrow(() -> new Failure("BENCH_OPS: unknown operation '" + key + "' (append, batch, read, list, mix, stream, feedback, fanout)"));
            s.ops.add(op);
        }
        s.fanoutStreams = intEnv(env, "BENCH_FANOUT_STREAMS", s.smoke ? 50 : 1000);
        s.work = Bench.ROOT.resolve(env.getOrDefault("BENCH_WORK_DIR", s.smoke ? "target/bench-smoke" : "target/bench")).toAbsolutePath();
        s.updateDocs = !s.smoke && !"0".equals(env.get("BENCH_UPDATE_DOCS"));
        s.results = s.updateDocs ? Bench.BENCH.resolve("results") : s.work.resolve("results");
        String layout = env.getOrDefault("BENCH_CPU_LAYOUT", "split").trim();
        List<Integer> cpus = Cpus.allowedCpus();
        if (!layout.equals("split") && !layout.equals("shared")) {
            throw new Failure("BENCH_CPU_LAYOUT must be split or shared, got '" + layout + "'");
        }
        if (layout.equals("split") && cpus.size() >= 2 && Shell.which("taskset") != null) {
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
}
