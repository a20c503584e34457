package io.chatsessions.export;

import io.chatsessions.message.Message;
import io.chatsessions.session.Session;

import java.util.List;

/**
 * Renders an export piece by piece as its batches are read: each call answers the bytes to send next, so what is held
 * is one batch, never the whole export. One writer per response; calls come one after another, never at once.
 */
interface ExportWriter {

    /** The session's header (and, in a multi-session export, whatever separates it from the previous one). */
    byte[] session(Session session);

    /** A batch of the current session's messages, in seq order. */
    byte[] messages(List<Message> batch);

    /** What closes the current session. */
    byte[] endSession();

    /** What closes the export. */
    byte[] end();
}
