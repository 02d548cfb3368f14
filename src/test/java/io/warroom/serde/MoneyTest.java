package io.warroom.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Money is long cents inside, a plain two-decimal string outside; nothing passes through a double. */
class MoneyTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0.00",
        "5, 0.05",
        "10, 0.10",
        "100, 1.00",
        "123456, 1234.56",
        "-5, -0.05",
        "-123456, -1234.56",
        "9223372036854775807, 92233720368547758.07",
        "-9223372036854775808, -92233720368547758.08"
    })
    void formatIsPlainWithTwoDecimals(long cents, String text) {
        assertThat(Money.format(cents)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "19.90 | 1990",
        "19.9 | 1990",
        "19 | 1900",
        "0 | 0",
        "0.00 | 0",
        "0.01 | 1",
        "' 7.05 ' | 705",
        "50000000.00 | 5000000000",
        "92233720368547758.07 | 9223372036854775807"
    })
    void parseCentsIsExact(String text, long cents) {
        assertThat(Money.parseCents(text)).isEqualTo(cents);
    }

    @Test
    void formatAndParseRoundTrip() {
        Random random = new Random(20261111L);
        for (int i = 0; i < 1_000; i++) {
            long cents = random.nextLong() & Long.MAX_VALUE >>> random.nextInt(63);
            assertThat(Money.parseCents(Money.format(cents))).isEqualTo(cents);
        }
    }

    @Test
    void toCentsTakesDecimalsAsWritten() {
        assertThat(Money.toCents(new BigDecimal("19.90"))).isEqualTo(1990);
        assertThat(Money.toCents(BigDecimal.valueOf(5))).isEqualTo(500);
        // 1E+2 has a negative scale; it is still a whole 100
        assertThat(Money.toCents(new BigDecimal("1E+2"))).isEqualTo(10_000);
    }

    @Test
    void toCentsRefusesMoreThanTwoFractionDigits() {
        assertThatIllegalArgumentException().isThrownBy(() -> Money.toCents(new BigDecimal("1.005")))
                .withMessage("must have at most 2 fraction digits");
    }

    @Test
    void trailingZerosAreNotFractionDigits() {
        assertThat(Money.toCents(new BigDecimal("1.000"))).isEqualTo(100);
        assertThat(Money.parseCents("19.900")).isEqualTo(1990);
    }

    @Test
    void toCentsRefusesNegativeAmounts() {
        assertThatIllegalArgumentException().isThrownBy(() -> Money.toCents(new BigDecimal("-0.01")))
                .withMessage("must not be negative");
    }

    @Test
    void toCentsRefusesAmountsBeyondALongOfCents() {
        assertThatIllegalArgumentException().isThrownBy(() -> Money.toCents(new BigDecimal("92233720368547758.08")))
                .withMessage("is too large");
        assertThatIllegalArgumentException().isThrownBy(() -> Money.toCents(new BigDecimal("1E+30")))
                .withMessage("is too large");
    }

    @Test
    void parseCentsRefusesTextThatIsNotADecimal() {
        for (String text : new String[] {"", "  ", "abc", "1,00", "19.90 EUR", "¥5", "NaN"}) {
            assertThatIllegalArgumentException().as(text).isThrownBy(() -> Money.parseCents(text))
                    .withMessage("is not a decimal number");
        }
    }

    @Test
    void parseCentsPassesOnToCentsRefusals() {
        assertThatIllegalArgumentException().isThrownBy(() -> Money.parseCents("0.001"))
                .withMessage("must have at most 2 fraction digits");
        assertThatIllegalArgumentException().isThrownBy(() -> Money.parseCents("-1.00"))
                .withMessage("must not be negative");
    }

    /** The parser's shortcut for prices must give exactly what going through a BigDecimal gives. */
    @Test
    void plainDecimalToCentsAgreesWithToCents() {
        List<String> texts = new ArrayList<>(List.of("0", "0.0", "0.00", "0.000", "5", "19.9", "19.90", "19.900",
                "19.905", "1.005", "0.01", "0.001", "1.10", "1.000000000000000", "999999999999999.99",
                "92233720368547758.07", "92233720368547758.08", "92233720368547758.070", "92233720368547759",
                "9223372036854775807", "9223372036854775808", "123456789012345678901234567890.5",
                "123456789012345678901234567890", "00.10"));
        Random random = new Random(20261111L);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder().append(random.nextInt(10));
            for (int digits = random.nextInt(random.nextBoolean() ? 4 : 22); digits > 0; digits--) {
                text.append(random.nextInt(10));
            }
            if (random.nextBoolean()) {
                text.append('.');
                for (int digits = 1 + random.nextInt(4); digits > 0; digits--) {
                    text.append(random.nextInt(3) == 0 ? 0 : random.nextInt(10));
                }
            }
            texts.add(text.toString());
        }
        for (String text : texts) {
            assertThat(outcome(() -> Money.plainDecimalToCents(text)))
                    .as(text)
                    .isEqualTo(outcome(() -> Money.toCents(new BigDecimal(text))));
        }
    }

    private static String outcome(LongSupplier cents) {
        try {
            return Long.toString(cents.getAsLong());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void decimalIsExactCents() {
        assertThat(Money.decimal(123456)).isEqualTo(new BigDecimal("1234.56"));
        assertThat(Money.roundToCents(new BigDecimal("0.005"))).isEqualTo(1);
        assertThat(Money.roundToCents(new BigDecimal("0.0049"))).isZero();
    }
}
