package io.chatsessions.error;

import io.micronaut.serde.annotation.Serdeable;

/** One invalid field of a request: {@code field} is a JSON path such as {@code messages[2].sources[0].score}. */
@Serdeable
public record FieldError(String field, String message) {
}
