import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Where the processes run: the CPUs this process may use, and the split layout (PostgreSQL on CPUs of its own). */
final class Cpus {

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
        Shell.execOrFail(List.of("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid)), Map.of(), 30);
    }

    static String layoutPhrase() {
        return Bench.settings.dbCpus == null ? ", every process on every CPU"
                : ", PostgreSQL on a CPU of its own so pgbench measures the database's limit (then a shared-CPU pass for comparison)";
    }

    /** The CPU layout in words, for the report. */
    static String layoutDescription() {
        return Bench.settings.dbCpus == null
                ? "shared: PostgreSQL, the service and the load generator all run on every CPU"
                : "split: PostgreSQL alone on CPU " + Bench.settings.dbCpus + "; the service and wrk, or pgbench, on CPU " + Bench.settings.clientCpus;
    }

    static List<String> on(String cpus, List<String> cmd) {
        if (cpus == null) {
            return cmd;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
        pinned.addAll(cmd);
        return pinned;
    }
}
