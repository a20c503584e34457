package io.chatsessions.importing;

import io.chatsessions.config.ApiLimits;
import io.chatsessions.feedback.FeedbackInput;
import io.chatsessions.json.FieldErrors;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.JsonFields;
import io.chatsessions.message.MessageInput;
import io.chatsessions.session.SessionInput;
import io.micronaut.json.tree.JsonNode;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /sessions:import}, validated: the export's json shape ({@code {session, messages}}). Each
 * message passes the append path's rules ({@link MessageInput#read}) plus an optional {@code created_at}; the fields
 * the server assigns (ids, seqs, versions, counts, feedback) are accepted and ignored, so an export can be posted back
 * as it is. Timestamps: a message without created_at takes the one before it (or the session's); the session's
 * defaults to the first message's, else now; none may be in the future, and they never decrease.
 */
public record ImportInput(String title, String metadata, boolean archived, OffsetDateTime createdAt,
                          List<MessageInput> messages, List<OffsetDateTime> messageCreatedAt, List<Rated> feedback) {

    /** A message's feedback, carried over with its timestamps (default: the message's created_at). */
    public record Rated(int index, FeedbackInput feedback, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    static final Set<String> SESSION_FIELDS = Set.of("title", "metadata", "archived", "created_at");
    static final Set<String> SESSION_IGNORED = Set.of("id", "user_id", "message_count", "updated_at", "version", "forked_from");
    static final Set<String> MESSAGE_IGNORED = Set.of("id", "session_id", "seq", "version", "updated_at", "completed_at", "feedback");
    static final Set<String> FEEDBACK_TIMES = Set.of("created_at", "updated_at");

    public static ImportInput parse(byte[] body, JsonBodies json, ApiLimits limits, OffsetDateTime now) {
        JsonNode object = json.parseObject(body, false);
        FieldErrors errors = new FieldErrors();
        JsonFields.checkNames(object, "", Set.of("session", "messages"), Set.of(), errors);
        JsonNode session = object.get("session");
        String title = null;
        String metadata = "{}";
        boolean archived = false;
        OffsetDateTime sessionCreatedAt = null;
        if (session != null && !session.isObject()) {
            errors.add("session", "must be an object");
        } else if (session != null) {
            JsonNode fields = without(session, SESSION_IGNORED);
            FieldErrors sessionErrors = new FieldErrors();
            JsonFields.checkNames(fields, "", SESSION_FIELDS, Set.of(), sessionErrors);
            title = SessionInput.title(fields.get("title"), sessionErrors);
            if (fields.get("metadata") != null) {
                metadata = json.objectText(fields.get("metadata"), "metadata", limits.maxJsonDepth(), limits.maxMetadataBytes(), sessionErrors);
            }
            archived = Boolean.TRUE.equals(SessionInput.archived(fields.get("archived"), sessionErrors));
            sessionCreatedAt = timestamp(fields.get("created_at"), "created_at", now, sessionErrors);
            // SessionInput's rules name top-level fields; in this body they sit under "session."
            errors.addAll("session.", sessionErrors);
        }
        JsonNode messages = object.get("messages");
        List<MessageInput> parsed = new ArrayList<>();
        List<OffsetDateTime> given = new ArrayList<>();
        List<Rated> rated = new ArrayList<>();
        if (messages == null || !messages.isArray()) {
            errors.add("messages", "must be an array of 0 to " + limits.maxImportMessages() + " messages");
        } else if (messages.size() > limits.maxImportMessages()) {
            errors.add("messages", "must hold at most " + limits.maxImportMessages() + " messages (CHAT_LIMITS_MAX_IMPORT_MESSAGES)");
        } else {
            int index = 0;
            for (JsonNode item : messages.values()) {
                String prefix = "messages[" + index++ + "].";
                if (!item.isObject()) {
                    errors.add(prefix.substring(0, prefix.length() - 1), "must be an object");
                    given.add(null);
                    continue;
                }
                JsonNode fields = without(item, MESSAGE_IGNORED);
                given.add(timestamp(fields.get("created_at"), prefix + "created_at", now, errors));
                parsed.add(MessageInput.read(without(fields, Set.of("created_at")), prefix, json, limits, errors));
                Rated feedback = feedback(item.get("feedback"), index - 1, item.get("sources"), prefix + "feedback", now, errors);
                if (feedback != null) {
                    rated.add(feedback);
                }
            }
        }
        if (sessionCreatedAt == null) {
            sessionCreatedAt = given.stream().filter(t -> t != null).findFirst().orElse(now);
        }
        List<OffsetDateTime> times = new ArrayList<>(given.size());
        OffsetDateTime previous = sessionCreatedAt;
        for (int i = 0; i < given.size(); i++) {
            OffsetDateTime time = given.get(i);
            if (time == null) {
                time = previous;
            } else if (time.isBefore(previous)) {
                errors.add("messages[" + i + "].created_at", "must not be before the session's created_at nor the previous message's");
            }
            times.add(time);
            previous = time.isAfter(previous) ? time : previous; // a bad one does not cascade
        }
        errors.throwIfAny();
        List<Rated> feedback = rated.stream().map(r -> {
            OffsetDateTime created = r.createdAt() == null ? times.get(r.index()) : r.createdAt();
            return new Rated(r.index(), r.feedback(), created, r.updatedAt() == null ? created : r.updatedAt());
        }).toList();
        return new ImportInput(title, metadata, archived, sessionCreatedAt, parsed, times, feedback);
    }

    /** The session's updated_at: its last message's created_at, or its own created_at when it has none. */
    public OffsetDateTime updatedAt() {
        return messageCreatedAt.isEmpty() ? createdAt : messageCreatedAt.get(messageCreatedAt.size() - 1);
    }

    /** The message's feedback as the export writes it (null or absent: none), with the feedback route's rules. */
    private static Rated feedback(JsonNode value, int index, JsonNode sources, String field, OffsetDateTime now, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            errors.add(field, "must be an object or null");
            return null;
        }
        FieldErrors own = new FieldErrors();
        FeedbackInput feedback = FeedbackInput.read(without(value, FEEDBACK_TIMES), own);
        OffsetDateTime created = timestamp(value.get("created_at"), "created_at", now, own);
        OffsetDateTime updated = timestamp(value.get("updated_at"), "updated_at", now, own);
        if (own.isEmpty()) {
            int count = sources != null && sources.isArray() ? sources.size() : 0;
            int bad = feedback.firstIndexAtLeast(count);
            if (bad >= 0) {
                own.add("sources[" + bad + "].index", "must be below the message's number of sources (" + count + ")");
            }
        }
        errors.addAll(field + ".", own);
        return own.isEmpty() ? new Rated(index, feedback, created, updated) : null;
    }

    private static OffsetDateTime timestamp(JsonNode value, String field, OffsetDateTime now, FieldErrors errors) {
        if (value == null) {
            return null;
        }
        String text = JsonFields.string(value, field, false, errors);
        if (text == null) {
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
            if (time.isAfter(now)) {
                errors.add(field, "must not be in the future");
                return null;
            }
            return time;
        } catch (DateTimeParseException e) {
            errors.add(field, "must be an RFC 3339 timestamp with an offset, e.g. 2026-01-31T12:00:00.000Z");
            return null;
        }
    }

    private static JsonNode without(JsonNode object, Set<String> names) {
        Map<String, JsonNode> kept = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : object.entries()) {
            if (!names.contains(entry.getKey())) {
                kept.put(entry.getKey(), entry.getValue());
            }
        }
        return JsonNode.createObjectNode(kept);
    }
}
