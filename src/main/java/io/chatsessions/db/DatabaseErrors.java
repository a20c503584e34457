package io.chatsessions.db;

import io.chatsessions.error.ProblemException;
import io.chatsessions.error.ProblemType;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Classifies failures of database calls: an outage is a 503 the client may retry, never a 500 or a hang. */
public final class DatabaseErrors {

    public static final int RETRY_AFTER_SECONDS = 5;

    /** Raised by the sessions_erase_guard trigger (db/migration/V4): a session for a user being erased. */
    public static final String ERASE_IN_PROGRESS_STATE = "ZE409";

    private DatabaseErrors() {
    }

    /** The problem to answer for a database failure, or null when the failure is not a database one we understand. */
    public static ProblemException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProblemException problem) {
                return problem;
            }
            // before isUnavailable: r2dbc-postgresql files an unknown SQLSTATE class as a resource failure
            if (t instanceof R2dbcException r2dbc && ERASE_IN_PROGRESS_STATE.equals(r2dbc.getSqlState())) {
                return new ProblemException(ProblemType.ERASE_IN_PROGRESS,
                        "an erase of this user is in progress (DELETE /me); nothing was created");
            }
            if (t instanceof R2dbcException r2dbc && DatabaseWaitTimeout.LOCK_NOT_AVAILABLE_STATE.equals(r2dbc.getSqlState())) {
                return new DatabaseWaitTimeout("a row this request needs stayed locked too long; retry later", true);
            }
            if (isUnavailable(t)) {
                return ProblemException.unavailable("the database is unavailable; retry later", RETRY_AFTER_SECONDS);
            }
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null && r2dbc.getSqlState().startsWith("23")) {
                return new ProblemException(ProblemType.BAD_REQUEST, "the request violates a data rule");
            }
        }
        return null;
    }

    static boolean isUnavailable(Throwable t) {
        if (t instanceof TimeoutException || t instanceof R2dbcTimeoutException
                || t instanceof R2dbcTransientResourceException || t instanceof R2dbcNonTransientResourceException
                || t instanceof IOException) {
            return true;
        }
        String name = t.getClass().getName();
        if (name.startsWith("reactor.pool.") || name.contains("PostgresConnectionException") || name.contains("PostgresqlConnectionClosed")) {
            return true;
        }
        if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
            String state = r2dbc.getSqlState();
            // 08: connection exception, 53: insufficient resources, 57: operator intervention (shutdown, timeout)
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
        }
        return false;
    }
}
