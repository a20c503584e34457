package io.chatsessions.fork;

import io.chatsessions.error.ProblemException;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.session.Session;
import io.chatsessions.session.SessionInput;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Set;

/**
 * A fork request, validated: the request's value and its OpenAPI schema. {@link #parse} holds the rules (behind
 * {@code StrictJson}); an empty body forks every message under the source's title. Whether {@code up_to_seq} lies
 * within the source is only known under the source's lock, so {@link #lastSeq} checks it there.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@Schema(name = "ForkWrite", description = "What to copy; unknown fields are rejected with 400")
public record ForkInput(
        @Schema(nullable = true, minimum = "0", description = "Copy messages 1..up_to_seq (0: none); absent or null: all of them. "
                + "Above the source's message_count is 400 (field up_to_seq)") Integer upToSeq,
        @Schema(hidden = true) boolean setsTitle,
        @Schema(nullable = true, maxLength = SessionInput.MAX_TITLE_CHARACTERS,
                description = "At most " + SessionInput.MAX_TITLE_CHARACTERS + " characters; absent: the source's title; null: no title") String title) {

    static final Set<String> WRITABLE = Set.of("up_to_seq", "title");

    /** The body as a fork request, or a 400 listing every bad field. */
    public static ForkInput parse(byte[] body, JsonBodies json) {
        JsonNode object = json.parseObject(body, true);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", WRITABLE, Set.of(), errors);
        Integer upToSeq = JsonFields.integer(object.get("up_to_seq"), "up_to_seq", 0, Integer.MAX_VALUE, errors);
        boolean setsTitle = object.get("title") != null;
        String title = SessionInput.title(object.get("title"), errors);
        errors.throwIfAny();
        return new ForkInput(upToSeq, setsTitle, title);
    }

    /** The fork's title: the one given (null included), else the source's. */
    String titleFor(Session source) {
        return setsTitle ? title : source.title();
    }

    /**
     * The last seq to copy. Beyond the source's messages is a 400 rather than "all of them": a client asking for seq 7
     * of a 5-message session has a stale view, and silently forking less than it asked for would hide that.
     */
    int lastSeq(Session source) {
        if (upToSeq == null) {
            return source.messageCount();
        }
        if (upToSeq > source.messageCount()) {
            throw ProblemException.invalidField("up_to_seq",
                    "must be at most " + source.messageCount() + ", the source session's message_count");
        }
        return upToSeq;
    }
}
