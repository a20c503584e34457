import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** PostgreSQL's side of a measurement: pgbench running the service's own statements (bench/pgbench). */
final class Pgbench {

    static Measure run(Op op, int conns, int seconds, Data d, String... vars) throws Exception {
        return run(op.key, op.scripts, conns, seconds, d, vars);
    }

    static Measure run(String key, String scripts, int conns, int seconds, Data d, String... vars) throws Exception {
        Postgres.checkpoint();
        Measure m = new Measure();
        m.side = "pgbench";
        m.op = key;
        m.connections = conns;
        String tag = "pgbench-" + key + "-c" + conns + "-" + System.nanoTime() % 100000;
        Path logDir = Bench.settings.work.resolve("runs").resolve(tag);
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-c", String.valueOf(conns),
                // -T includes connecting all clients, so never less than 2 s (throughput excludes connection time)
                "-j", String.valueOf(Math.max(1, Math.min(Bench.settings.threads, conns))), "-T", String.valueOf(Math.max(2, seconds)),
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
            cmd.add(Bench.BENCH.resolve("pgbench").resolve(parts[0]) + (parts.length > 1 ? "@" + parts[1] : ""));
        }
        cmd.add(Postgres.DB);
        int backendsBefore = Procfs.postgresChildren();
        CpuSnapshot before = CpuSnapshot.take();
        String out = LoadGenerator.runLoad(cmd, tag, seconds + 180L, m);
        Procfs.awaitPostgresChildren(backendsBefore);
        CpuSnapshot.take().into(m, before);
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
            m.errorDetail += " " + Shell.tail(out.lines().filter(l -> l.contains("aborted") || l.contains("ERROR")).collect(Collectors.joining("\n")), 3);
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
            LoadGenerator.emptyRun(m, "no transaction completed");
        }
        m.seconds = m.throughput > 0 ? m.requests / m.throughput : seconds;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        m.p50 = percentile(sorted, 50) / 1000.0;
        m.p99 = percentile(sorted, 99) / 1000.0;
        m.max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0;
        Shell.deleteTree(logDir);
        return m;
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
