package io.chatsessions.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions for the wire format of API.md: problem+json, UUIDv7 ids, RFC 3339 timestamps, field sets and types. */
public final class ContractAsserts {

    public static final Set<String> SESSION_FIELDS = Set.of("id", "user_id", "title", "metadata", "archived",
            "message_count", "created_at", "updated_at", "version", "forked_from");
    public static final Set<String> MESSAGE_FIELDS = Set.of("id", "session_id", "seq", "role", "content", "sources",
            "latency_ms", "top_k", "query_type", "metadata", "created_at",
            "status", "finish_reason", "error", "version", "updated_at", "completed_at", "feedback");

    private static final Pattern RFC_3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
    /** Things that must never reach a client: stack frames, Java/framework class names, SQL. */
    private static final List<Pattern> INTERNALS = List.of(
            Pattern.compile("\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$]+)+\\("),
            Pattern.compile("(?i)exception"),
            Pattern.compile("\\b(java|javax|jakarta|io\\.micronaut|io\\.r2dbc|io\\.netty|reactor|org\\.postgresql|com\\.fasterxml|io\\.chatsessions)\\.[a-z]"),
            Pattern.compile("(?i)\\bselect\\b.*\\bfrom\\b|\\binsert into\\b|\\bupdate [a-z_.]+ set\\b|\\bdelete from\\b"),
            Pattern.compile("(?i)sqlstate|postgres|r2dbc|violates .*constraint|duplicate key|syntax error at"),
            Pattern.compile("(?i)\\bchat\\.(sessions|messages|idempotency_keys)\\b"));

    private ContractAsserts() {
    }

    // ---- problem+json

    /** Asserts an RFC 9457 problem with this status, and returns its body. */
    public static Map<String, Object> assertProblem(Api.Response response, int status) {
        assertEquals(status, response.status(), () -> "status; body: " + response.body());
        String contentType = response.header("Content-Type");
        assertNotNull(contentType, "Content-Type of a " + status + " response");
        assertTrue(contentType.toLowerCase().startsWith("application/problem+json"),
                () -> "Content-Type must be application/problem+json, was " + contentType + "; body: " + response.body());
        assertNoInternals(response.body());
        Map<String, Object> problem = response.json();
        assertInstanceOf(String.class, problem.get("type"), () -> "problem type: " + response.body());
        assertFalse(((String) problem.get("type")).isBlank(), "problem type");
        assertInstanceOf(String.class, problem.get("title"), () -> "problem title: " + response.body());
        assertFalse(((String) problem.get("title")).isBlank(), "problem title");
        assertInstanceOf(Number.class, problem.get("status"), () -> "problem status: " + response.body());
        assertEquals(status, ((Number) problem.get("status")).intValue(), "problem status member");
        assertInstanceOf(String.class, problem.get("detail"), () -> "problem detail: " + response.body());
        assertFalse(((String) problem.get("detail")).isBlank(), "problem detail");
        return problem;
    }

    /** A 400 whose {@code errors} list names a field containing {@code field} (e.g. "sources[0].score" for "score"). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> assertValidationError(Api.Response response, String field) {
        Map<String, Object> problem = assertProblem(response, 400);
        Object errors = problem.get("errors");
        assertInstanceOf(List.class, errors, () -> "validation problem needs errors[]: " + response.body());
        List<Map<String, Object>> list = (List<Map<String, Object>>) errors;
        assertFalse(list.isEmpty(), () -> "errors[] is empty: " + response.body());
        for (Map<String, Object> error : list) {
            assertInstanceOf(String.class, error.get("field"), () -> "errors[].field: " + response.body());
            assertInstanceOf(String.class, error.get("message"), () -> "errors[].message: " + response.body());
            assertFalse(((String) error.get("message")).isBlank(), "errors[].message");
        }
        assertTrue(list.stream().anyMatch(e -> ((String) e.get("field")).contains(field)),
                () -> "expected an error for field '" + field + "': " + response.body());
        return problem;
    }

    public static void assertNoInternals(String body) {
        for (Pattern internal : INTERNALS) {
            assertFalse(internal.matcher(body).find(), () -> "response leaks internals (" + internal + "): " + body);
        }
    }

    public static void assertUnauthorized(Api.Response response) {
        assertProblem(response, 401);
        String challenge = response.header("WWW-Authenticate");
        assertNotNull(challenge, "401 needs WWW-Authenticate");
        assertTrue(challenge.regionMatches(true, 0, "Bearer", 0, 6), () -> "WWW-Authenticate must be Bearer: " + challenge);
    }

    // ---- data

    /** A UUID of version 7 (RFC 9562), variant 10, whose timestamp is near now. */
    public static UUID assertUuidV7(Object value) {
        assertInstanceOf(String.class, value, "id must be a string");
        String text = (String) value;
        assertTrue(text.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                () -> "canonical lower-case UUID expected: " + text);
        UUID uuid = UUID.fromString(text);
        assertEquals(7, uuid.version(), () -> "UUID version nibble must be 7: " + text);
        assertEquals(2, uuid.variant(), () -> "UUID variant must be RFC 9562: " + text);
        long millis = uuid.getMostSignificantBits() >>> 16;
        long skew = Math.abs(millis - System.currentTimeMillis());
        assertTrue(skew < Duration.ofMinutes(10).toMillis(), () -> "UUIDv7 timestamp is not near now: " + text);
        return uuid;
    }

