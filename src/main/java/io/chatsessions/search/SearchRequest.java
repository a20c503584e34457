package io.chatsessions.search;

import io.chatsessions.error.ProblemException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A validated GET /search: the terms, the filters (each null when absent), the order, page size and cursor. */
public record SearchRequest(List<SearchTerm> terms, String role, UUID sessionId, OffsetDateTime from, OffsetDateTime to,
                            SearchOrder order, int limit, SearchCursor cursor) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 50;
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");

    public static String role(String value) {
        if (value != null && !ROLES.contains(value)) {
            throw ProblemException.invalidField("role", "must be one of user, assistant, system, tool");
        }
        return value;
    }

    /** An RFC 3339 timestamp with offset, or null when absent. */
    public static OffsetDateTime timestamp(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(value);
            if (parsed.getYear() < 1 || parsed.getYear() > 9999) {
                throw new DateTimeParseException("out of range", value, 0);
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "must be an RFC 3339 timestamp with offset, e.g. 2026-11-22T01:02:03Z");
        }
    }

    public static void checkRange(OffsetDateTime from, OffsetDateTime to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw ProblemException.invalidField("to", "must be after from");
        }
    }
}
