package io.chatsessions.message;

import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.web.Timestamps;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;

/**
 * Writes message responses straight from rows, {@code sources} and {@code metadata} copied raw (see
 * {@link JsonOutput}). The shape is {@link MessageResponse}'s; MessageJsonTest holds the two together.
 */
@Singleton
public class MessageJson {

    public byte[] one(Message message) {
        return JsonOutput.write(generator -> message(generator, message));
    }

    public byte[] page(List<Message> ascending, boolean hasMore) {
        return JsonOutput.write(generator -> {
            generator.writeStartObject();
            generator.writeFieldName("items");
            items(generator, ascending);
            generator.writeBooleanField("has_more", hasMore);
            generator.writeEndObject();
        });
    }

    public byte[] batch(List<Message> ascending) {
        return JsonOutput.write(generator -> {
            generator.writeStartObject();
            generator.writeFieldName("items");
            items(generator, ascending);
            generator.writeEndObject();
        });
    }

    private static void items(JsonGenerator generator, List<Message> messages) throws IOException {
        generator.writeStartArray();
        for (Message message : messages) {
            message(generator, message);
        }
        generator.writeEndArray();
    }

    private static void message(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id().toString());
        g.writeStringField("session_id", m.sessionId().toString());
        g.writeNumberField("seq", m.seq());
        g.writeStringField("role", m.role());
        g.writeStringField("content", m.content());
        JsonOutput.rawField(g, "sources", m.sourcesJson());
        JsonOutput.intField(g, "latency_ms", m.latencyMs());
        JsonOutput.intField(g, "top_k", m.topK());
        g.writeStringField("query_type", m.queryType());
        JsonOutput.rawField(g, "metadata", m.metadataJson());
        g.writeStringField("created_at", Timestamps.format(m.createdAt()));
        g.writeEndObject();
    }
}
