package io.chatsessions.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Streams a response body straight from rows with jackson-core. JSON columns come out of PostgreSQL as valid JSON
 * text (it was checked on the way in and re-rendered by jsonb), so they are copied in raw instead of being parsed
 * into trees and written out again, which was the read paths' main cost.
 */
public final class JsonOutput {

    private static final JsonFactory FACTORY = new JsonFactory();

    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator generator) throws IOException;
    }

    private JsonOutput() {
    }

    public static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The body written into one pooled buffer of {@code capacity} bytes (it grows only if the estimate was short).
     * The caller owns the buffer; on failure it is released here.
     */
    public static ByteBuf writeBuffer(int capacity, Body body) {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(capacity);
        try (JsonGenerator generator = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(buffer), JsonEncoding.UTF8)) {
            body.write(generator);
        } catch (IOException | RuntimeException e) {
            buffer.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return buffer;
    }

    /** A field holding JSON text as it is, or null. */
    public static void rawField(JsonGenerator generator, String name, String json) throws IOException {
        generator.writeFieldName(name);
        if (json == null) {
            generator.writeNull();
        } else {
            generator.writeRawValue(json);
        }
    }

    public static void intField(JsonGenerator generator, String name, Integer value) throws IOException {
        if (value == null) {
            generator.writeNullField(name);
        } else {
            generator.writeNumberField(name, value);
        }
    }

    /** The bytes {@code text} takes as a JSON string, quotes included, at most (jackson's escaping). */
    public static long escapedLength(String text) {
        long bytes = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                bytes += 6;
            } else if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 12; // jackson writes a pair as two six-byte escapes
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
