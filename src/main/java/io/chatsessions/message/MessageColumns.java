package io.chatsessions.message;

import io.chatsessions.db.UuidV7;

import java.util.List;
import java.util.UUID;

/**
 * Messages turned column by column into the arrays an {@code unnest(...)} of one statement reads (the append and the
 * import insert many rows in one round trip so), with a new UUIDv7 id for each.
 */
public record MessageColumns(UUID[] ids, String[] roles, String[] contents, String[] sources, Integer[] latencies,
                             Integer[] topKs, String[] queryTypes, String[] metadata, String[] statuses,
                             String[] finishReasons, String[] errors) {

    public static MessageColumns of(List<MessageInput> messages) {
        int n = messages.size();
        MessageColumns columns = new MessageColumns(new UUID[n], new String[n], new String[n], new String[n], new Integer[n],
                new Integer[n], new String[n], new String[n], new String[n], new String[n], new String[n]);
        for (int i = 0; i < n; i++) {
            MessageInput m = messages.get(i);
            columns.ids[i] = UuidV7.next();
            columns.roles[i] = m.role();
            columns.contents[i] = m.content();
            columns.sources[i] = m.sources();
            columns.latencies[i] = m.latencyMs();
            columns.topKs[i] = m.topK();
            columns.queryTypes[i] = m.queryType();
            columns.metadata[i] = m.metadata();
            columns.statuses[i] = m.status();
            columns.finishReasons[i] = m.finishReason();
            columns.errors[i] = m.error();
        }
        return columns;
    }
}
