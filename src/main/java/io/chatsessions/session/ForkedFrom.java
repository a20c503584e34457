package io.chatsessions.session;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.UUID;

/**
 * Where a forked session was branched from: the source session and the last seq copied (0 for none). Both the row's
 * value and its documented shape; top-level, not nested, because micronaut-openapi names a nested record by its class
 * path when it is referenced as a nullable field.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "ForkedFrom", description = "The session this one was forked from and the last seq copied; the source may since have been deleted")
public record ForkedFrom(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID sessionId,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0") int seq) {
}
