package io.chatsessions.feedback;

import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.json.Text;
import io.chatsessions.json.Timestamps;
import io.micronaut.core.annotation.Nullable;

import java.io.IOException;

/**
 * Writes feedback from its row, JSON columns copied raw: on its own (PUT) and inside every message that has it. The
 * shape is {@link FeedbackResponse}'s.
 */
public final class FeedbackJson {

    private FeedbackJson() {
    }

    public static byte[] one(Feedback feedback) {
        return JsonOutput.write(generator -> write(generator, feedback));
    }

    /** The feedback object, or JSON null for none. */
    public static void write(JsonGenerator g, @Nullable Feedback f) throws IOException {
        if (f == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("rating", f.rating());
        JsonOutput.rawField(g, "reasons", f.reasonsJson());
        g.writeStringField("comment", f.comment());
        JsonOutput.rawField(g, "sources", f.sourcesJson());
        g.writeStringField("created_at", Timestamps.format(f.createdAt()));
        g.writeStringField("updated_at", Timestamps.format(f.updatedAt()));
        g.writeEndObject();
    }

    /** An upper bound of the bytes {@link #write} writes. */
    public static long maxBytes(@Nullable Feedback f) {
        if (f == null) {
            return 4;
        }
        return 160 + (f.comment() == null ? 4 : JsonOutput.escapedLength(f.comment()))
                + Text.utf8Length(f.reasonsJson()) + Text.utf8Length(f.sourcesJson());
    }
}
