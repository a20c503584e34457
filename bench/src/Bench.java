import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The chat-sessions benchmark driver: `bench/run.sh [--smoke] [--profile] [--build]` compiles the files of bench/src
 * (JDK only, no dependencies) and runs this class, which runs every step in order and stops what it started.
 * See docs/BENCHMARKS.md for what it measures and how.
 */
public final class Bench {

    static final String FIRST_LINE = "chat-sessions benchmark: the service over HTTP (wrk) vs PostgreSQL running the service's own SQL (pgbench), "
            + "side by side in one run%s - throughput, p50/p99 latency and the service/pgbench ratio for append one, batch append, "
            + "read newest 50, list 20 sessions, a 60/20/20 mix, stream an answer and give feedback at %s connections; the service's peak RSS "
            + "and CPU seconds per 1,000 requests; p99 at 70%% of peak; the events fan-out; read/list latency vs history size with "
            + "EXPLAIN (ANALYZE, BUFFERS)%s";

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path BENCH = ROOT.resolve("bench");

    static Settings settings;
    static final long START = System.nanoTime();
    static PrintStream log;
    static Postgres pg;
    static ServiceProcess service;

    public static void main(String[] args) {
        int status;
        try {
            settings = Settings.parse(args);
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
        String conns = settings.connections.stream().map(String::valueOf).collect(Collectors.joining(" and "));
        System.out.println(String.format(FIRST_LINE, Cpus.layoutPhrase(), conns, settings.smoke ? " [SMOKE RUN: tiny data, 1 s per measurement, figures meaningless]" : ""));
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::shutdown));
        Files.createDirectories(settings.work);
        Files.createDirectories(settings.results);
        log = new PrintStream(Files.newOutputStream(settings.work.resolve("bench.log")), true, StandardCharsets.UTF_8);

        checkTools();
        ServiceProcess.prepareJar();

        pg = new Postgres(Postgres.pgDataDir(), Shell.freePort());
        step("starting PostgreSQL %s on 127.0.0.1:%d (data in %s)", pg.version(), pg.port, ROOT.relativize(pg.data));
        pg.initAndStart();
        pg.psqlAdmin("CREATE DATABASE " + Postgres.DB);

        step("migrating the schema: %s migrate", String.join(" ", settings.javaCmd));
        ServiceProcess.runJava(List.of("migrate"), settings.work.resolve("migrate.log"), 300);

        Data data = DataLoader.load();
        service = ServiceProcess.start();
        SanityCheck.run(data);
        RoundTrips.Result roundTrips = settings.ops.contains(Op.STREAM) || settings.ops.contains(Op.FEEDBACK) ? RoundTrips.run(data) : null;

        List<Row> rows = new ArrayList<>();
        Profiler profiler = settings.profile ? new Profiler() : null;
        data.warmup = Measurements.warmup(data);
        for (Op op : settings.ops) {
            for (int c : settings.connections) {
                rows.add(Measurements.measure(op, c, data, false));
            }
        }
        Measure paced = Measurements.pacedRun(rows, data);
        List<ScaleCase> scale = ScaleCheck.run(data);
        List<Row> sharedRows = settings.sharedPass ? Measurements.sharedPass(data) : List.of();
        long hwm = service.status("VmHWM");
        long rss = service.status("VmRSS");
        int poolTimeoutsTotal = service.poolTimeouts(0);
        if (profiler != null) {
            // Separate runs, after every measurement: a recording never weighs on a measured figure.
            int c = settings.connections.stream().max(Integer::compare).orElseThrow();
            step("profiling (JFR, settings=profile): %d s per operation at %d connections, not part of the figures above", settings.duration, c);
            for (Op op : settings.ops) {
                profiler.start(service, op.key + "-" + c);
                Measure m = Wrk.run(op.key, c, settings.duration, data.sessions, data.users, 0);
                profiler.stop(service, op.key + "-" + c, m);
            }
        }
        service.stop();
        String profile = profiler == null ? null : profiler.report();
        service = null;
        Fanout.Result fanout = settings.fanout ? Fanout.run(data) : null;

        String report = Report.render(data, rows, sharedRows, paced, scale, hwm, rss, poolTimeoutsTotal, profile, roundTrips, fanout);
        System.out.println();
        System.out.println(report);
        Path svg = settings.results.resolve("ratios.svg");
        List<Row> plotted = new ArrayList<>(rows);
        plotted.addAll(sharedRows);
        Files.writeString(svg, RatioPlot.svg(plotted, data));
        Files.writeString(settings.results.resolve("latest.md"), report);
        if (settings.updateDocs) {
            BenchmarksMd.update(report);
            step("wrote %s, %s and the results section of docs/BENCHMARKS.md", ROOT.relativize(svg), ROOT.relativize(settings.results.resolve("latest.md")));
        } else {
            step("wrote %s and %s", ROOT.relativize(svg), ROOT.relativize(settings.results.resolve("latest.md")));
        }
        long errors = plotted.stream().mapToLong(r -> r.service.errors + r.pgbench.errors).sum()
                + (paced == null ? 0 : paced.errors) + scale.stream().mapToLong(c -> c.service.errors + c.pgbench.errors).sum()
                + (fanout == null ? 0 : fanout.errors) + (roundTrips == null ? 0 : roundTrips.errors);
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

    static void checkTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("wrk", "pgbench", "psql")) {
            if (Shell.which(tool) == null) {
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
}