    public static long uuidMillis(String uuid) {
        return UUID.fromString(uuid).getMostSignificantBits() >>> 16;
    }

    /** An RFC 3339 timestamp with an offset, near now; returns it as an Instant. */
    public static Instant assertTimestamp(Object value) {
        assertInstanceOf(String.class, value, "timestamp must be a string");
        String text = (String) value;
        assertTrue(RFC_3339.matcher(text).matches(), () -> "RFC 3339 timestamp with offset expected: " + text);
        Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        assertTrue(Duration.between(instant, Instant.now()).abs().compareTo(Duration.ofMinutes(10)) < 0,
                () -> "timestamp is not near now: " + text);
        return instant;
    }

    public static Instant instant(Object timestamp) {
        return OffsetDateTime.parse((String) timestamp, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    public static long integer(Object value) {
        assertInstanceOf(Number.class, value, () -> "integer expected: " + value);
        Number number = (Number) value;
        if (number instanceof Double || number instanceof Float || number instanceof java.math.BigDecimal) {
            fail("integer expected, got a decimal: " + value);
        }
        return number.longValue();
    }

    /** Every field of the session, with its type, and no other field (snake_case). */
    public static void assertSessionShape(Map<String, Object> session, String userId) {
        assertEquals(SESSION_FIELDS, session.keySet(), "session fields (snake_case, exactly these)");
        assertUuidV7(session.get("id"));
        assertEquals(userId, session.get("user_id"), "user_id is the JWT sub");
        assertTrue(session.get("title") == null || session.get("title") instanceof String, "title string or null");
        assertInstanceOf(Map.class, session.get("metadata"), "metadata object");
        assertInstanceOf(Boolean.class, session.get("archived"), "archived boolean");
        assertTrue(integer(session.get("message_count")) >= 0, "message_count");
        assertTrue(integer(session.get("version")) >= 0, "version");
        Instant created = assertTimestamp(session.get("created_at"));
        Instant updated = assertTimestamp(session.get("updated_at"));
        assertFalse(updated.isBefore(created), "updated_at >= created_at");
        if (session.get("forked_from") != null) {
            assertInstanceOf(Map.class, session.get("forked_from"), "forked_from object or null");
            Map<?, ?> forkedFrom = (Map<?, ?>) session.get("forked_from");
            assertEquals(Set.of("session_id", "seq"), forkedFrom.keySet(), "forked_from fields");
            assertUuidV7(forkedFrom.get("session_id"));
            assertTrue(integer(forkedFrom.get("seq")) >= 0, "forked_from.seq >= 0");
        }
    }

    public static void assertMessageShape(Map<String, Object> message, String sessionId) {
        assertEquals(MESSAGE_FIELDS, message.keySet(), "message fields (snake_case, exactly these)");
        assertUuidV7(message.get("id"));
        assertEquals(sessionId, message.get("session_id"), "session_id");
        assertTrue(integer(message.get("seq")) >= 1, "seq >= 1");
        assertInstanceOf(String.class, message.get("role"), "role");
        assertInstanceOf(String.class, message.get("content"), "content");
        assertTrue(message.get("sources") == null || message.get("sources") instanceof List, "sources array or null");
        if (message.get("latency_ms") != null) {
            integer(message.get("latency_ms"));
        }
        if (message.get("top_k") != null) {
            integer(message.get("top_k"));
        }
        assertTrue(message.get("query_type") == null || message.get("query_type") instanceof String, "query_type");
        assertInstanceOf(Map.class, message.get("metadata"), "metadata object");
        Instant created = assertTimestamp(message.get("created_at"));
        assertTrue(Set.of("completed", "in_progress", "failed", "cancelled").contains(message.get("status")), "status");
        assertTrue(integer(message.get("version")) >= 1, "version >= 1");
        assertFalse(assertTimestamp(message.get("updated_at")).isBefore(created), "updated_at >= created_at");
        if ("in_progress".equals(message.get("status"))) {
            assertNull(message.get("completed_at"), "completed_at null while in progress");
        } else {
            assertFalse(assertTimestamp(message.get("completed_at")).isBefore(created), "completed_at >= created_at");
        }
        assertTrue(message.get("error") == null || message.get("error") instanceof Map, "error object or null");
        assertTrue(message.get("feedback") == null || message.get("feedback") instanceof Map, "feedback object or null");
    }

    /** The ETag's value as a version number: {@code "3"}, {@code W/"3"} or {@code 3}. */
    public static long etagVersion(Api.Response response) {
        String etag = response.header("ETag");
        assertNotNull(etag, "ETag header");
        String tag = etag.startsWith("W/") ? etag.substring(2) : etag;
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw new AssertionError("ETag is not the version: " + etag);
        }
    }
}
