package io.chatsessions.db;

import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;

/**
 * A 503: the call waited too long, for a row lock (lock_timeout, SQLSTATE 55P03) or past its own deadline. A type of
 * its own because the wait may have a known cause a feature can name better: a user's erase holds the rows of the
 * sessions it is deleting (io.chatsessions.erase.EraseInProgressErrors answers 409 erase-in-progress then).
 */
public final class DatabaseWaitTimeout extends ProblemException {

    /** PostgreSQL's lock_not_available: a lock wait passed lock_timeout (DB_LOCK_WAIT_TIMEOUT). */
    public static final String LOCK_NOT_AVAILABLE_STATE = "55P03";

    private final boolean onRowLock;

    DatabaseWaitTimeout(String detail, boolean onRowLock) {
        super(ProblemType.SERVICE_UNAVAILABLE, detail, DatabaseErrors.RETRY_AFTER_SECONDS);
        this.onRowLock = onRowLock;
    }

    /** True when PostgreSQL reported the wait for a row lock (55P03); false when the call passed its own deadline. */
    public boolean onRowLock() {
        return onRowLock;
    }
}
