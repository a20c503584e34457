package io.chatsessions.search;

import io.chatsessions.error.ProblemException;

import java.util.ArrayList;
import java.util.List;

/**
 * One term of a query: a word, a {@code "quoted phrase"}, or either ending in {@code *} (its last word a prefix). Every
 * term must match. The database turns each into lexemes (search_query in V3), so no user text is ever parsed as
 * tsquery syntax.
 */
public record SearchTerm(String text, boolean prefix) {

    public static final int MAX_QUERY_CHARACTERS = 256;

    /** The terms of {@code q}; 400 when it is absent, blank or longer than 256 characters. */
    public static List<SearchTerm> parse(String q) {
        if (q == null || q.isBlank() || q.codePointCount(0, q.length()) > MAX_QUERY_CHARACTERS) {
            throw ProblemException.invalidField("q", "must be 1 to " + MAX_QUERY_CHARACTERS + " characters, not all blank");
        }
        List<SearchTerm> terms = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int close = q.indexOf('"', i + 1);
                int end = close < 0 ? n : close;
                int next = close < 0 ? n : close + 1;
                boolean prefix = next < n && q.charAt(next) == '*';
                while (next < n && q.charAt(next) == '*') {
                    next++;
                }
                add(terms, q.substring(i + 1, end), prefix);
                i = next;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(q.charAt(end)) && q.charAt(end) != '"') {
                    end++;
                }
                String word = q.substring(i, end);
                String bare = stripStars(word);
                add(terms, bare, bare.length() < word.length());
                i = end;
            }
        }
        return terms;
    }

    private static String stripStars(String word) {
        int end = word.length();
        while (end > 0 && word.charAt(end - 1) == '*') {
            end--;
        }
        return word.substring(0, end);
    }

    private static void add(List<SearchTerm> terms, String text, boolean prefix) {
        if (!text.isBlank()) {
            terms.add(new SearchTerm(text.strip(), prefix));
        }
    }
}
