package io.chatsessions.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored length matches what PostgreSQL's numeric prints (checked by hand against jsonb output). */
class JsonNumbersTest {

    @Test
    void storedLengthIsNumericsTextWithoutExponent() {
        assertEquals("0.00150".length(), JsonNumbers.storedLength(new BigDecimal("1.50e-3")));
        assertEquals("100".length(), JsonNumbers.storedLength(new BigDecimal("1E+2")));
        assertEquals("-0.0000000000000000000000000000015".length(), JsonNumbers.storedLength(new BigDecimal("-1.5e-30")));
        assertEquals(5002, JsonNumbers.storedLength(new BigDecimal("1e-5000")));
        assertEquals(5001, JsonNumbers.storedLength(new BigDecimal("1e5000")));
        assertEquals("0.000".length(), JsonNumbers.storedLength(new BigDecimal("0.000")));
        assertEquals(1, JsonNumbers.storedLength(new BigDecimal("0E+7")));
        assertEquals("-2147483648".length(), JsonNumbers.storedLength(Integer.MIN_VALUE));
        assertEquals(20, JsonNumbers.storedLength(new BigInteger("99999999999999999999")));
        assertEquals(2_147_483_649L, JsonNumbers.storedLength(new BigDecimal("1e-2147483647")));
    }

    @Test
    void doublesAndLongsFitHugeExponentsDoNot() {
        assertTrue(JsonNumbers.fits(Long.MIN_VALUE));
        assertTrue(JsonNumbers.fits(new BigDecimal("0.1234567890123456789")));
        assertTrue(JsonNumbers.fits(new BigDecimal("1e39")));
        assertFalse(JsonNumbers.fits(new BigDecimal("1e40")));
        assertFalse(JsonNumbers.fits(new BigDecimal("1.7976931348623157e308")));
        assertFalse(JsonNumbers.fits(new BigDecimal("5e-324")));
    }
}
