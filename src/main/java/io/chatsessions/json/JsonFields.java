package io.chatsessions.json;

import io.micronaut.json.tree.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;

/**
 * Type checks for fields of a parsed JSON object. Each method reports into {@link FieldErrors} and returns the value
 * (or null); pure functions, unit-tested.
 */
public final class JsonFields {

    private JsonFields() {
    }

    /** Rejects fields the caller may not set (read-only) and fields that do not exist (unknown). */
    public static void checkNames(JsonNode object, String prefix, Set<String> writable, Set<String> readOnly, FieldErrors errors) {
        for (Map.Entry<String, JsonNode> entry : object.entries()) {
            String name = entry.getKey();
            if (readOnly.contains(name)) {
                errors.add(prefix + name, "is read-only");
            } else if (!writable.contains(name)) {
                errors.add(prefix + name, "is not a known field");
            }
        }
    }

    /** A string, or null when absent or JSON null (if allowed). */
    public static String string(JsonNode value, String field, boolean nullable, FieldErrors errors) {
        if (value == null || value.isNull()) {
            if (!nullable && value != null) {
                errors.add(field, "must be a string");
            }
            return null;
        }
        if (!value.isString()) {
            errors.add(field, "must be a string");
            return null;
        }
        String text = value.getStringValue();
        String problem = Text.problem(text);
        if (problem != null) {
            errors.add(field, problem);
            return null;
        }
        return text;
    }

    /** A whole number in [min, max], or null when absent or JSON null. */
    public static Integer integer(JsonNode value, String field, long min, long max, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            errors.add(field, "must be an integer");
            return null;
        }
        Number number = value.getNumberValue();
        BigInteger whole = wholeNumber(number);
        if (whole == null) {
            errors.add(field, "must be an integer");
            return null;
        }
        if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
            errors.add(field, "must be between " + min + " and " + max);
            return null;
        }
        return whole.intValue();
    }

    public static Boolean bool(JsonNode value, String field, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            errors.add(field, "must be a boolean");
            return null;
        }
        return value.getBooleanValue();
    }

    /** A finite number (JSON has no NaN, but a huge exponent can overflow a double). */
    public static boolean isFiniteNumber(JsonNode value) {
        if (!value.isNumber()) {
            return false;
        }
        Number number = value.getNumberValue();
        if (number instanceof BigDecimal decimal) {
            return Double.isFinite(decimal.doubleValue());
        }
        return Double.isFinite(number.doubleValue());
    }

    private static BigInteger wholeNumber(Number number) {
        if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
            return BigInteger.valueOf(number.longValue());
        }
        if (number instanceof BigInteger big) {
            return big;
        }
        // 1.0 or 1e2 is a whole number written as a float; reject to keep "integer" meaning integer literal
        return null;
    }
}
