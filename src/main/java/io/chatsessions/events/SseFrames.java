package io.chatsessions.events;

import java.nio.charset.StandardCharsets;

/**
 * The Server-Sent Events wire format, written by hand: a frame is {@code id:}, {@code event:} and one {@code data:}
 * line (the JSON writers never emit a raw line break: strings escape them), then a blank line.
 */
final class SseFrames {

    /** Sent first: how long EventSource waits before reconnecting. */
    static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII);
    /** The heartbeat: a comment line, which EventSource ignores and proxies see as traffic. */
    static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    static byte[] event(String id, String name, byte[] json) {
        byte[] head = ((id == null ? "" : "id: " + id + "\n") + "event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(json, 0, frame, head.length, json.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }

    /** A message event's id: {@code <seq>.<version>}. */
    static String messageId(int seq, int version) {
        return seq + "." + version;
    }

    /**
     * The seq part of a {@code Last-Event-ID} ({@code <seq>.<version>}, or a bare seq); null when it is absent or not
     * ours, so that a client with a stale or foreign id gets the default snapshot rather than an error on reconnect.
     */
    static Integer seqOf(String lastEventId) {
        if (lastEventId == null) {
            return null;
        }
        String text = lastEventId.trim();
        int dot = text.indexOf('.');
        String seq = dot < 0 ? text : text.substring(0, dot);
        if (seq.isEmpty() || seq.length() > 10 || !seq.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long value = Long.parseLong(seq);
        return value > Integer.MAX_VALUE ? null : (int) value;
    }
}
