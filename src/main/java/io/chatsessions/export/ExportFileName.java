package io.chatsessions.export;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code Content-Disposition: attachment} for an export (RFC 6266): a file name made of the session's title as a slug
 * (or its id), the export's date and the format's extension. {@code filename} is the ASCII form every client reads
 * (accents dropped, other characters turned into dashes); {@code filename*} (RFC 8187, UTF-8) keeps letters and digits
 * of any script, for clients that read it. Both are made only of characters that need no quoting or escaping, so no
 * title can break the header or name a path.
 */
final class ExportFileName {

    static final int MAX_SLUG_CHARACTERS = 60;

    private ExportFileName() {
    }

    static String contentDisposition(String title, UUID sessionId, LocalDate date, String extension) {
        String ascii = slug(title, true);
        String unicode = slug(title, false);
        String fallback = "session-" + sessionId;
        String name = (ascii.isEmpty() ? fallback : ascii) + "-" + date + "." + extension;
        String header = "attachment; filename=\"" + name + "\"";
        if (!unicode.isEmpty() && !unicode.equals(ascii)) {
            header += "; filename*=UTF-8''" + percentEncode(unicode + "-" + date + "." + extension);
        }
        return header;
    }

    /** For {@code GET /me/export}: no title, one file for all of the caller's sessions. */
    static String contentDispositionForAll(LocalDate date) {
        return "attachment; filename=\"chat-sessions-export-" + date + ".ndjson\"";
    }

    /** Lower-case letters and digits (ASCII only, or of any script) joined by single dashes, at most 60 code points. */
    static String slug(String title, boolean asciiOnly) {
        if (title == null) {
            return "";
        }
        String text = asciiOnly ? Normalizer.normalize(title, Normalizer.Form.NFKD) : Normalizer.normalize(title, Normalizer.Form.NFC);
        StringBuilder slug = new StringBuilder();
        int count = 0;
        boolean dash = false;
        for (int i = 0; i < text.length() && count < MAX_SLUG_CHARACTERS; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (asciiOnly && Character.getType(c) == Character.NON_SPACING_MARK) {
                continue; // the accent of a decomposed letter: "é" becomes "e"
            }
            boolean keep = asciiOnly ? (c < 0x80 && Character.isLetterOrDigit(c)) : Character.isLetterOrDigit(c);
            if (keep) {
                if (dash && slug.length() > 0) {
                    slug.append('-');
                    count++;
                }
                slug.appendCodePoint(Character.toLowerCase(c));
                count++;
                dash = false;
            } else {
                dash = true;
            }
        }
        return slug.toString().toLowerCase(Locale.ROOT);
    }

    /** RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~" stay, every other byte of the UTF-8 is %XX. */
    static String percentEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
