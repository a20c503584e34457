package io.chatsessions.web;

import java.util.UUID;

/** Every path of the API, in one place: the controllers' routes and the URLs the service hands out (Location). */
public final class ApiPaths {

    /** What the API-wide filters match. */
    public static final String ALL = "/api/**";
    public static final String SESSIONS = "/api/v1/sessions";
    /** The route prefix of a session's sub-resources (messages). */
    public static final String SESSION = SESSIONS + "/{sessionId}";
    /** Branches a session: a new session with copies of its first messages (io.chatsessions.fork). */
    public static final String SESSION_FORK = SESSIONS + "/{id}:fork";
    /** A session's export, and all of the caller's data (io.chatsessions.export). */
    public static final String SESSION_EXPORT = SESSIONS + "/{id}/export";
    public static final String ME_EXPORT = "/api/v1/me/export";
    /** A session with its history, created in one call (io.chatsessions.importing). */
    public static final String SESSIONS_IMPORT = SESSIONS + ":import";

    private ApiPaths() {
    }

    public static String session(UUID id) {
        return SESSIONS + "/" + id;
    }

    public static String fork(UUID sessionId) {
        return session(sessionId) + ":fork";
    }

    public static String messages(UUID sessionId) {
        return session(sessionId) + "/messages";
    }

    public static String messageBatch(UUID sessionId) {
        return messages(sessionId) + ":batch";
    }

    public static String message(UUID sessionId, UUID id) {
        return messages(sessionId) + "/" + id;
    }
}
