package io.chatsessions.retention;

/**
 * The statements of {@code purge}. One batch is one autocommit statement: candidates oldest first over
 * sessions_updated_at_idx, locked FOR UPDATE SKIP LOCKED, so two pods purging at once take disjoint batches and
 * never wait for each other or for a writer. FOR UPDATE re-checks the age on the newest row version, so a session
 * appended to (updated_at bumped) after the scan began is not purged, and one being appended to right now is locked
 * by that append and skipped. Of the candidates, those whose sessions plus messages fit in ? rows are deleted
 * (always at least one), their messages and feedback by the cascade.
 */
final class PurgeSql {

    /** The cutoff, from the database's clock: the same for every batch of one run. */
    static final String CUTOFF = "SELECT now() - ? * interval '1 millisecond'";

    private static final String CANDIDATES = "SELECT id, message_count FROM sessions WHERE updated_at < ?%s";

    private static final String BATCH = """
            WITH candidates AS (
                %s
                 ORDER BY updated_at
                 LIMIT ?
                   FOR UPDATE SKIP LOCKED
            ), picked AS (
                SELECT id, sum(message_count + 1) OVER (ORDER BY id) AS running, row_number() OVER (ORDER BY id) AS n
                  FROM candidates
            ), gone AS (
                DELETE FROM sessions s USING picked p
                 WHERE s.id = p.id AND (p.running <= ? OR p.n = 1)
                RETURNING s.message_count
            )
            SELECT count(*), coalesce(sum(message_count), 0) FROM gone""";

    private static final String COUNT = "SELECT count(*), coalesce(sum(message_count), 0) FROM (%s) c";

    private PurgeSql() {
    }

    /** $1 cutoff, $2 sessions per batch, $3 rows (sessions plus messages) per batch. */
    static String batch(boolean archivedOnly) {
        return BATCH.formatted(candidates(archivedOnly));
    }

    /** $1 cutoff: what a purge would delete now. */
    static String count(boolean archivedOnly) {
        return COUNT.formatted(candidates(archivedOnly));
    }

    private static String candidates(boolean archivedOnly) {
        return CANDIDATES.formatted(archivedOnly ? " AND archived" : "");
    }
}
