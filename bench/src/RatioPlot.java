import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** results/ratios.svg: the service's throughput as a share of pgbench's, one bar per row, against each operation's target. */
final class RatioPlot {

    static String svg(List<Row> rows, Data d) {
        int left = 265;
        int barH = 16;
        int gap = 6;
        int groupGap = 14;
        int top = 102;
        int plotW = 460;
        double max = Math.max(1.2, rows.stream().mapToDouble(Row::ratio).filter(x -> !Double.isNaN(x)).max().orElse(1.0) * 1.1);
        List<Op> ops = rows.stream().map(r -> r.op).distinct().toList();
        int height = top + rows.size() * (barH + gap) + ops.size() * groupGap + 60;
        int width = left + plotW + 190;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">%n",
                width, height, width, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        b.append("<text x=\"16\" y=\"26\" font-size=\"17\" font-weight=\"bold\">Service throughput as a share of pgbench running the same SQL</text>\n");
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now());
        b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"46\" fill=\"#555\">%s run of bench/run.sh, %s: %,d messages, %d s per measurement, same connections on both sides</text>%n",
                Bench.settings.smoke ? "SMOKE" : "full", when, d.messageCount, Bench.settings.duration));
        b.append("<text x=\"16\" y=\"64\" fill=\"#555\">" + escapeXml(Bench.settings.dbCpus == null ? "every process on every CPU" : "PostgreSQL on CPU " + Bench.settings.dbCpus
                + ", the service and wrk (or pgbench) on CPU " + Bench.settings.clientCpus + "; pale bars: the shared pass, every process on every CPU") + "</text>\n");
        b.append("<text x=\"16\" y=\"82\" fill=\"#555\">dashed line = target (issue #4); green = met, red = missed, grey = no target</text>\n");
        int plotBottom = height - 45;
        for (double x = 0; x <= max + 1e-9; x += 0.2) {
            int px = left + (int) Math.round(x / max * plotW);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>%n", px, top - 8, px, plotBottom,
                    Math.abs(x - 1.0) < 1e-9 ? "#999" : "#e5e5e5"));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.0f%%</text>%n", px, plotBottom + 18, x * 100));
        }
        int y = top;
        for (Op op : ops) {
            int groupTop = y;
            for (Row r : rows) {
                if (r.op != op) {
                    continue;
                }
                double ratio = r.ratio();
                int w = Double.isNaN(ratio) ? 0 : (int) Math.round(Math.min(ratio, max) / max * plotW);
                String color = Double.isNaN(op.target) ? "#7f8c9a" : ratio >= op.target ? "#2e9e5b" : "#d0453a";
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s, %d conns%s</text>%n", left - 8, y + barH - 3,
                        escapeXml(op.shortTitle), r.connections, r.sharedCpus ? ", shared" : ""));
                b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"%s/>%n", left, y, w, barH, color,
                        r.sharedCpus ? " fill-opacity=\"0.4\"" : ""));
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", left + w + 6, y + barH - 3,
                        Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.0f%% (%.0f vs %.0f/s)", ratio * 100, r.service.throughput, r.pgbench.throughput)));
                y += barH + gap;
            }
            if (!Double.isNaN(op.target)) {
                int tx = left + (int) Math.round(op.target / max * plotW);
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>%n",
                        tx, groupTop - 3, tx, y - gap + 3));
            }
            y += groupGap;
        }
        b.append("</svg>\n");
        return b.toString();
    }

    static String escapeXml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
