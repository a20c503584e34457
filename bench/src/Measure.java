import java.util.LinkedHashMap;
import java.util.Map;

/** One run of one load generator: throughput, latency, errors and the CPU each process spent. */
final class Measure {
    String side;
    String op;
    int connections;
    double seconds;
    long requests;
    double throughput;
    double p50;
    double p99;
    double max;
    long errors;
    String errorDetail = "";
    double serviceCpu = Double.NaN;
    double pgCpu;
    double clientCpu;
    double busy;
    double others;
    long rssKb;
    int poolTimeouts;
    Map<String, Double> threadCpu = new LinkedHashMap<>();
    long busyTicks;
    long totalTicks;
    /** Transaction ids PostgreSQL handed out during the run (write transactions, NOTIFYs among them); -1 = not read. */
    long xids = -1;
    /** stream, service side: the HTTP requests behind the per-answer figures, their rate and latency, and each step's count. */
    long httpRequests;
    double httpThroughput = Double.NaN;
    double httpP50 = Double.NaN;
    double httpP99 = Double.NaN;
    String steps = "";

    /** Share of the machine's CPU that went to processes outside the benchmark (a build, say): noise. */
    void othersFromClient() {
        double ours = (Double.isNaN(serviceCpu) ? 0 : serviceCpu) + pgCpu + (Double.isNaN(clientCpu) ? 0 : clientCpu);
        others = totalTicks == 0 ? Double.NaN : Math.max(0, 100.0 * (busyTicks / (double) Procfs.CLK_TCK - ours) / (totalTicks / (double) Procfs.CLK_TCK));
    }

    double perThousand(double cpuSeconds) {
        return requests == 0 ? Double.NaN : cpuSeconds / (requests / 1000.0);
    }
}
