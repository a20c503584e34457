package io.chatsessions.erase;

import io.chatsessions.db.DatabaseWaitTimeout;

/**
 * The one statement of an erase, for both callers (DELETE /me over R2DBC, {@code erase --user} over JDBC): a CALL of
 * the erase_user procedure (db/migration/V4), repeated until it reports done. The procedure does the batching and
 * the locking; a caller only bounds how long one CALL works.
 */
final class EraseSql {

    /** $1 user, $2 batch size (sessions plus messages per transaction), $3 the CALL's budget in milliseconds. */
    static final String CALL = "CALL erase_user($1, $2, $3)";
    static final String JDBC_CALL = "CALL erase_user(?, ?, ?)";

    static final String IN_PROGRESS = "SELECT EXISTS (SELECT 1 FROM user_erasures WHERE user_id = $1)";

    /** lock_timeout: a CALL waited too long for a row an append was holding; the next CALL carries on. */
    static final String LOCK_NOT_AVAILABLE_STATE = DatabaseWaitTimeout.LOCK_NOT_AVAILABLE_STATE;

    private EraseSql() {
    }
}
