/** One operation at one connection count: the pgbench run and the service run side by side. */
final class Row {
    final Op op;
    final int connections;
    /** Measured with every process on every CPU (the shared pass), not in the run's split layout. */
    boolean sharedCpus;
    Measure pgbench;
    Measure service;

    Row(Op op, int connections) {
        this.op = op;
        this.connections = connections;
    }

    String label() {
        return op.title + (sharedCpus ? " (shared CPUs)" : "");
    }

    double ratio() {
        return pgbench.throughput == 0 ? Double.NaN : service.throughput / pgbench.throughput;
    }
}
