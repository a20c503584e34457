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
