package io.chatsessions.search;

import io.chatsessions.error.ProblemException;

/** The order of results: newest message first, or best rank first (ties by id, newest first). */
public enum SearchOrder {
    RECENT, RELEVANCE;

    public static SearchOrder parse(String value) {
        if (value == null || value.equals("recent")) {
            return RECENT;
        }
        if (value.equals("relevance")) {
            return RELEVANCE;
        }
        throw ProblemException.invalidField("order", "must be recent or relevance");
    }
}
