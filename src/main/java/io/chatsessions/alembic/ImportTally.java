package io.chatsessions.alembic;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/** What a run did so far: rows imported, already present, skipped by reason; prints progress and the summary. */
final class ImportTally {

    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final String prefix;
    private final boolean dryRun;
    private final long started = System.nanoTime();
    private long lastProgress = started;

    long batches;
    long sessionsImported;
    long messagesImported;
    long sessionsPresent;
    long messagesPresent;
    long sessionsSkipped;
    long messagesSkipped;
    private final Map<String, long[]> skippedByReason = new TreeMap<>();

    ImportTally(PrintStream out, String prefix, boolean dryRun) {
        this.out = out;
        this.prefix = prefix;
        this.dryRun = dryRun;
    }

    /** One bad row: listed now (id and reason), counted by the reason's category (the text before the first ':'). */
    void skipped(String kind, String id, String problem) {
        out.println("  skipped " + kind + " " + id + ": " + problem);
        int colon = problem.indexOf(':');
        String reason = colon < 0 ? problem : problem.substring(0, colon);
        long[] counts = skippedByReason.computeIfAbsent(reason, r -> new long[2]);
        if (kind.equals("session")) {
            sessionsSkipped++;
            counts[0]++;
        } else {
            messagesSkipped++;
            counts[1]++;
        }
    }

    /** After a batch: a progress line when a few seconds have passed since the last one. */
    void batchDone() {
        batches++;
        long now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
            lastProgress = now;
            out.println("  progress: " + batches + " batch(es), " + sessionsImported + " sessions and " + messagesImported + " messages "
                    + verb() + ", " + (messagesPresent + sessionsPresent) + " rows already present, "
                    + (sessionsSkipped + messagesSkipped) + " skipped (" + rate(now) + " messages/s)");
        }
    }

    double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    long messagesPerSecond() {
        return rate(System.nanoTime());
    }

    private long rate(long now) {
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        return Math.round((messagesImported + messagesPresent + messagesSkipped) / seconds);
    }

    private String verb() {
        return dryRun ? "to import" : "imported";
    }

    void summary(SourceSchema source, String targetSchema) {
        out.println(prefix + (dryRun ? "--dry-run, nothing was changed: would import " : "imported ") + sessionsImported + " sessions and "
                + messagesImported + " messages from schema \"" + source.name + "\" (Alembic revision " + source.revision
                + ") into schema \"" + targetSchema + "\" in " + String.format(java.util.Locale.ROOT, "%.1f", elapsedSeconds()) + " s, "
                + batches + " batch(es), " + messagesPerSecond() + " messages/s read");
        out.println("  already present (imported before, left as they are): " + sessionsPresent + " sessions, " + messagesPresent + " messages");
        out.println("  skipped (listed above): " + sessionsSkipped + " sessions, " + messagesSkipped + " messages");
        skippedByReason.forEach((reason, counts) -> out.println("    " + reason + ": "
                + (counts[0] > 0 ? counts[0] + " session(s)" : "") + (counts[0] > 0 && counts[1] > 0 ? ", " : "")
                + (counts[1] > 0 ? counts[1] + " message(s)" : "")));
    }
}
