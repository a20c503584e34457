package io.chatsessions.json;

import io.chatsessions.error.FieldError;
import io.chatsessions.error.ProblemException;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a request body, so one 400 lists them all. */
public final class FieldErrors {

    private static final int MAX_REPORTED = 50;
    private final List<FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        if (errors.size() < MAX_REPORTED) {
            errors.add(new FieldError(field, message));
        }
    }

    /** Every error of {@code other}, its field under {@code prefix} (a nested object validated by a top-level rule). */
    public void addAll(String prefix, FieldErrors other) {
        for (FieldError error : other.errors) {
            add(prefix + error.field(), error.message());
        }
    }

    public int size() {
        return errors.size();
    }

    /** The first error reported (there must be one). */
    public FieldError first() {
        return errors.get(0);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
    }
}
