package io.chatsessions.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The excerpt of a hit: about {@link #EXCERPT_CHARACTERS} characters of the content around its first match, every
 * character HTML-escaped as it is copied, and {@code <mark>}/{@code </mark>} written around matches by this class only
 * (so no content can open or close a tag). Matching folds case and accents as V3's search_fold does (closely enough to
 * mark: a mismatch loses a mark, never a hit): a word term matches at word starts, and whole words unless it is a
 * prefix; Chinese and Japanese characters match anywhere.
 */
public final class Highlight {

    static final int EXCERPT_CHARACTERS = 200;
    private static final int LEAD_CHARACTERS = 60;

    private Highlight() {
    }

    public static String excerpt(String content, List<SearchTerm> terms) {
        Folded folded = Folded.of(content);
        boolean[] marked = new boolean[content.length()];
        int first = -1;
        for (SearchTerm term : terms) {
            List<String> words = words(Folded.of(term.text()).text);
            for (int w = 0; w < words.size(); w++) {
                boolean prefix = term.prefix() && w == words.size() - 1;
                int at = mark(folded, words.get(w), prefix, marked);
                if (at >= 0 && (first < 0 || at < first)) {
                    first = at;
                }
            }
        }
        int start = first <= LEAD_CHARACTERS ? 0 : wordStart(content, first - LEAD_CHARACTERS);
        int end = Math.min(content.length(), start + EXCERPT_CHARACTERS);
        if (end < content.length() && Character.isHighSurrogate(content.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end - start + 32);
        if (start > 0) {
            out.append('…');
        }
        boolean open = false;
        for (int i = start; i < end; i++) {
            if (marked[i] != open) {
                out.append(marked[i] ? "<mark>" : "</mark>");
                open = marked[i];
            }
            escape(out, content.charAt(i));
        }
        if (open) {
            out.append("</mark>");
        }
        if (end < content.length()) {
            out.append('…');
        }
        return out.toString();
    }

    /** Marks every occurrence of a folded word; the original index of the first, or -1. */
    private static int mark(Folded folded, String word, boolean prefix, boolean[] marked) {
        if (word.isEmpty()) {
            return -1;
        }
        boolean spaceless = isSpaceless(word.codePointAt(0));
        int first = -1;
        for (int at = folded.text.indexOf(word); at >= 0; at = folded.text.indexOf(word, at + 1)) {
            int after = at + word.length();
            boolean starts = spaceless || at == 0 || !isWordChar(folded.text.codePointBefore(at));
            boolean ends = spaceless || prefix || after == folded.text.length() || !isWordChar(folded.text.codePointAt(after));
            if (starts && ends) {
                while (prefix && !spaceless && after < folded.text.length() && isWordChar(folded.text.codePointAt(after))) {
                    after += Character.charCount(folded.text.codePointAt(after));
                }
                int from = folded.origin[at];
                int to = folded.origin[after - 1];
                int toEnd = to + Character.charCount(folded.source.codePointAt(to));
                for (int i = from; i < toEnd; i++) {
                    marked[i] = true;
                }
                if (first < 0) {
                    first = from;
                }
            }
        }
        return first;
    }

    /** A term's words: runs of letters and digits; each Chinese or Japanese character separately joined to its run. */
    private static List<String> words(String folded) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        folded.codePoints().forEach(cp -> {
            if (isWordChar(cp)) {
                word.appendCodePoint(cp);
            } else if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
            }
        });
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK;
    }

    static boolean isSpaceless(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }

    private static int wordStart(String content, int from) {
        for (int i = from; i < content.length() && i < from + 20; i++) {
            if (Character.isWhitespace(content.charAt(i))) {
                return i + 1;
            }
        }
        return Character.isLowSurrogate(content.charAt(from)) ? from + 1 : from;
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '<' -> out.append("&lt;");
            case '>' -> out.append("&gt;");
            case '&' -> out.append("&amp;");
            case '"' -> out.append("&quot;");
            case '\'' -> out.append("&#39;");
            default -> out.append(c);
        }
    }

    /** Text folded for matching, each folded char pointing back at the original char it came from. */
    private record Folded(String source, String text, int[] origin) {

        static Folded of(String source) {
            StringBuilder text = new StringBuilder(source.length());
            int[] origin = new int[source.length() * 3 + 4];
            for (int i = 0; i < source.length(); ) {
                int cp = source.codePointAt(i);
                String fold = fold(cp);
                for (int k = 0; k < fold.length(); k++) {
                    if (text.length() == origin.length) {
                        origin = java.util.Arrays.copyOf(origin, origin.length * 2);
                    }
                    origin[text.length()] = i;
                    text.append(fold.charAt(k));
                }
                i += Character.charCount(cp);
            }
            return new Folded(source, text.toString(), origin);
        }

        private static String fold(int cp) {
            String lower = new String(Character.toChars(cp)).toLowerCase(Locale.ROOT);
            String stripped = Normalizer.normalize(lower, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
            return switch (stripped) {
                case "ß" -> "ss";
                case "æ" -> "ae";
                case "œ" -> "oe";
                case "ø" -> "o";
                case "ł" -> "l";
                case "đ" -> "d";
                default -> stripped;
            };
        }
    }
}
