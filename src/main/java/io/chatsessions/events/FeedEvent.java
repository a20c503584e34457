package io.chatsessions.events;

/**
 * One frame for a stream: its bytes (rendered once per feed and shared by every stream of it) and, for a message
 * event, the message's seq and version, by which a stream drops what its snapshot already sent.
 */
record FeedEvent(int seq, int version, byte[] bytes) {

    static final FeedEvent HEARTBEAT = new FeedEvent(0, 0, SseFrames.HEARTBEAT);

    static FeedEvent other(byte[] bytes) {
        return new FeedEvent(0, 0, bytes);
    }

    boolean isMessage() {
        return seq > 0;
    }
}
