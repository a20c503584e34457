package io.chatsessions.testsupport;

/** Hand-built JSON for request bodies: exact bytes, nothing escaped that need not be. */
public final class Json {

    private Json() {
    }

    /** A JSON string literal (quotes included); only what JSON requires is escaped, so non-ASCII stays as UTF-8. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** {@code {"role":..., "content":...}} */
    public static String message(String role, String content) {
        return "{\"role\":" + quote(role) + ",\"content\":" + quote(content) + "}";
    }

    /** {@code {"messages":[...]}} of the given message objects. */
    public static String batch(String... messages) {
        return "{\"messages\":[" + String.join(",", messages) + "]}";
    }

    public static String batch(java.util.List<String> messages) {
        return "{\"messages\":[" + String.join(",", messages) + "]}";
    }
}
