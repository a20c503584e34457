package io.chatsessions.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatsessions.json.JsonOutput;
import io.chatsessions.message.MessageJson;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.UUID;

/** Writes a page of hits; {@link Page} is its documented shape (the OpenAPI schema). */
public final class SearchJson {

    private SearchJson() {
    }

    public static byte[] page(List<SearchHit> hits, List<SearchTerm> terms, String nextCursor) {
        return JsonOutput.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (SearchHit hit : hits) {
                g.writeStartObject();
                g.writeObjectFieldStart("session");
                g.writeStringField("id", hit.sessionId().toString());
                g.writeStringField("title", hit.sessionTitle());
                g.writeEndObject();
                g.writeFieldName("message");
                MessageJson.message(g, hit.message());
                g.writeStringField("highlight", Highlight.excerpt(hit.message().content(), terms));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("next_cursor", nextCursor);
            g.writeEndObject();
        });
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SearchSession")
    public record Session(UUID id, @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String title) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SearchHit")
    public record Item(Session session, MessageJson.Response message,
                       @Schema(description = "About 200 characters of the content around the first match, HTML-escaped, "
                               + "matches wrapped in <mark> and </mark>; … where cut") String highlight) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SearchPage")
    public record Page(List<Item> items,
                       @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED,
                               description = "Opaque; pass as `cursor` with the same order for the next page; null on the last page")
                       String nextCursor) {
    }
}
