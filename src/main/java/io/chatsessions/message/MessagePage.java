package io.chatsessions.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.List;

/** A page of messages in ascending seq. */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessagePage(
        List<MessageResponse> items,
        @Schema(description = "More messages lie beyond this page in the direction paged: below its lowest seq (newest, "
                + "before_seq) or above its highest (after_seq). Also true when the page was cut short by the page byte "
                + "budget (CHAT_LIMITS_MAX_PAGE_BYTES, 8 MiB) with fewer than `limit` items.") boolean hasMore) {
}
