package io.chatsessions.web;

import io.chatsessions.error.ProblemException;
import io.chatsessions.json.Timestamps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestParamsTest {

    @Test
    void limitDefaultsAndBounds() {
        assertEquals(20, RequestParams.limit(null, 20, 100));
        assertEquals(100, RequestParams.limit("100", 20, 100));
        assertThrows(ProblemException.class, () -> RequestParams.limit("0", 20, 100));
        assertThrows(ProblemException.class, () -> RequestParams.limit("101", 20, 100));
        assertThrows(ProblemException.class, () -> RequestParams.limit("-1", 20, 100));
        assertThrows(ProblemException.class, () -> RequestParams.limit("1e2", 20, 100));
        assertThrows(ProblemException.class, () -> RequestParams.limit("99999999999", 20, 100));
        assertThrows(ProblemException.class, () -> RequestParams.limit("٣", 20, 100));
    }

    @Test
    void uuidsMustBeCanonical() {
        assertEquals("0190b6a4-0000-7000-8000-000000000000",
                RequestParams.uuid("0190b6a4-0000-7000-8000-000000000000", "id").toString());
        assertThrows(ProblemException.class, () -> RequestParams.uuid("1-2-3-4-5", "id"));
        assertThrows(ProblemException.class, () -> RequestParams.uuid("' OR 1=1 --", "id"));
    }

    @Test
    void seqCursors() {
        assertNull(RequestParams.seq(null, "before_seq"));
        assertEquals(7, RequestParams.seq("7", "before_seq"));
        assertThrows(ProblemException.class, () -> RequestParams.seq("0", "before_seq"));
    }

    @Test
    void ifMatchAcceptsQuotedBareAndStar() {
        assertTrue(IfMatch.parse("\"3\"").matches(3));
        assertTrue(IfMatch.parse("3").matches(3));
        assertTrue(IfMatch.parse("W/\"3\", \"4\"").matches(4));
        assertTrue(IfMatch.parse("*").matches(99));
        assertEquals(false, IfMatch.parse("\"2\"").matches(3));
        assertThrows(ProblemException.class, () -> IfMatch.parse("\"abc\""));
    }

    @Test
    void timestampsAreRfc3339UtcWithMillis() {
        var time = java.time.OffsetDateTime.parse("2026-11-22T03:02:03.456789+02:00");
        assertEquals("2026-11-22T01:02:03.456Z", Timestamps.format(time));
    }
}
