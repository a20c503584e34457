package io.chatsessions.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.message.Message;
import io.chatsessions.message.MessageJson;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The json and ndjson exports, written with the message and session responses' own writers ({@link MessageJson#fields},
 * {@link SessionJson#fields}), so an exported message is exactly what {@code GET .../messages/{id}} answers. One
 * generator writes the whole document (it keeps the nesting and the commas between batches); after each piece its
 * buffer is flushed, handed out and emptied.
 * <ul>
 * <li>json: {@code {"session": {...}, "messages": [{...}, ...]}}</li>
 * <li>ndjson: one line {@code {"type":"session", ...}} per session, then {@code {"type":"message", ...}} per message</li>
 * </ul>
 */
final class JsonExportWriter implements ExportWriter {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final boolean lines;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private final JsonGenerator generator;

    private JsonExportWriter(boolean lines) {
        this.lines = lines;
        try {
            generator = FACTORY.createGenerator(buffer, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        generator.setRootValueSeparator(null); // ndjson separates its lines itself
    }

    static JsonExportWriter document() {
        return new JsonExportWriter(false);
    }

    static JsonExportWriter lines() {
        return new JsonExportWriter(true);
    }

    @Override
    public byte[] session(Session session) {
        return piece(g -> {
            if (lines) {
                g.writeStartObject();
                g.writeStringField("type", "session");
                SessionJson.fields(g, session);
                g.writeEndObject();
                g.writeRaw('\n');
            } else {
                g.writeStartObject();
                g.writeFieldName("session");
                g.writeStartObject();
                SessionJson.fields(g, session);
                g.writeEndObject();
                g.writeFieldName("messages");
                g.writeStartArray();
            }
        });
    }

    @Override
    public byte[] messages(List<Message> batch) {
        return piece(g -> {
            for (Message message : batch) {
                g.writeStartObject();
                if (lines) {
                    g.writeStringField("type", "message");
                }
                MessageJson.fields(g, message);
                g.writeEndObject();
                if (lines) {
                    g.writeRaw('\n');
                }
            }
        });
    }

    @Override
    public byte[] endSession() {
        return piece(g -> {
            if (!lines) {
                g.writeEndArray();
                g.writeEndObject();
            }
        });
    }

    @Override
    public byte[] end() {
        return new byte[0];
    }

    private interface Piece {
        void write(JsonGenerator generator) throws IOException;
    }

    private byte[] piece(Piece piece) {
        try {
            piece.write(generator);
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = buffer.toByteArray();
        buffer.reset();
        return bytes;
    }
}
