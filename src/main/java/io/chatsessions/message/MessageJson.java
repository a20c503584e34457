package io.chatsessions.message;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.web.Timestamps;
import jakarta.inject.Singleton;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes message responses straight from rows: {@code sources} and {@code metadata} come out of PostgreSQL as JSON
 * text and are copied into the response as they are, instead of being parsed into trees and written out again
 * (the read path's main cost). The shape is {@link MessageResponse}'s; MessageJsonTest holds the two together.
 */
@Singleton
public class MessageJson {

    private final JsonFactory factory = new JsonFactory();

    public byte[] one(Message message) {
        return write(generator -> message(generator, message));
    }

    public byte[] page(List<Message> ascending, boolean hasMore) {
        return write(generator -> {
            generator.writeStartObject();
            generator.writeFieldName("items");
            items(generator, ascending);
            generator.writeBooleanField("has_more", hasMore);
            generator.writeEndObject();
        });
    }

    public byte[] batch(List<Message> ascending) {
        return write(generator -> {
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
        g.writeFieldName("sources");
        if (m.sourcesJson() == null) {
            g.writeNull();
        } else {
            g.writeRawValue(m.sourcesJson());
        }
        nullableInt(g, "latency_ms", m.latencyMs());
        nullableInt(g, "top_k", m.topK());
        g.writeStringField("query_type", m.queryType());
        g.writeFieldName("metadata");
        g.writeRawValue(m.metadataJson());
        g.writeStringField("created_at", Timestamps.format(m.createdAt()));
        g.writeEndObject();
    }

    private static void nullableInt(JsonGenerator g, String name, Integer value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    private byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator generator = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator generator) throws IOException;
    }
}
