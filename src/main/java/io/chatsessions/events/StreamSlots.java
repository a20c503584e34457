package io.chatsessions.events;

import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;

/** How many streams each user holds open on this instance, against {@code CHAT_EVENTS_MAX_STREAMS_PER_USER}. */
@Singleton
public class StreamSlots {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final int max;

    public StreamSlots(EventSettings settings) {
        this.max = settings.maxStreamsPerUser();
    }

    /** Takes a slot; false (taking nothing) when the user already holds the maximum. */
    public boolean acquire(String user) {
        boolean[] taken = {false};
        open.compute(user, (u, count) -> {
            int current = count == null ? 0 : count;
            if (current >= max) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    public void release(String user) {
        open.computeIfPresent(user, (u, count) -> count <= 1 ? null : count - 1);
    }

    int openStreams(String user) {
        return open.getOrDefault(user, 0);
    }
}
