package io.chatsessions.db;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UuidV7Test {

    @Test
    void carriesVersionVariantAndTimestamp() {
        long millis = 1_795_000_000_000L;
        UUID id = UuidV7.at(millis);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(millis, id.getMostSignificantBits() >>> 16);
    }

    @Test
    void laterMillisecondsSortLater() {
        UUID earlier = UuidV7.at(1_000);
        UUID later = UuidV7.at(1_001);
        assertTrue(earlier.toString().compareTo(later.toString()) < 0);
    }

    @Test
    void idsInTheSameMillisecondNeverRepeatAcrossBufferRefills() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = UuidV7.at(1_795_000_000_000L);
            assertEquals(7, id.version());
            assertEquals(2, id.variant());
            ids.add(id);
        }
        assertEquals(10_000, ids.size());
    }
}
