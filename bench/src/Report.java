import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The report: the Markdown that bench/run.sh prints, writes to results/latest.md and into docs/BENCHMARKS.md. */
final class Report {

    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String render(Data d, List<Row> rows, List<Row> sharedRows, Measure paced, List<ScaleCase> scale, long hwmKb, long rssKb, int poolTimeouts,
                         String profile, RoundTrips.Result roundTrips, Fanout.Result fanout) throws Exception {
        StringBuilder b = new StringBuilder();
        header(b, d, sharedRows);
        throughput(b, rows, sharedRows);
        List<Row> all = new ArrayList<>(rows);
        all.addAll(sharedRows);
        resources(b, all, hwmKb, rssKb, poolTimeouts);
        cpuByThread(b, all);
        errors(b, all, scale, paced);
        pacedMix(b, rows, paced);
        lifecycle(b, all, roundTrips);
        if (Bench.settings.fanout) {
            Fanout.report(b, fanout);
        }
        scaleCheck(b, scale);
        if (profile != null) {
            b.append("\n### Profile of the service (JFR, settings=profile; separate runs after the measurements)\n").append(profile);
        }
        return b.toString();
    }

    /** What was run, where, on what data, and how each measurement was taken. */
    static void header(StringBuilder b, Data d, List<Row> sharedRows) throws Exception {
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now());
        String conns = Bench.settings.connections.stream().map(String::valueOf).collect(Collectors.joining(" and "));
        b.append(String.format(Bench.FIRST_LINE, Cpus.layoutPhrase(), conns, Bench.settings.smoke ? " [SMOKE RUN: tiny data, 1 s per measurement, figures meaningless]" : "")).append("\n\n");
        String commit = "";
        try {
            commit = Shell.execOrFail(List.of("git", "rev-parse", "--short", "HEAD"), Map.of(), 10).trim()
                    + (Shell.execOrFail(List.of("git", "status", "--porcelain", "--", "src/main", "pom.xml", "db"), Map.of(), 10).isBlank() ? "" : " (+ uncommitted changes)");
        } catch (Exception e) {
            commit = "unknown";
        }
        b.append(String.format(Locale.ROOT, "- run: %s, %s mode, commit %s, took %s%n", when, Bench.settings.smoke ? "smoke" : "full", commit, Bench.elapsed()));
        b.append(String.format(Locale.ROOT, "- machine: %d cores, %.0f GiB; %s%n",
                Runtime.getRuntime().availableProcessors(), Procfs.memTotalGiB(), Procfs.cpuModel()));
        b.append(String.format(Locale.ROOT, "- CPU layout: %s%s%n", Cpus.layoutDescription(),
                sharedRows.isEmpty() ? "" : "; then a shared pass with every process on every CPU, for comparison"));
        b.append(String.format(Locale.ROOT, "- PostgreSQL %s (synchronous_commit=on, fsync=on, shared_buffers=%s), %s, %s%n",
                Bench.pg.version(), Bench.settings.sharedBuffers, firstLine(Shell.execOrFail(List.of("pgbench", "--version"), Map.of(), 10)),
                firstLine(Shell.execOrFail(List.of("sh", "-c", "wrk --version 2>&1 | head -1"), Map.of(), 10)).replaceAll(" Copyright.*", "")));
        b.append(String.format(Locale.ROOT, "- service: `%s` (Java %s), pool DB_POOL_MAX_SIZE=%s, DB_POOL_INITIAL_SIZE=%s, "
                + "per-user rate limit raised out of reach (RATE_LIMIT_REQUESTS_PER_SECOND=%s)%n",
                shorten(String.join(" ", Bench.settings.javaCmd).replace(Settings.javaExecutable(), "java"), 160) + (Bench.settings.customJavaCmd ? " (BENCH_JAVA_CMD)" : ""),
                System.getProperty("java.version"), System.getenv().getOrDefault("DB_POOL_MAX_SIZE", "20 (default)"),
                System.getenv().getOrDefault("DB_POOL_INITIAL_SIZE", "2 (default)"),
                System.getenv().getOrDefault("RATE_LIMIT_REQUESTS_PER_SECOND", "1000000")));
        b.append(String.format(Locale.ROOT, "- data: %,d users, %,d sessions, %,d messages (messages table %s, database %s), loaded in %.0f s%n",
                d.userCount, d.sessionCount, d.messageCount, d.messagesSize, d.databaseSize, d.loadSeconds));
        b.append(String.format(Locale.ROOT, "- each measurement %d s after a CHECKPOINT, pgbench first, then the service (wrk -t%d, pgbench -j%d -M prepared); "
                + "service warm-up before measuring: %s%n", Bench.settings.duration, Bench.settings.threads, Bench.settings.threads, d.warmup));
    }

    /** Service vs pgbench per operation and connection count, the plot, and the shared pass. */
    static void throughput(StringBuilder b, List<Row> rows, List<Row> sharedRows) {
        b.append("\n### Throughput and latency: service vs pgbench, same SQL, same number of connections\n\n");
        b.append("| operation | conns | pgbench tx/s | pgbench p50 / p99 ms | service req/s | service p50 / p99 ms | ratio | target | |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            double ratio = r.ratio();
            String verdict = Double.isNaN(r.op.target) ? "" : ratio >= r.op.target ? "met" : "**missed**";
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s | %s / %s | %s | %s | %s |%n",
                    r.op.title, r.connections, fmt(r.pgbench.throughput, 0), fmt(r.pgbench.p50, 2), fmt(r.pgbench.p99, 2),
                    fmt(r.service.throughput, 0), fmt(r.service.p50, 2), fmt(r.service.p99, 2), fmt(ratio, 2),
                    Double.isNaN(r.op.target) ? "-" : ">= " + fmt(r.op.target, 2), verdict));
        }
        b.append("\n![service / pgbench throughput](").append(Bench.settings.updateDocs ? "../bench/results/ratios.svg" : "ratios.svg").append(")\n");
        if (!sharedRows.isEmpty()) {
            b.append("\n### The same operations with every process on every CPU (shared pass, for comparison)\n\n");
            b.append("PostgreSQL, the warm service and the load generator moved onto all CPUs, as in the runs before the split layout: "
                    + "here the ratio mostly compares the CPU the service and wrk spend per request with what pgbench spends, since "
                    + "every cycle either takes is one PostgreSQL does not get.\n\n");
            b.append("| operation | conns | pgbench tx/s | pgbench p50 / p99 ms | service req/s | service p50 / p99 ms | ratio | target |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : sharedRows) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s | %s / %s | %s | %s |%n",
                        r.op.title, r.connections, fmt(r.pgbench.throughput, 0), fmt(r.pgbench.p50, 2), fmt(r.pgbench.p99, 2),
                        fmt(r.service.throughput, 0), fmt(r.service.p50, 2), fmt(r.service.p99, 2), fmt(r.ratio(), 2),
                        Double.isNaN(r.op.target) ? "-" : "(>= " + fmt(r.op.target, 2) + ")"));
            }
        }
    }

    /** CPU per 1,000 requests on each side, how busy the machine was, RSS, errors and pool-acquire timeouts. */
    static void resources(StringBuilder b, List<Row> all, long hwmKb, long rssKb, int poolTimeouts) {
        b.append("\n### Resources per run (CPU seconds per 1,000 requests or transactions)\n\n");
        b.append("| operation | conns | service CPU | PostgreSQL CPU, service run / pgbench run | wrk / pgbench CPU | machine busy %, service run / pgbench run | of which outside the benchmark's processes %, service run / pgbench run | service RSS MiB | errors (service / pgbench) | pool-acquire timeouts |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double worstNoise = 0;
        for (Row r : all) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s | %d / %d | %d |%n",
                    r.label(), r.connections, fmt(r.service.perThousand(r.service.serviceCpu), 3),
                    fmt(r.service.perThousand(r.service.pgCpu), 3), fmt(r.pgbench.perThousand(r.pgbench.pgCpu), 3),
                    fmt(r.service.perThousand(r.service.clientCpu), 3), fmt(r.pgbench.perThousand(r.pgbench.clientCpu), 3),
                    fmt(r.service.busy, 0), fmt(r.pgbench.busy, 0), fmt(r.service.others, 0), fmt(r.pgbench.others, 0),
                    fmt(r.service.rssKb / 1024.0, 0), r.service.errors, r.pgbench.errors, r.service.poolTimeouts));
            worstNoise = Math.max(worstNoise, Math.max(nz(r.service.others), nz(r.pgbench.others)));
        }
        if (worstNoise > 10) {
            b.append(String.format(Locale.ROOT, "%n**Warning: up to %.0f%% of the machine's CPU went to processes outside the benchmark during a run: "
                    + "the figures of such runs are not comparable; run again on an idle machine.**%n", worstNoise));
        }
        b.append(String.format(Locale.ROOT, "%nService peak RSS (VmHWM): **%s MiB**; RSS at the end: %s MiB. Pool-acquire timeouts in the service's log over the whole run: **%d**.%n",
                fmt(hwmKb / 1024.0, 0), fmt(rssKb / 1024.0, 0), poolTimeouts));
    }

    /** The service's CPU by thread group, per run. */
    static void cpuByThread(StringBuilder b, List<Row> all) {
        b.append("\n### Where the service's CPU goes (share of its CPU time per run, by thread; from /proc/<pid>/task)\n\n");
        List<String> groups = new ArrayList<>();
        for (String[] g : Procfs.THREAD_GROUPS) {
            if (!groups.contains(g[1])) {
                groups.add(g[1]);
            }
        }
        groups.add("other JVM threads");
        List<String> shown = groups.stream().filter(g -> all.stream().anyMatch(r -> r.service.threadCpu.getOrDefault(g, 0.0) > 0.005 * Math.max(1e-9, r.service.serviceCpu))).toList();
        b.append("| operation | conns | service CPU s |");
        shown.forEach(g -> b.append(' ').append(g).append(" |"));
        b.append("\n|---|---:|---:|");
        shown.forEach(g -> b.append("---:|"));
        b.append('\n');
        for (Row r : all) {
            double total = r.service.threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
            b.append(String.format(Locale.ROOT, "| %s | %d | %s |", r.label(), r.connections, fmt(r.service.serviceCpu, 1)));
            for (String g : shown) {
                b.append(' ').append(total <= 0 ? "-" : fmt(100 * r.service.threadCpu.getOrDefault(g, 0.0) / total, 0) + "%").append(" |");
            }
            b.append('\n');
        }
    }

    /** Every measurement that had errors, with what went wrong (nothing when there were none). */
    static void errors(StringBuilder b, List<Row> all, List<ScaleCase> scale, Measure paced) {
        List<String> errors = new ArrayList<>();
        for (Row r : all) {
            for (Measure m : List.of(r.pgbench, r.service)) {
                if (m.errors > 0) {
                    errors.add(String.format(Locale.ROOT, "- %s %s at %d: %d errors:%s", m.side, r.label(), r.connections, m.errors, m.errorDetail));
                }
            }
        }
        for (ScaleCase c : scale) {
            for (Measure m : List.of(c.pgbench, c.service)) {
                if (m.errors > 0) {
                    errors.add(String.format(Locale.ROOT, "- %s, scale check %s: %d errors:%s", m.side, c.title, m.errors, m.errorDetail));
                }
            }
        }
        if (paced != null && paced.errors > 0) {
            errors.add(String.format(Locale.ROOT, "- service, mix paced: %d errors:%s", paced.errors, paced.errorDetail));
        }
        if (!errors.isEmpty()) {
            b.append("\nErrors:\n").append(String.join("\n", errors)).append('\n');
        }
    }

    /** p99 of the mix paced to 70% of the service's peak. */
    static void pacedMix(StringBuilder b, List<Row> rows, Measure paced) {
        b.append("\n### p99 at 70% of the service's peak throughput (mix, open-loop pacing)\n\n");
        if (paced == null) {
            b.append("not measured (the mix was not run)\n");
        } else {
            b.append("| offered req/s | achieved req/s | conns | p50 ms | p99 ms | target p99 | errors | pool-acquire timeouts | |\n|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            double offered = 0.7 * rows.stream().filter(r -> r.op == Op.MIX).mapToDouble(r -> r.service.throughput).max().orElse(0);
            boolean met = paced.p99 <= 25 && paced.errors == 0 && paced.poolTimeouts == 0;
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | <= 25 ms, no errors | %d | %d | %s |%n",
                    fmt(offered, 0), fmt(paced.throughput, 0), paced.connections, fmt(paced.p50, 2), fmt(paced.p99, 2),
                    paced.errors, paced.poolTimeouts, met ? "met" : "**missed**"));
        }
    }

    /**
     * Stream an answer and give feedback: the stream rows per request as well as per answer, the write transactions
     * PostgreSQL counted per request or transaction (pg_notify's among them), and the round-trip check.
     */
    static void lifecycle(StringBuilder b, List<Row> all, RoundTrips.Result roundTrips) {
        List<Row> rows = all.stream().filter(r -> r.op == Op.STREAM || r.op == Op.FEEDBACK).toList();
        if (rows.isEmpty()) {
            return;
        }
        b.append("\n### Stream an answer and give feedback: per request, per answer, write transactions\n\n");
        b.append("| operation | conns | service req/s | service p50 / p99 ms per request | service answers/s | pgbench tx/s (statements/s) | "
                + "write transactions per answer or request, service / pgbench | requests |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            boolean stream = r.op == Op.STREAM;
            int statements = stream ? 2 + DataLoader.STREAM_PATCHES : 1;
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s / %s | %s | %s (%s) | %s / %s | %s |%n", r.label(), r.connections,
                    fmt(stream ? r.service.httpThroughput : r.service.throughput, 0),
                    fmt(stream ? r.service.httpP50 : r.service.p50, 2), fmt(stream ? r.service.httpP99 : r.service.p99, 2),
                    stream ? fmt(r.service.throughput, 0) : "-", fmt(r.pgbench.throughput, 0), fmt(statements * r.pgbench.throughput, 0),
                    perUnit(r.service), perUnit(r.pgbench), stream ? r.service.steps : "-"));
        }
        b.append("\nFor stream the main table's figures are per answer on both sides: the service's latency of an answer is the sum of its "
                + "7 requests' latencies (pgbench's is its transaction of 7 statements), and its resources row is per 1,000 answers. Write transactions: transaction ids PostgreSQL "
                + "handed out during the run (txid_current() before and after) per answer or request; the service's include the "
                + "pg_notify it sends after a commit for live events (coalesced per pod), the abandoned-message sweeper's batches and, "
                + "for stream, answers still in flight when the run ended.\n");
        if (roundTrips != null) {
            RoundTrips.report(b, roundTrips);
        }
    }

    static String perUnit(Measure m) {
        return m.xids < 0 || m.requests == 0 ? "-" : fmt(m.xids / (double) m.requests, 2);
    }

    /** Latency against history size, the flatness verdicts, and the plans. */
    static void scaleCheck(StringBuilder b, List<ScaleCase> scale) {
        b.append("\n### Scale check: latency vs history size (one connection)\n\n");
        b.append("| query | pgbench p50 / p99 ms | service p50 / p99 ms | service p50 vs smallest | pgbench tx / service req | errors (service / pgbench) |\n|---|---:|---:|---:|---:|---:|\n");
        // Each group (operation and page size) is compared with its own smallest history.
        Map<String, List<ScaleCase>> scaleGroups = scale.stream()
                .collect(Collectors.groupingBy(c -> c.op + "/" + c.limit, LinkedHashMap::new, Collectors.toList()));
        for (List<ScaleCase> group : scaleGroups.values()) {
            ScaleCase smallest = group.get(0);
            for (ScaleCase c : group) {
                b.append(String.format(Locale.ROOT, "| %s | %s / %s | %s / %s | %s | %,d / %,d | %d / %d |%n", c.title, fmt(c.pgbench.p50, 3), fmt(c.pgbench.p99, 3),
                        fmt(c.service.p50, 3), fmt(c.service.p99, 3), fmt(c.service.p50 / smallest.service.p50, 2),
                        c.pgbench.requests, c.service.requests, c.service.errors, c.pgbench.errors));
            }
        }
        List<ScaleCase> reads = scale.stream().filter(c -> c.op == Op.READ && c.limit == Op.SERVICE_PAGE).toList();
        List<ScaleCase> samePage = scale.stream().filter(c -> c.op == Op.READ && c.limit != Op.SERVICE_PAGE).toList();
        if (reads.size() >= 2 && samePage.size() >= 2) {
            ScaleCase first = reads.get(0);
            ScaleCase last = reads.get(reads.size() - 1);
            ScaleCase middle = reads.get(reads.size() - 2);
            ScaleCase pageFirst = samePage.get(0);
            ScaleCase pageLast = samePage.get(samePage.size() - 1);
            double pageGrowth = pageLast.service.p50 / pageFirst.service.p50;
            double fullGrowth = last.service.p50 / middle.service.p50;
            boolean flat = pageGrowth <= 1.2 && fullGrowth <= 1.2;
            b.append(String.format(Locale.ROOT, "%nRead latency (p50) against history, the same rows on both ends: newest %d, %,d -> %,d messages: "
                            + "service x%.2f (pgbench x%.2f); newest 50, %,d -> %,d messages: service x%.2f (pgbench x%.2f). "
                            + "Target: within 20%% (x1.20) - %s.%n",
                    pageFirst.limit, pageFirst.history, pageLast.history, pageGrowth, pageLast.pgbench.p50 / pageFirst.pgbench.p50,
                    middle.history, last.history, fullGrowth, last.pgbench.p50 / middle.pgbench.p50, flat ? "met" : "**missed**"));
            b.append(String.format(Locale.ROOT, "Newest 50 from %,d -> %,d messages is x%.2f for the service (pgbench x%.2f), but that compares %,d rows "
                            + "with 50: it measures the page, not the history.%n",
                    first.history, last.history, last.service.p50 / first.service.p50, last.pgbench.p50 / first.pgbench.p50,
                    Math.min(first.history, 50)));
        }
        List<ScaleCase> lists = scale.stream().filter(c -> c.op == Op.LIST).toList();
        if (lists.size() >= 2) {
            ScaleCase first = lists.get(0);
            ScaleCase last = lists.get(lists.size() - 1);
            b.append(String.format(Locale.ROOT, "List latency (p50), %,d -> %,d sessions: service x%.2f, pgbench x%.2f.%n",
                    first.history, last.history, last.service.p50 / first.service.p50, last.pgbench.p50 / first.pgbench.p50));
        }
        b.append("\n#### EXPLAIN (ANALYZE, BUFFERS) of the service's statements (prepared, 7th execution)\n");
        for (ScaleCase c : scale) {
            if (c.explain != null) {
                b.append("\n").append(c.title).append(":\n\n```\n").append(c.explain).append("\n```\n");
            }
        }
    }

    static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    static String firstLine(String s) {
        return s.strip().split("\n")[0];
    }
}