package io.chatsessions.openapi;

import io.chatsessions.config.ApiLimits;
import io.micronaut.http.HttpStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The document route is anonymous: names that name no document must not pile up in its cache. */
class ServedOpenApiControllerTest {

    private static final ApiLimits DEFAULTS = new ApiLimits(262144, 100, 16384, 65536, 327680, 8388608, 32, 100, 20, 100, 50, 200, 10000, 16777216);

    @Test
    void unknownNamesAre404AndLeaveNothingBehind() {
        ServedOpenApiController controller = new ServedOpenApiController(DEFAULTS);
        for (int i = 0; i < 1_000; i++) {
            assertEquals(HttpStatus.NOT_FOUND, controller.document("no-such-document-" + i + ".yml").getStatus());
        }
        assertEquals(0, controller.cachedDocuments());
    }

    @Test
    void theDocumentIsRenderedOnce() {
        ServedOpenApiController controller = new ServedOpenApiController(DEFAULTS);
        byte[] first = controller.document("chat-sessions-1.0.0.yml").body();
        assertSame(first, controller.document("chat-sessions-1.0.0.yml").body());
        assertEquals(1, controller.cachedDocuments());
    }
}
