package io.chatsessions.json;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The size of a JSON number as PostgreSQL stores it. jsonb keeps numbers as {@code numeric}, whose text never has an
 * exponent: {@code 1e-5000} (7 bytes in a request) is stored and served as a 5,002-character {@code 0.000...1}, and
 * {@code 1e5000} as a 1 and 5,000 zeros. Bounding the stored text keeps every byte limit true for what is stored and
 * returned. Pure; unit-tested.
 */
public final class JsonNumbers {

    /** Longer than any double or long prints (a double needs at most 17 significant digits), short of amplification. */
    public static final int MAX_STORED_CHARACTERS = 40;

    public static final String TOO_LONG = "must be a number of at most " + MAX_STORED_CHARACTERS
            + " characters once written out without an exponent, as the database stores it";

    private JsonNumbers() {
    }

    public static boolean fits(Number number) {
        return storedLength(number) <= MAX_STORED_CHARACTERS;
    }

    /** The length of numeric's text for this value: sign, integer digits, and the scale's digits after a point. */
    static long storedLength(Number number) {
        BigDecimal decimal = decimal(number);
        long sign = decimal.signum() < 0 ? 1 : 0;
        long scale = decimal.scale();
        if (decimal.signum() == 0) {
            return scale > 0 ? 2 + scale : 1;
        }
        long precision = decimal.precision();
        if (scale <= 0) {
            return sign + precision - scale;
        }
        long integerDigits = Math.max(precision - scale, 1);
        return sign + integerDigits + 1 + scale;
    }

    private static BigDecimal decimal(Number number) {
        if (number instanceof BigDecimal decimal) {
            return decimal;
        }
        if (number instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
            return BigDecimal.valueOf(number.longValue());
        }
        // Double or Float: its shortest decimal text, which is what a serializer would write
        return new BigDecimal(number.toString());
    }
}
