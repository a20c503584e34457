package io.chatsessions.events;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/** The settings of live events ({@code chat.events.*}, from the {@code CHAT_EVENTS_*} variables in application.yml). */
@Singleton
public class EventSettings {

    private final Duration heartbeat;
    private final int maxStreamsPerUser;
    private final int bufferEvents;
    private final long bufferBytes;
    private final Duration listenReconnectMax;

    public EventSettings(@Value("${chat.events.heartbeat:PT15S}") Duration heartbeat,
                         @Value("${chat.events.max-streams-per-user:10}") int maxStreamsPerUser,
                         @Value("${chat.events.buffer-events:256}") int bufferEvents,
                         @Value("${chat.events.buffer-bytes:8388608}") long bufferBytes,
                         @Value("${chat.events.listen-reconnect-max:PT10S}") Duration listenReconnectMax) {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("CHAT_EVENTS_HEARTBEAT must be a positive duration, got " + heartbeat);
        }
        if (maxStreamsPerUser < 1 || bufferEvents < 1 || bufferBytes < 1) {
            throw new IllegalArgumentException("CHAT_EVENTS_MAX_STREAMS_PER_USER, CHAT_EVENTS_BUFFER_EVENTS and CHAT_EVENTS_BUFFER_BYTES must be positive");
        }
        this.heartbeat = heartbeat;
        this.maxStreamsPerUser = maxStreamsPerUser;
        this.bufferEvents = bufferEvents;
        this.bufferBytes = bufferBytes;
        this.listenReconnectMax = listenReconnectMax;
    }

    /** How often every stream gets a comment line and every feed re-reads its session (healing lost notifications). */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** Open streams one user may hold on this instance. */
    public int maxStreamsPerUser() {
        return maxStreamsPerUser;
    }

    /** Events a stream may hold that its client has not taken yet; one more closes the stream. */
    public int bufferEvents() {
        return bufferEvents;
    }

    /** Bytes of those events; one more closes the stream too (a streamed answer's versions can be large). */
    public long bufferBytes() {
        return bufferBytes;
    }

    /** The longest wait between two attempts to re-open the LISTEN connection. */
    public Duration listenReconnectMax() {
        return listenReconnectMax;
    }
}
