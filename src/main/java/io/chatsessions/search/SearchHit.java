package io.chatsessions.search;

import io.chatsessions.message.Message;

import java.util.UUID;

/** A matching message, its session's id and title, and its rank (0 when ordered by recency). */
public record SearchHit(UUID sessionId, String sessionTitle, Message message, float rank) {
}
