package io.chatsessions.error;

import io.micronaut.http.HttpStatus;

/** The problem types this service answers with; the URN is stable for clients to switch on. */
public enum ProblemType {
    VALIDATION(HttpStatus.BAD_REQUEST, "Invalid request"),
    MALFORMED_JSON(HttpStatus.BAD_REQUEST, "Malformed JSON"),
    BAD_REQUEST(HttpStatus.BAD_REQUEST, "Bad request"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Unauthorized"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Forbidden"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    IDEMPOTENCY_KEY_IN_USE(HttpStatus.CONFLICT, "Idempotency-Key in use"),
    MESSAGE_FINAL(HttpStatus.CONFLICT, "Message is final"),
    /** A fork's range holds a message still being streamed: its copy would be a snapshot of a moving answer. */
    MESSAGE_IN_PROGRESS(HttpStatus.CONFLICT, "Message in progress"),
    PRECONDITION_FAILED(HttpStatus.PRECONDITION_FAILED, "Precondition failed"),
    PAYLOAD_TOO_LARGE(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key reused"),
    TOO_MANY_REQUESTS(HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    /** Feedback on a message that is not an answer (role other than assistant) or is still in progress. */
    FEEDBACK_NOT_ALLOWED(HttpStatus.CONFLICT, "Feedback not allowed"),
    /** A session created for a user whose erase (DELETE /me, erase --user) is running or stopped part-way. */
    ERASE_IN_PROGRESS(HttpStatus.CONFLICT, "Erase in progress"),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error"),
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    /** An operator's analytics query ran past CHAT_ANALYTICS_STATEMENT_TIMEOUT (after SERVICE_UNAVAILABLE: forStatus takes the first). */
    ANALYTICS_TIMEOUT(HttpStatus.SERVICE_UNAVAILABLE, "Analytics query timed out");

    private final HttpStatus status;
    private final String title;

    ProblemType(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return "urn:chat-sessions:problem:" + name().toLowerCase().replace('_', '-');
    }

    /** The type for a status that reached the generic error path (routing, codecs, framework limits). */
    public static ProblemType forStatus(int status) {
        for (ProblemType type : values()) {
            if (type.status.getCode() == status && type != VALIDATION && type != MALFORMED_JSON) {
                return type;
            }
        }
        return status >= 500 ? INTERNAL : BAD_REQUEST;
    }

    public Problem problem(String detail) {
        return new Problem(uri(), title, status.getCode(), detail, null);
    }
}
