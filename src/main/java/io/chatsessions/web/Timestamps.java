package io.chatsessions.web;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps in UTC with millisecond precision, as the contract shows them. */
public final class Timestamps {

    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX");

    private Timestamps() {
    }

    public static String format(OffsetDateTime time) {
        return time == null ? null : RFC_3339.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
