package io.chatsessions.export;

import io.chatsessions.feedback.Feedback;
import io.chatsessions.json.JsonBodies;
import io.chatsessions.json.Timestamps;
import io.chatsessions.message.Message;
import io.chatsessions.session.Session;
import io.micronaut.json.tree.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A transcript a person reads: the title as a heading, the session's facts, then per message a heading with its seq,
 * role and time, its content, and its sources as footnotes ({@code [^n]: [title](url)}, numbered through the whole
 * file). Content is kept as the markdown it usually is, inside a block quote: whatever it holds (a heading, an
 * unclosed code fence, a list) ends with the quote and cannot swallow the next message; {@code [^} in it is escaped so
 * that it cannot define or cite this file's footnotes. Titles and other text from the data are escaped as inline
 * text on one line; only http(s) URLs become links.
 */
final class MarkdownExportWriter implements ExportWriter {

    private final JsonBodies json;
    private int footnotes;

    MarkdownExportWriter(JsonBodies json) {
        this.json = json;
    }

    @Override
    public byte[] session(Session session) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(session.title() == null || session.title().isBlank() ? "Untitled session" : inline(session.title()))
                .append("\n\n");
        out.append("- Session: `").append(session.id()).append("`\n");
        out.append("- Created: ").append(Timestamps.format(session.createdAt()))
                .append(", last updated: ").append(Timestamps.format(session.updatedAt())).append('\n');
        out.append("- Messages: ").append(session.messageCount()).append(session.archived() ? " (archived)" : "").append('\n');
        if (session.forkedFrom() != null) {
            out.append("- Forked from `").append(session.forkedFrom().sessionId()).append("` at message ")
                    .append(session.forkedFrom().seq()).append('\n');
        }
        return bytes(out);
    }

    @Override
    public byte[] messages(List<Message> batch) {
        StringBuilder out = new StringBuilder();
        for (Message m : batch) {
            out.append("\n---\n\n### ").append(m.seq()).append(". ").append(roleName(m.role())).append(" · ")
                    .append(Timestamps.format(m.createdAt()));
            if (!Message.COMPLETED.equals(m.status())) {
                out.append(" · ").append(m.status());
                if (m.finishReason() != null) {
                    out.append(" (").append(inline(m.finishReason())).append(')');
                }
            }
            out.append("\n\n");
            quote(out, m.content().isEmpty() ? "*(empty)*" : m.content().replace("[^", "\\[^"));
            sources(out, m.sourcesJson());
            feedback(out, m.feedback());
        }
        return bytes(out);
    }

    @Override
    public byte[] endSession() {
        return new byte[0];
    }

    @Override
    public byte[] end() {
        return new byte[0];
    }

    private void sources(StringBuilder out, String sourcesJson) {
        if (sourcesJson == null) {
            return;
        }
        JsonNode sources = json.parseStored(sourcesJson);
        if (!sources.isArray() || sources.size() == 0) {
            return;
        }
        int first = footnotes + 1;
        out.append("\nSources:");
        for (int i = 0; i < sources.size(); i++) {
            out.append(" [^").append(first + i).append(']');
        }
        out.append("\n\n");
        for (JsonNode source : sources.values()) {
            out.append("[^").append(++footnotes).append("]: ");
            String title = text(source, "title");
            String url = text(source, "url");
            String label = title != null ? inline(title)
                    : text(source, "document_id") != null ? inline(text(source, "document_id")) : "source";
            if (url != null && isWebLink(url)) {
                out.append('[').append(label).append("](<").append(linkTarget(url)).append(">)");
            } else {
                out.append(label);
                if (url != null) {
                    out.append(", ").append(inline(url));
                }
            }
            String chunk = text(source, "chunk_id");
            if (chunk != null) {
                out.append(", chunk `").append(chunk.replace('`', '\'').replace('\n', ' ')).append('`');
            }
            JsonNode page = source.get("page");
            if (page != null && page.isNumber()) {
                out.append(", page ").append(page.getValue());
            }
            out.append('\n');
        }
    }

    private static void feedback(StringBuilder out, Feedback feedback) {
        if (feedback == null) {
            return;
        }
        out.append("\nFeedback: ").append("up".equals(feedback.rating()) ? "👍" : "👎").append(' ').append(inline(feedback.rating()));
        if (feedback.comment() != null && !feedback.comment().isBlank()) {
            out.append(", “").append(inline(feedback.comment())).append('”');
        }
        out.append('\n');
    }

    private static String text(JsonNode object, String key) {
        JsonNode value = object.isObject() ? object.get(key) : null;
        return value != null && value.isString() ? value.getStringValue() : null;
    }

    private static String roleName(String role) {
        return role.isEmpty() ? role : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
    }

    /** Every line of {@code text} as a block quote line ({@code >} alone for an empty one, so the quote goes on). */
    private static void quote(StringBuilder out, String text) {
        for (String line : text.split("\r\n|\r|\n", -1)) {
            out.append(line.isEmpty() ? ">" : "> " + line).append('\n');
        }
    }

    /** One line of text with every character that markdown could read as syntax backslash-escaped. */
    static String inline(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                out.append(' ');
            } else if ("\\`*_[]<>#!|~&".indexOf(c) >= 0) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isWebLink(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    /** A link destination in angle brackets: the characters that would end it or the line are percent-encoded. */
    private static String linkTarget(String url) {
        StringBuilder out = new StringBuilder(url.length());
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            switch (c) {
                case '<' -> out.append("%3C");
                case '>' -> out.append("%3E");
                case ' ' -> out.append("%20");
                case '\n' -> out.append("%0A");
                case '\r' -> out.append("%0D");
                case '\\' -> out.append("%5C");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static byte[] bytes(StringBuilder out) {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
