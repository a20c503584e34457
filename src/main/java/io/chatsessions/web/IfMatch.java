package io.chatsessions.web;

import io.chatsessions.error.ProblemException;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code If-Match} header. The ETag of a session is its version in quotes ({@code "3"}); a bare {@code 3}
 * is accepted too, as is {@code *} (any current version).
 */
public record IfMatch(boolean any, List<Integer> versions) {

    /** The parsed header, or null when the request has none (no precondition). */
    public static IfMatch parse(String header) {
        if (header == null) {
            return null;
        }
        List<Integer> versions = new ArrayList<>();
        for (String part : header.split(",")) {
            String tag = part.trim();
            if (tag.equals("*")) {
                return new IfMatch(true, List.of());
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                tag = tag.substring(1, tag.length() - 1);
            }
            try {
                versions.add(Integer.parseInt(tag));
            } catch (NumberFormatException e) {
                throw ProblemException.invalidField("If-Match", "must be a session version such as \"3\"");
            }
        }
        return new IfMatch(false, List.copyOf(versions));
    }

    public boolean matches(int version) {
        return any || versions.contains(version);
    }

    public static String etag(int version) {
        return "\"" + version + "\"";
    }
}
