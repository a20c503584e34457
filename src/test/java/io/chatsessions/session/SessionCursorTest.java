package io.chatsessions.session;

import io.chatsessions.error.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SessionCursorTest {

    @Test
    void roundTripsWithMicrosecondPrecision() {
        SessionCursor cursor = new SessionCursor(OffsetDateTime.parse("2026-11-22T01:02:03.123456Z"), UUID.randomUUID());
        SessionCursor decoded = SessionCursor.decode(cursor.encode());
        assertEquals(cursor.id(), decoded.id());
        assertEquals(cursor.updatedAt().toInstant(), decoded.updatedAt().toInstant());
    }

    @Test
    void rejectsAnythingItDidNotIssue() {
        assertThrows(ProblemException.class, () -> SessionCursor.decode("garbage!"));
        assertThrows(ProblemException.class, () -> SessionCursor.decode("czE6MTIzOm5vdC1hLXV1aWQ"));
        assertThrows(ProblemException.class, () -> SessionCursor.decode("x".repeat(500)));
    }
}
