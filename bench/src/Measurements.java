import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The measured runs in order: the JIT warm-up, each operation at each connection count, the shared-CPU pass and the paced mix. */
final class Measurements {

    /**
     * JIT warm-up: rounds of every operation (S.warmup seconds each) at the largest connection count, until the JIT
     * compiler threads take under 5% of the service's CPU and a round's throughput is within 5% of the round before
     * (at least two rounds, at most BENCH_WARMUP_MAX seconds in all).
     */
    static String warmup(Data d) throws Exception {
        if (Bench.settings.warmup <= 0 || Bench.settings.ops.isEmpty()) {
            return "none";
        }
        int c = Bench.settings.connections.stream().max(Integer::compare).orElse(16);
        Bench.step("warming up the service (JIT, connection pool): rounds of %d s per operation at %d connections until the rate settles", Bench.settings.warmup, c);
        long start = System.nanoTime();
        double previous = 0;
        List<String> rounds = new ArrayList<>();
        for (int round = 1; ; round++) {
            long requests = 0;
            double seconds = 0;
            double jit = 0;
            double cpu = 0;
            for (Op op : Bench.settings.ops) {
                Measure m = Wrk.run(op.key, c, Bench.settings.warmup, d.sessions, d.users, 0);
                requests += m.requests;
                seconds += m.seconds;
                jit += m.threadCpu.getOrDefault("JIT compiler", 0.0);
                cpu += m.threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
            }
            double rate = seconds == 0 ? 0 : requests / seconds;
            double jitShare = cpu == 0 ? 1 : jit / cpu;
            rounds.add(String.format(Locale.ROOT, "%.0f (JIT %.0f%%)", rate, 100 * jitShare));
            double spent = (System.nanoTime() - start) / 1e9;
            Bench.step("warm-up round %d: %.0f req/s over all operations, JIT compiler %.0f%% of the service's CPU", round, rate, 100 * jitShare);
            // Warm = the JIT has (nearly) stopped compiling and the rate no longer climbs.
            boolean settled = round >= 2 && jitShare < 0.05 && rate < previous * 1.05;
            if (settled || spent + Bench.settings.ops.size() * (Bench.settings.warmup + 1) > Bench.settings.warmupMax) {
                return String.format(Locale.ROOT, "%d rounds, %.0f s, req/s per round %s%s", round, spent, String.join(" -> ", rounds),
                        settled ? "" : " (not settled: BENCH_WARMUP_MAX reached)");
            }
            previous = rate;
        }
    }


    /** One operation at one connection count: pgbench, a CHECKPOINT, then the service; prints the progress line. */
    static Row measure(Op op, int c, Data d, boolean sharedCpus) throws Exception {
        Row row = new Row(op, c);
        row.sharedCpus = sharedCpus;
        long xid = Postgres.xid();
        row.pgbench = Pgbench.run(op, c, Bench.settings.duration, d, "u_lo=1", "u_hi=" + Bench.settings.users, "k_lo=1", "k_hi=" + Bench.settings.sessionsPerUser);
        row.pgbench.xids = Postgres.xid() - xid - 1;
        Postgres.checkpoint();
        xid = Postgres.xid();
        row.service = Wrk.run(op.key, c, Bench.settings.duration, d.sessions, d.users, 0);
        row.service.xids = Postgres.xid() - xid - 1;
        Bench.step("%-48s %3d conns: pgbench %8.0f tx/s p50 %6.2f p99 %7.2f ms | service %8.0f req/s p50 %6.2f p99 %7.2f ms | ratio %.2f%s%s",
                row.label(), c, row.pgbench.throughput, row.pgbench.p50, row.pgbench.p99,
                row.service.throughput, row.service.p50, row.service.p99, row.ratio(),
                row.service.errors + row.pgbench.errors > 0 ? "  ERRORS " + row.service.errors + "/" + row.pgbench.errors : "",
                Math.max(Report.nz(row.service.others), Report.nz(row.pgbench.others)) > 10
                        ? String.format(Locale.ROOT, "  (NOISE: other processes took %.0f%% / %.0f%% of the CPU)", Report.nz(row.service.others), Report.nz(row.pgbench.others)) : "");
        return row;
    }

    /**
     * The layout of the runs before this one, for comparison: PostgreSQL, the (warm) service and the load generators
     * moved onto every CPU, then each operation again at the largest connection count.
     */
    static List<Row> sharedPass(Data d) throws Exception {
        String all = Cpus.allowedCpus().stream().map(String::valueOf).collect(Collectors.joining(","));
        int c = Bench.settings.connections.stream().max(Integer::compare).orElseThrow();
        Bench.step("shared pass: PostgreSQL, the service, wrk and pgbench on CPUs %s, every operation again at %d connections", all, c);
        Cpus.pin(Bench.pg.postmasterPid(), all);
        for (long child : Procfs.children(Bench.pg.postmasterPid()).keySet()) {
            Cpus.pin(child, all);
        }
        Cpus.pin(Bench.service.pid, all);
        String clients = Bench.settings.clientCpus;
        Bench.settings.clientCpus = null;
        List<Row> rows = new ArrayList<>();
        try {
            for (Op op : Bench.settings.ops) {
                rows.add(measure(op, c, d, true));
            }
        } finally {
            Bench.settings.clientCpus = clients;
        }
        return rows;
    }

    /** The mix at the largest connection count, paced to 70% of the service's best mix throughput. */
    static Measure pacedRun(List<Row> rows, Data d) throws Exception {
        Row best = rows.stream().filter(r -> r.op == Op.MIX).max(Comparator.comparingDouble(r -> r.service.throughput)).orElse(null);
        if (best == null || best.service.throughput <= 0) {
            return null;
        }
        int c = Bench.settings.connections.stream().max(Integer::compare).orElseThrow();
        double rate = 0.7 * best.service.throughput;
        Postgres.checkpoint();
        Measure m = Wrk.run("mix", c, Bench.settings.duration, d.sessions, d.users, rate);
        m.op = "mix paced";
        Bench.step("mix paced to %.0f req/s (70%% of %.0f) at %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors, %d pool timeouts",
                rate, best.service.throughput, c, m.throughput, m.p50, m.p99, m.errors, m.poolTimeouts);
        return m;
    }
}
