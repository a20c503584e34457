package io.chatsessions.db;

import java.util.UUID;

/**
 * Told after the commit of every write that changes a session or its messages, so that live event streams on any pod
 * re-read it (io.chatsessions.events implements it). After, not inside, the transaction: a NOTIFY inside it would
 * serialise every commit on a database-wide lock (V2's header has the figures).
 */
public interface SessionChanges {

    void changed(UUID sessionId);
}
