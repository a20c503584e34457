package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;

import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * JDBC connections for the schema commands: pgjdbc's {@link PGSimpleDataSource} (no pool: each
 * command is a short-lived process), the bounded wait for the database to come up, and the one-line description
 * of a connection failure ("cannot connect to PostgreSQL at host:port/db (connection refused) after waiting 60s").
 */
public final class Connections {

    static final String WAIT_SETTING = "MIGRATE_WAIT_SECONDS";
    static final int DEFAULT_WAIT_SECONDS = 60;
    /** Upper bound of one connection attempt, so an unroutable host cannot stretch the wait much past its bound. */
    private static final int MAX_ATTEMPT_SECONDS = 10;
    private static final long RETRY_INTERVAL_MILLIS = 1000;

    private Connections() {
    }

    /** {@code MIGRATE_WAIT_SECONDS}: how long to wait for the database to accept connections (default 60, 0 = one try). */
    public static int waitSeconds(Map<String, String> env) {
        String value = env.get(WAIT_SETTING);
        if (value == null || value.isBlank()) {
            return DEFAULT_WAIT_SECONDS;
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(WAIT_SETTING + " must be a whole number of seconds (0 or more), got '" + value + "'");
        }
    }

    /**
     * pgjdbc's own data source over the settings' JDBC URL (hosts and ports, {@code targetServerType=primary} for
     * several, sslmode and sslrootcert). Read-only ones (info, validate, --dry-run) make the server refuse any write:
     * {@code default_transaction_read_only=on} for the whole session.
     */
    public static PGSimpleDataSource dataSource(DatabaseSettings db, String applicationName, boolean readOnly) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.jdbcUrl());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        dataSource.setApplicationName(applicationName);
        dataSource.setTcpKeepAlive(true);
        attemptTimeout(dataSource, MAX_ATTEMPT_SECONDS);
        if (readOnly) {
            dataSource.setOptions("-c default_transaction_read_only=on");
        }
        return dataSource;
    }

    private static void attemptTimeout(PGSimpleDataSource dataSource, int seconds) {
        dataSource.setConnectTimeout(seconds);
        dataSource.setLoginTimeout(seconds);
    }

    /**
     * Returns once the database accepts a connection (which is closed again), retrying connection-level failures
     * (refused, unknown host, timed out, "the database system is starting up") for at most {@code waitSeconds}.
     * Failures that waiting cannot fix (wrong password, no such database) end at once.
     */
    public static void awaitDatabase(PGSimpleDataSource dataSource, DatabaseSettings db, int waitSeconds, String command, PrintStream out) {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        try {
            waitFor(dataSource, db, deadline, waitSeconds, command, out);
        } finally {
            attemptTimeout(dataSource, MAX_ATTEMPT_SECONDS);
        }
    }

    private static void waitFor(PGSimpleDataSource dataSource, DatabaseSettings db, long deadline, int waitSeconds,
                                String command, PrintStream out) {
        boolean announced = false;
        while (true) {
            long remainingSeconds = Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L);
            int attemptSeconds = (int) Math.max(1, Math.min(MAX_ATTEMPT_SECONDS, remainingSeconds));
            attemptTimeout(dataSource, attemptSeconds);
            try (Connection ignored = dataSource.getConnection()) {
                return;
            } catch (SQLException e) {
                String reason = reason(e, db);
                if (!retryable(e)) {
                    throw new CliFailure(cannotConnect(db, reason, null));
                }
                long now = System.nanoTime();
                if (now >= deadline) {
                    throw new CliFailure(cannotConnect(db, reason, waitSeconds));
                }
                if (!announced) {
                    out.println("chat-sessions " + command + ": waiting up to " + waitSeconds + "s for PostgreSQL at "
                            + db.describe() + " (" + reason + ")");
                    announced = true;
                }
                sleep(Math.min(RETRY_INTERVAL_MILLIS, Math.max(1, (deadline - now) / 1_000_000)));
            }
        }
    }

    public static String cannotConnect(DatabaseSettings db, String reason, Integer waitedSeconds) {
        return "cannot connect to PostgreSQL at " + db.describe() + " (" + reason + ")"
                + (waitedSeconds == null ? "" : " after waiting " + waitedSeconds + "s");
    }

    /** Connection-level failures worth waiting out: SQL state class 08, "cannot connect now", too many connections. */
    static boolean retryable(SQLException e) {
        if (tlsReason(e) != null) {
            return false; // a certificate or TLS setting does not fix itself while we wait
        }
        String state = e.getSQLState();
        if (state == null) {
            return hasCause(e, java.io.IOException.class);
        }
        return state.startsWith("08") || state.equals("57P03") || state.equals("53300");
    }

    /** Whether a failure (anywhere in a cause chain) is a lost or impossible connection rather than a failed statement. */
    public static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01") || sql.getSQLState().equals("57P03"))) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }

    /** A short, human reason for a connection failure: "connection refused", "unknown host db", the server's message. */
    public static String reason(Throwable e, DatabaseSettings db) {
        String tls = tlsReason(e);
        if (tls != null) {
            return "TLS, sslmode=" + db.sslMode().value()
                    + (db.sslRootCert() == null ? "" : ", CA bundle " + db.sslRootCert()) + ": " + tls;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + db.host();
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SocketTimeoutException) {
                return "timed out";
            }
            if (t == t.getCause()) {
                break;
            }
        }
        SQLException sql = findSqlException(e);
        if (sql != null && sql.getSQLState() != null) {
            switch (sql.getSQLState()) {
                case "57P03":
                    return "the database system is starting up";
                case "53300":
                    return "too many connections";
                default:
                    break;
            }
        }
        return serverMessage(sql != null ? sql : e);
    }

    /**
     * Why a TLS connection failed, in a few words, or null when the failure is not about TLS: the server's
     * certificate is not signed by the trusted CA, does not name the host, or the server offers no TLS at all.
     */
    static String tlsReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (message.contains("could not be verified by hostnameverifier")) {
                return "the server certificate does not name host " + message.replaceFirst("^The hostname (\\S+) .*", "$1");
            }
            if (t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return "the server certificate is not signed by a trusted CA";
            }
            if (message.contains("The server does not support SSL")) {
                return "the server does not offer TLS";
            }
            if (message.contains("Could not open SSL root certificate file") || message.contains("Could not read SSL root certificate file")) {
                return serverMessage(t);
            }
            if (t == t.getCause()) {
                break;
            }
        }
        // Anything else the TLS layer says (handshake alerts, protocol versions), in its own words.
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return serverMessage(t);
            }
        }
        return null;
    }

    /** The first line of a (PostgreSQL) message without the "FATAL: " / "ERROR: " severity prefix. */
    public static String serverMessage(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = message.strip().lines().findFirst().orElse(message).strip();
        return first.replaceFirst("^(FATAL|ERROR|PANIC):\\s*", "");
    }

    static SQLException findSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted while waiting for the database");
        }
    }
}
