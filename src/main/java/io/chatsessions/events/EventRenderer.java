package io.chatsessions.events;

import io.chatsessions.json.JsonOutput;
import io.chatsessions.message.Message;
import io.chatsessions.message.MessageJson;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionJson;
import jakarta.inject.Singleton;

import java.util.UUID;

/** Event names and frames: the data is the message or session JSON exactly as the API's writers write it. */
@Singleton
public class EventRenderer {

    static final String CREATED = "message.created";
    static final String UPDATED = "message.updated";
    static final String COMPLETED = "message.completed";
    static final String SESSION_UPDATED = "session.updated";
    static final String SESSION_DELETED = "session.deleted";

    private final MessageJson messages;
    private final SessionJson sessions;

    public EventRenderer(MessageJson messages, SessionJson sessions) {
        this.messages = messages;
        this.sessions = sessions;
    }

    /**
     * created at version 1; updated while in progress after that; completed once the status has left in_progress.
     * Events coalesce: a feed that reads a message once after several changes sends its latest state under the name
     * that state has (a message created and finished between two reads comes as message.completed).
     */
    static String name(Message message) {
        if (message.version() <= 1) {
            return CREATED;
        }
        return message.inProgress() ? UPDATED : COMPLETED;
    }

    FeedEvent message(Message message) {
        byte[] frame = SseFrames.event(SseFrames.messageId(message.seq(), message.version()), name(message), messages.one(message));
        return new FeedEvent(message.seq(), message.version(), frame);
    }

    byte[] sessionUpdated(Session session) {
        return SseFrames.event(null, SESSION_UPDATED, sessions.one(session));
    }

    byte[] sessionDeleted(UUID sessionId) {
        return SseFrames.event(null, SESSION_DELETED, JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", sessionId.toString());
            g.writeEndObject();
        }));
    }
}
