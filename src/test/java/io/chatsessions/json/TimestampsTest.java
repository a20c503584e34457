package io.chatsessions.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TimestampsTest {

    private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX");

    @Test
    void writesUtcWithMillisecondsAndZ() {
        assertEquals("2026-11-22T01:02:03.456Z", Timestamps.format(OffsetDateTime.parse("2026-11-22T01:02:03.456789Z")));
        assertEquals("2026-11-21T23:02:03.000Z", Timestamps.format(OffsetDateTime.parse("2026-11-22T01:02:03+02:00")));
        assertEquals("0001-01-01T00:00:00.000Z", Timestamps.format(OffsetDateTime.parse("0001-01-01T00:00:00Z")));
        assertNull(Timestamps.format(null));
    }

    @Test
    void agreesWithTheDateTimeFormatterEverywhere() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            long micros = random.nextLong(-62_135_596_800_000_000L, 253_402_300_799_999_999L);
            Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600 + 1) / 60 * 60);
            OffsetDateTime time = instant.atOffset(offset);
            assertEquals(REFERENCE.format(time.withOffsetSameInstant(ZoneOffset.UTC)), Timestamps.format(time), time.toString());
        }
    }
}
