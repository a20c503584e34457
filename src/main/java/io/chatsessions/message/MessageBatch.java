package io.chatsessions.message;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The response of a batch append: the appended messages in seq order. */
@Serdeable
public record MessageBatch(List<MessageResponse> items) {
}
