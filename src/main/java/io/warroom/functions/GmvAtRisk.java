package io.warroom.functions;

import io.warroom.model.MinuteStats;
import io.warroom.model.Severity;
import io.warroom.serde.Money;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * What an item's stock running out costs (docs/alerts.md, "Severity"): it sold {@code windowGmvCents} in the last
 * {@code windowMinutes} whole minutes, and the campaign goes on for {@code untilEndMillis}. At the window's pace that
 * is {@code windowGmv / W} a minute, {@code windowGmv x 60 / W} an hour, and {@code windowGmv x untilEnd / W} until
 * the end: the sell rate times the price times the time left.
 */
record GmvAtRisk(long windowGmvCents, int windowMinutes, long untilEndMillis) {
    private static final long MINUTE = MinuteStats.MINUTE_MILLIS;

    /**
     * Pages when the item is a key item or the gmv at risk until the end reaches {@code minCents}:
     * {@code windowGmv x untilEnd >= min x W x 60000}, on whole numbers.
     */
    Severity severity(boolean keyItem, long minCents) {
        if (keyItem) {
            return Severity.PAGE;
        }
        BigInteger atRisk = BigInteger.valueOf(windowGmvCents).multiply(BigInteger.valueOf(Math.max(0, untilEndMillis)));
        BigInteger line = BigInteger.valueOf(minCents).multiply(BigInteger.valueOf(windowMinutes))
                .multiply(BigInteger.valueOf(MINUTE));
        return atRisk.compareTo(line) >= 0 && windowGmvCents > 0 ? Severity.PAGE : Severity.WARNING;
    }

    /** "about 38000.00/h at risk", to the cent, or that nothing sold in the window. */
    String perHour() {
        if (windowGmvCents == 0) {
            return "no sales in the last " + windowMinutes + " min";
        }
        long cents = BigDecimal.valueOf(windowGmvCents).multiply(BigDecimal.valueOf(60))
                .divide(BigDecimal.valueOf(windowMinutes), 0, RoundingMode.HALF_UP).longValueExact();
        return "about " + Money.format(cents) + "/h at risk";
    }
}
