package io.chatsessions.reliability.support;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Thread-safe latency samples (nanoseconds) with percentiles. */
public final class Latencies {

    private final ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();

    public void add(long nanos) {
        samples.add(nanos);
    }

    public int count() {
        return samples.size();
    }

    public long percentile(double p) {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        return percentile(sorted, p);
    }

    public long max() {
        return samples.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
