/** One case of the scale check: one query against a session (or user) with a given history, on both sides. */
final class ScaleCase {
    String title;
    Op op;
    long history;
    long user;
    long k;
    /** Page size asked for: 50 as the service's default, 10 where every session of the comparison has as many. */
    int limit = Op.SERVICE_PAGE;
    Measure pgbench;
    Measure service;
    String explain;
}
