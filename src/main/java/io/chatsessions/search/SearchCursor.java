package io.chatsessions.search;

import io.chatsessions.error.ProblemException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * The position after the last item of a page, opaque to clients: for {@code recent} the message's (created_at, id),
 * for {@code relevance} its (rank, id). A rank is exact (the float's bits), and never changes for a message (only
 * final messages are searchable, and their content never changes), so a keyset page neither repeats nor skips.
 */
public record SearchCursor(SearchOrder order, OffsetDateTime createdAt, Float rank, UUID id) {

    private static final long MAX_MICROS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() * 1_000_000L;

    public static SearchCursor after(SearchOrder order, SearchHit last) {
        return order == SearchOrder.RECENT
                ? new SearchCursor(order, last.message().createdAt(), null, last.message().id())
                : new SearchCursor(order, null, last.rank(), last.message().id());
    }

    public String encode() {
        String key;
        if (order == SearchOrder.RECENT) {
            Instant instant = createdAt.toInstant();
            key = "c:" + Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        } else {
            key = "r:" + Integer.toHexString(Float.floatToRawIntBits(rank));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString((key + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Null for an absent cursor; 400 for anything this service did not issue for this order. */
    public static SearchCursor decode(String cursor, SearchOrder order) {
        if (cursor == null) {
            return null;
        }
        try {
            if (cursor.length() > 200) {
                throw new IllegalArgumentException();
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (parts.length != 3 || parts[2].length() != 36) {
                throw new IllegalArgumentException();
            }
            UUID id = UUID.fromString(parts[2]);
            if (order == SearchOrder.RECENT && parts[0].equals("c")) {
                long micros = Long.parseLong(parts[1]);
                if (micros < 0 || micros > MAX_MICROS) {
                    throw new IllegalArgumentException();
                }
                Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
                return new SearchCursor(order, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), null, id);
            }
            if (order == SearchOrder.RELEVANCE && parts[0].equals("r")) {
                float rank = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[1], 16));
                if (!Float.isFinite(rank)) {
                    throw new IllegalArgumentException();
                }
                return new SearchCursor(order, null, rank, id);
            }
            throw new IllegalArgumentException();
        } catch (RuntimeException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor issued by this service for order " + order.name().toLowerCase());
        }
    }
}
