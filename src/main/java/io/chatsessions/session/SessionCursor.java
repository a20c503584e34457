package io.chatsessions.session;

import io.chatsessions.error.ProblemException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/** The position after the last session of a page: its (updated_at, id), encoded opaquely for clients. */
public record SessionCursor(OffsetDateTime updatedAt, UUID id) {

    private static final String VERSION = "s1";
    // updated_at of a real session lies between these; outside them the cursor was made up (PostgreSQL's own
    // timestamptz range ends near Long.MIN_VALUE microseconds, so a made-up one could reach the database as an error)
    private static final long MIN_MICROS = 0L; // 1970-01-01
    private static final long MAX_MICROS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() * 1_000_000L;

    public static SessionCursor after(Session last) {
        return new SessionCursor(last.updatedAt(), last.id());
    }

    public String encode() {
        Instant instant = updatedAt.toInstant();
        long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        String plain = VERSION + ":" + micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Null for an absent cursor; 400 for anything this service did not issue. */
    public static SessionCursor decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            if (cursor.length() > 200) {
                throw new IllegalArgumentException();
            }
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = plain.split(":");
            if (parts.length != 3 || !parts[0].equals(VERSION) || parts[2].length() != 36) {
                throw new IllegalArgumentException();
            }
            long micros = Long.parseLong(parts[1]);
            if (micros < MIN_MICROS || micros > MAX_MICROS) {
                throw new IllegalArgumentException();
            }
            Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            return new SessionCursor(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor issued by this service");
        }
    }
}
