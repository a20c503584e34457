import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** --profile: a JFR recording (settings=profile) of the service during each run at the largest connection count. */
final class Profiler {
    final Map<String, Path> recordings = new LinkedHashMap<>();
    final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    final Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");

    void start(ServiceProcess s, String tag) throws Exception {
        Path file = Bench.settings.work.resolve("profile").resolve(tag + ".jfr");
        Files.createDirectories(file.getParent());
        Shell.execOrFail(List.of(jcmd.toString(), String.valueOf(s.pid), "JFR.start", "name=" + tag, "settings=profile"), Map.of(), 60);
        recordings.put(tag, file);
    }

    final Map<String, Measure> runs = new HashMap<>();

    void stop(ServiceProcess s, String tag, Measure run) throws Exception {
        Shell.execOrFail(List.of(jcmd.toString(), String.valueOf(s.pid), "JFR.stop", "name=" + tag, "filename=" + recordings.get(tag)), Map.of(), 60);
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
            b.append("\n#### ").append(e.getKey()).append(" connections (").append(Report.fmt(run.throughput, 0)).append(" req/s while recording): ")
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
