import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The scale check: read and list latency against history size at one connection, with the service's plan (EXPLAIN). */
final class ScaleCheck {

    static List<ScaleCase> run(Data d) throws Exception {
        List<ScaleCase> cases = new ArrayList<>();
        for (int i = 0; i < Bench.settings.readSizes.length; i++) {
            ScaleCase c = new ScaleCase();
            c.op = Op.READ;
            c.history = Bench.settings.readSizes[i];
            c.title = String.format(Locale.ROOT, "read newest 50, session of %,d messages", Bench.settings.readSizes[i]);
            c.user = Bench.settings.users + 3;
            c.k = i + 1;
            cases.add(c);
        }
        // The smallest session holds 10 messages, so "newest 50" returns 10 rows there and 50 elsewhere: a page of 10
        // from every session separates the cost of history from the cost of the page.
        for (int i = 0; i < Bench.settings.readSizes.length; i++) {
            ScaleCase c = new ScaleCase();
            c.op = Op.READ;
            c.limit = Bench.settings.readSizes[0];
            c.history = Bench.settings.readSizes[i];
            c.title = String.format(Locale.ROOT, "read newest %d, session of %,d messages", c.limit, Bench.settings.readSizes[i]);
            c.user = Bench.settings.users + 3;
            c.k = i + 1;
            cases.add(c);
        }
        int[] lists = {Bench.settings.listSmall, Bench.settings.listLarge};
        for (int i = 0; i < 2; i++) {
            ScaleCase c = new ScaleCase();
            c.op = Op.LIST;
            c.history = lists[i];
            c.title = String.format(Locale.ROOT, "list 20 sessions, user with %,d sessions", lists[i]);
            c.user = Bench.settings.users + 1 + i;
            c.k = 1;
            cases.add(c);
        }
        Bench.step("scale check: one connection, %d s per case and side", Bench.settings.scaleDuration);
        for (ScaleCase c : cases) {
            c.pgbench = Pgbench.run(c.op.key, c.op.scripts, 1, Bench.settings.scaleDuration, d,
                    "u_lo=" + c.user, "u_hi=" + c.user, "k_lo=" + c.k, "k_hi=" + c.k, "page=" + c.limit);
            Path users = d.dir.resolve("user-scale-" + (c.user - Bench.settings.users) + ".txt");
            Path sessions = c.op == Op.READ ? d.dir.resolve("session-scale-" + c.k + ".txt") : d.noSessions;
            c.service = Wrk.run(c.op.key, 1, Bench.settings.scaleDuration, sessions, users, 0, c.limit == Op.SERVICE_PAGE ? "" : "?limit=" + c.limit);
            c.explain = c.limit == Op.SERVICE_PAGE ? explain(c) : null;
            Bench.step("%-48s pgbench p50 %.3f p99 %.3f ms | service p50 %.3f p99 %.3f ms", c.title, c.pgbench.p50, c.pgbench.p99, c.service.p50, c.service.p99);
        }
        return cases;
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the service's statement (quoted in the pgbench script's header) as a prepared statement,
     * after six executions, so the plan shown is the one a long-lived connection of the service uses (custom or generic).
     */
    static String explain(ScaleCase c) throws Exception {
        PgbenchScript script = PgbenchScript.read(Bench.BENCH.resolve("pgbench").resolve(c.op.scripts));
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
        Path file = Bench.settings.work.resolve("explain.sql");
        Files.writeString(file, sql);
        String out = Shell.execOrFail(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString()), Postgres.libpqEnv(), 120);
        return "-- " + script.service + " with " + String.join(", ", args) + "\n" + out.stripTrailing();
    }
}
