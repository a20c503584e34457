package io.chatsessions.json;

/** Rules every stored string obeys: PostgreSQL text and jsonb cannot hold NUL, and UTF-8 cannot encode lone surrogates. */
public final class Text {

    private Text() {
    }

    /** Null if the text can be stored, otherwise why not. */
    public static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain NUL characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must be valid Unicode (unpaired surrogate)";
            }
            if (Character.isLowSurrogate(c)) {
                return "must be valid Unicode (unpaired surrogate)";
            }
        }
        return null;
    }

    /** Bytes the text takes in UTF-8, without encoding it. Assumes {@link #problem} found nothing. */
    public static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    public static int characters(String text) {
        return text.codePointCount(0, text.length());
    }
}
