import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Rewrites the results section of docs/BENCHMARKS.md (between its BEGIN/END RESULTS markers) with a full run's report. */
final class BenchmarksMd {

    static void update(String report) throws IOException {
        Path md = Bench.ROOT.resolve("docs/BENCHMARKS.md");
        String begin = "<!-- BEGIN RESULTS (written by bench/run.sh) -->";
        String end = "<!-- END RESULTS -->";
        String text = Files.exists(md) ? Files.readString(md) : "# Benchmarks\n\n" + begin + "\n" + end + "\n";
        int i = text.indexOf(begin);
        int j = text.indexOf(end);
        if (i < 0 || j < i) {
            text = text.stripTrailing() + "\n\n## Results\n\n" + begin + "\n" + end + "\n";
            i = text.indexOf(begin);
            j = text.indexOf(end);
        }
        Files.writeString(md, text.substring(0, i + begin.length()) + "\n" + report.stripTrailing() + "\n" + text.substring(j));
    }
}
