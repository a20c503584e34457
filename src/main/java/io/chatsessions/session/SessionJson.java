package io.chatsessions.session;

import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.json.Timestamps;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;

/**
 * Writes session responses straight from rows, {@code metadata} copied raw (see {@link JsonOutput}). The shapes are
 * {@link SessionView}'s and {@link SessionView.Page}'s; SessionJsonTest holds them together.
 */
@Singleton
public class SessionJson {

    public byte[] one(Session session) {
        return JsonOutput.write(generator -> session(generator, session));
    }

    public byte[] page(List<Session> sessions, String nextCursor) {
        return JsonOutput.write(generator -> {
            generator.writeStartObject();
            generator.writeFieldName("items");
            generator.writeStartArray();
            for (Session session : sessions) {
                session(generator, session);
            }
            generator.writeEndArray();
            generator.writeStringField("next_cursor", nextCursor);
            generator.writeEndObject();
        });
    }

    private static void session(JsonGenerator g, Session s) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", s.id().toString());
        g.writeStringField("user_id", s.userId());
        g.writeStringField("title", s.title());
        JsonOutput.rawField(g, "metadata", s.metadataJson());
        g.writeBooleanField("archived", s.archived());
        g.writeNumberField("message_count", s.messageCount());
        g.writeStringField("created_at", Timestamps.format(s.createdAt()));
        g.writeStringField("updated_at", Timestamps.format(s.updatedAt()));
        g.writeNumberField("version", s.version());
        g.writeEndObject();
    }
}
