import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Readings from /proc: CPU ticks of a process and its children, the service's threads by what they do, the machine. */
final class Procfs {

    static final long CLK_TCK = 100;

    static int postgresChildren() {
        try {
            return childrenStats(Bench.pg.postmasterPid()).size();
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
}
