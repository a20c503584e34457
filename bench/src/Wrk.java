import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's side of a measurement: wrk with bench/wrk/chat.lua against the service over HTTP. */
final class Wrk {

    static Measure run(String op, int conns, int seconds, Path sessions, Path users, double rate) throws Exception {
        return run(op, conns, seconds, sessions, users, rate, "");
    }

    /** {@code readQuery}: appended to the read path, e.g. "?limit=10" (empty: the service's default page). */
    static Measure run(String op, int conns, int seconds, Path sessions, Path users, double rate, String readQuery) throws Exception {
        Measure m = new Measure();
        m.side = "service";
        m.op = op;
        m.connections = conns;
        int threads = Math.max(1, Math.min(Bench.settings.threads, conns));
        String tag = "wrk-" + op + "-c" + conns + (rate > 0 ? "-paced" : "") + "-" + System.nanoTime() % 100000;
        List<String> cmd = List.of("wrk", "-t" + threads, "-c" + conns, "-d" + seconds + "s", "--timeout", "10s",
                "-s", Bench.BENCH.resolve("wrk/chat.lua").toString(), Bench.service.url(""), "--",
                op, sessions.toString(), users.toString(), sessions.getParent().toString(),
                rate > 0 ? String.format(Locale.ROOT, "%.3f", rate / threads) : "0", readQuery);
        CpuSnapshot before = CpuSnapshot.take();
        String out = LoadGenerator.runLoad(cmd, tag, seconds + 120L, m);
        CpuSnapshot.take().into(m, before);
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
            LoadGenerator.emptyRun(m, "no request completed");
        }
        m.seconds = v.get("duration_us") / 1e6;
        m.throughput = m.requests / m.seconds;
        m.p50 = v.get("p50_us") / 1000.0;
        m.p99 = v.get("p99_us") / 1000.0;
        m.max = v.get("max_us") / 1000.0;
        if (v.containsKey("answers")) {
            // stream: the row's figures are per answer, as pgbench's (one transaction per answer); per request kept aside
            m.httpRequests = m.requests;
            m.httpThroughput = m.throughput;
            m.httpP50 = m.p50;
            m.httpP99 = m.p99;
            m.requests = v.get("answers");
            m.throughput = m.requests / m.seconds;
            m.p50 = v.get("answer_p50_us") / 1000.0;
            m.p99 = v.get("answer_p99_us") / 1000.0;
            m.max = v.get("answer_max_us") / 1000.0;
            m.steps = String.format(Locale.ROOT, "%,d creates, %,d PATCHes, %,d completions", v.get("creates"), v.get("patches"), v.get("completes"));
            if (m.requests == 0) {
                LoadGenerator.emptyRun(m, "no answer completed");
            }
        }
        long errors = v.get("connect") + v.get("read") + v.get("write") + v.get("status") + v.get("timeout");
        m.errors += errors;
        if (errors > 0) {
            m.errorDetail += String.format(" connect %d, read %d, write %d, HTTP >= 400: %d, timeout %d",
                    v.get("connect"), v.get("read"), v.get("write"), v.get("status"), v.get("timeout"));
        }
        return m;
    }
}
