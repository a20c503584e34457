package io.chatsessions.analytics;

import io.chatsessions.error.ProblemException;
import io.micronaut.core.annotation.Nullable;

/** {@code group_by} of the answers report: by query_type (the default), by UTC day, or by both. */
public enum Grouping {
    QUERY_TYPE(true, false),
    DAY(false, true),
    QUERY_TYPE_AND_DAY(true, true);

    private final boolean byQueryType;
    private final boolean byDay;

    Grouping(boolean byQueryType, boolean byDay) {
        this.byQueryType = byQueryType;
        this.byDay = byDay;
    }

    public static Grouping parse(@Nullable String value) {
        if (value == null) {
            return QUERY_TYPE;
        }
        return switch (value) {
            case "query_type" -> QUERY_TYPE;
            case "day" -> DAY;
            case "query_type,day", "day,query_type" -> QUERY_TYPE_AND_DAY;
            default -> throw ProblemException.invalidField("group_by", "must be query_type, day or query_type,day");
        };
    }

    public boolean byQueryType() {
        return byQueryType;
    }

    public boolean byDay() {
        return byDay;
    }
}
