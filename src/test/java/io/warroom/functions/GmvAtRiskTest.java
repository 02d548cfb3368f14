package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.Severity;
import org.junit.jupiter.api.Test;

/** The money behind a stock alert: the window's gmv per minute for the time left, against the paging line. */
class GmvAtRiskTest {
    private static final long MINUTE = 60_000L;
    private static final long LINE = 100_000_00L;

    @Test
    void pagesFromTheLineOnExactly() {
        // 10,000.00 in 10 minutes, 100 minutes left: exactly 100,000.00 at risk
        assertThat(new GmvAtRisk(10_000_00L, 10, 100 * MINUTE).severity(false, LINE)).isEqualTo(Severity.PAGE);
        assertThat(new GmvAtRisk(10_000_00L, 10, 100 * MINUTE - 1).severity(false, LINE)).isEqualTo(Severity.WARNING);
    }

    @Test
    void aKeyItemPagesWhateverTheMoneyAndNothingSoldIsNoPage() {
        assertThat(new GmvAtRisk(0, 10, 100 * MINUTE).severity(true, LINE)).isEqualTo(Severity.PAGE);
        assertThat(new GmvAtRisk(0, 10, 100 * MINUTE).severity(false, 0)).isEqualTo(Severity.WARNING);
        assertThat(new GmvAtRisk(5_00L, 10, -MINUTE).severity(false, 1)).isEqualTo(Severity.WARNING);
    }

    @Test
    void saysTheMoneyPerHour() {
        assertThat(new GmvAtRisk(6_333_33L, 10, MINUTE).perHour()).isEqualTo("about 37999.98/h at risk");
        assertThat(new GmvAtRisk(0, 10, MINUTE).perHour()).isEqualTo("no sales in the last 10 min");
    }
}
