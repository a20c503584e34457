package io.chatsessions.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.json.Timestamps;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Writes session responses straight from rows, {@code metadata} copied raw (see {@link JsonOutput}). The shapes are
 * {@link Response}'s and {@link Page}'s (below); SessionJsonTest holds them together.
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
        fields(g, s);
        g.writeEndObject();
    }

    /** The fields of a session response, inside an object the caller opened (exports add a {@code type} before them). */
    public static void fields(JsonGenerator g, Session s) throws IOException {
        g.writeStringField("id", s.id().toString());
        g.writeStringField("user_id", s.userId());
        g.writeStringField("title", s.title());
        JsonOutput.rawField(g, "metadata", s.metadataJson());
        g.writeBooleanField("archived", s.archived());
        g.writeNumberField("message_count", s.messageCount());
        g.writeStringField("created_at", Timestamps.format(s.createdAt()));
        g.writeStringField("updated_at", Timestamps.format(s.updatedAt()));
        g.writeNumberField("version", s.version());
        g.writeFieldName("forked_from");
        if (s.forkedFrom() == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeStringField("session_id", s.forkedFrom().sessionId().toString());
            g.writeNumberField("seq", s.forkedFrom().seq());
            g.writeEndObject();
        }
    }

    /**
     * The documented shape of what this class writes (the OpenAPI response schema): the writer and its shape side by
     * side, so that a new field is added to both in one place. SessionJsonTest holds the two together.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionResponse")
    public record Response(UUID id, String userId, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String title,
                           @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, requiredMode = Schema.RequiredMode.REQUIRED) JsonNode metadata,
                           boolean archived, int messageCount,
                           @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String createdAt,
                           @Schema(format = "date-time", requiredMode = Schema.RequiredMode.REQUIRED) String updatedAt,
                           int version,
                           @Schema(type = "object", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) ForkedFrom forkedFrom) {

        static Response of(Session session, JsonNode metadata) {
            return new Response(session.id(), session.userId(), session.title(), metadata, session.archived(),
                    session.messageCount(), Timestamps.format(session.createdAt()), Timestamps.format(session.updatedAt()),
                    session.version(), session.forkedFrom());
        }
    }

    /** A page of sessions, most recently updated first; {@code next_cursor} is null on the last page. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionPage")
    public record Page(List<Response> items, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String nextCursor) {
    }
}
