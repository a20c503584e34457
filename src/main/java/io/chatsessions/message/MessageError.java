package io.chatsessions.message;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Only for the schema: what a message's {@code error} holds (stored and written as JSON text). Top-level rather than
 * nested: micronaut-openapi names a nested record by its class path when it is referenced as a nullable field.
 */
@Serdeable
@Schema(name = "MessageError", description = "Why an answer failed; at most 2 KiB serialized")
record MessageError(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String code,
                    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String message) {
}
