/**
 * The measured operations: key (wrk op), title, pgbench scripts with weights, target ratio (NaN = none). The events
 * fan-out (BENCH_OPS "fanout") is not one of them: it has no pgbench side (see Fanout).
 */
enum Op {
    APPEND("append", "append one", "append one", "append_one.sql", 0.80),
    BATCH("batch", "batch append (user+assistant)", "batch append", "append_batch.sql", 0.80),
    READ("read", "read newest 50", "read newest 50", "read_newest.sql", 0.60),
    LIST("list", "list 20 sessions", "list 20 sessions", "list_sessions.sql", 0.60),
    MIX("mix", "mix 60% read/20% list/20% append", "mix 60/20/20", "read_newest.sql@60 list_sessions.sql@20 append_one.sql@20", Double.NaN),
    /** Figures per answer on both sides (7 requests, one pgbench transaction of 7 statements); per request in its own section. */
    STREAM("stream", "stream an answer (per answer: create + 5 PATCHes + complete)", "stream an answer", "stream_answer.sql", 0.80),
    FEEDBACK("feedback", "give feedback (PUT)", "give feedback", "give_feedback.sql", 0.80);

    final String key;
    final String title;
    final String shortTitle;
    final String scripts;
    final double target;

    Op(String key, String title, String shortTitle, String scripts, double target) {
        this.key = key;
        this.title = title;
        this.shortTitle = shortTitle;
        this.scripts = scripts;
        this.target = target;
    }

    /** The service's default page of messages (GET .../messages without limit); pgbench's default -D page. */
    static final int SERVICE_PAGE = 50;
}
