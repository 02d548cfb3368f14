package io.warroom.serde;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact money: amounts are long cents; text is a plain decimal with exactly two fraction digits. */
public final class Money {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Money() {}

    /**
     * Converts a non-negative decimal with at most two fraction digits to cents. Digits are counted by value, so
     * {@code 19.900} is 19.90 (JSON numbers lose trailing zeros in parsing anyway, and quoting must not change the
     * verdict), while {@code 1.005} is refused: it would need rounding.
     *
     * @throws IllegalArgumentException with a message fit for a dead-letter record or a config error
     */
    public static long toCents(BigDecimal value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        if (value.scale() > 2 && value.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("must have at most 2 fraction digits");
        }
        try {
            return value.multiply(HUNDRED).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("is too large");
        }
    }

    /**
     * {@link #toCents} of an unsigned plain decimal given as text: ASCII digits, optionally followed by a point and
     * at least one more digit (the caller has checked that shape). Same result and same exceptions as
     * {@code toCents(new BigDecimal(text))}, without building the BigDecimal, because the event parser reads a price
     * for every order line.
     *
     * @throws IllegalArgumentException with the message {@link #toCents} would give
     */
    public static long plainDecimalToCents(CharSequence text) {
        int length = text.length();
        int point = 0;
        while (point < length && text.charAt(point) != '.') {
            point++;
        }
        int significantEnd = length;
        while (significantEnd > point + 1 && text.charAt(significantEnd - 1) == '0') {
            significantEnd--;
        }
        int fractionDigits = Math.max(0, significantEnd - point - 1);
        if (fractionDigits > 2) {
            throw new IllegalArgumentException("must have at most 2 fraction digits");
        }
        try {
            long cents = 0;
            for (int i = 0; i < point; i++) {
                cents = Math.addExact(Math.multiplyExact(cents, 10), text.charAt(i) - '0');
            }
            cents = Math.multiplyExact(cents, 100);
            if (fractionDigits >= 1) {
                cents = Math.addExact(cents, 10 * (text.charAt(point + 1) - '0'));
            }
            if (fractionDigits == 2) {
                cents = Math.addExact(cents, text.charAt(point + 2) - '0');
            }
            return cents;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("is too large");
        }
    }

    public static long parseCents(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a decimal number");
        }
        return toCents(value);
    }

    /** 123456 -> "1234.56"; -5 -> "-0.05". */
    public static String format(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    /** Exact cents as a decimal, for comparisons against fractional thresholds. */
    public static BigDecimal decimal(long cents) {
        return BigDecimal.valueOf(cents, 2);
    }

    /** Rounds an exact decimal amount (in currency units) half-up to cents, for display only. */
    public static long roundToCents(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }
}
