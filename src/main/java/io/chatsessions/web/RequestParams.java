package io.chatsessions.web;

import io.chatsessions.error.ProblemException;

import java.util.UUID;
import java.util.regex.Pattern;

/** Parses path and query parameters by hand so every bad value gets a field-level 400, never a framework message. */
public final class RequestParams {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private RequestParams() {
    }

    public static UUID uuid(String value, String field) {
        if (value == null || !UUID_TEXT.matcher(value).matches()) {
            throw ProblemException.invalidField(field, "must be a UUID");
        }
        return UUID.fromString(value);
    }

    public static int limit(String value, int defaultValue, int max) {
        if (value == null) {
            return defaultValue;
        }
        Integer parsed = parseInt(value);
        if (parsed == null || parsed < 1 || parsed > max) {
            throw ProblemException.invalidField("limit", "must be an integer between 1 and " + max);
        }
        return parsed;
    }

    /** A seq cursor: a positive integer, or null when absent. */
    public static Integer seq(String value, String field) {
        if (value == null) {
            return null;
        }
        Integer parsed = parseInt(value);
        if (parsed == null || parsed < 1) {
            throw ProblemException.invalidField(field, "must be a positive integer");
        }
        return parsed;
    }

    public static boolean bool(String value, String field, boolean defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.invalidField(field, "must be true or false");
        };
    }

    private static Integer parseInt(String value) {
        if (value.isEmpty() || value.length() > 10) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!Character.isDigit(value.charAt(i)) || value.charAt(i) > '9') {
                return null;
            }
        }
        long parsed = Long.parseLong(value);
        return parsed > Integer.MAX_VALUE ? null : (int) parsed;
    }
}
