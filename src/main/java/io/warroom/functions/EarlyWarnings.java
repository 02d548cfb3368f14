package io.warroom.functions;

import io.warroom.config.AlertThresholds;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The conditions of STOCK_ETA, CONVERSION_DROP and TRAFFIC_DROP (docs/alerts.md) on exact counts, and the words
 * of their alerts. Shared by the item and campaign functions, which gather the counts.
 */
final class EarlyWarnings {
    private EarlyWarnings() {}

    /** {@code stock x window <= horizon x units}, with some units sold in the window. */
    static boolean sellsOutSoon(AlertThresholds t, boolean stockKnown, long stock, long unitsInWindow) {
        return t.stockEtaEnabled() && stockKnown && unitsInWindow > 0
                && BigDecimal.valueOf(stock).multiply(BigDecimal.valueOf(t.stockEtaWindowMinutes()))
                        .compareTo(BigDecimal.valueOf(t.stockEtaHorizonMinutes())
                                .multiply(BigDecimal.valueOf(unitsInWindow))) <= 0;
    }

    static AlertTransitions.Description describeSellOut(
            AlertThresholds t, String itemId, long stock, long unitsInWindow) {
        String threshold = t.stockEtaHorizonMinutes() + " min";
        if (unitsInWindow == 0) {
            return new AlertTransitions.Description(itemId + ": no longer selling fast (" + stock
                    + " left, no sales in " + t.stockEtaWindowMinutes() + " min)", "-", threshold);
        }
        BigDecimal window = BigDecimal.valueOf(t.stockEtaWindowMinutes());
        BigDecimal rate = BigDecimal.valueOf(unitsInWindow).divide(window, 1, RoundingMode.HALF_UP);
        BigDecimal minutes = BigDecimal.valueOf(Math.max(0, stock)).multiply(window)
                .divide(BigDecimal.valueOf(unitsInWindow), 0, RoundingMode.HALF_UP);
        String summary = stock <= 0
                ? itemId + ": sold out and still selling at " + rate.toPlainString() + " units/min"
                : itemId + ": will sell out in ~" + minutes + " min at " + rate.toPlainString() + " units/min; "
                        + stock + " left";
        return new AlertTransitions.Description(summary, minutes + " min", threshold);
    }

    /**
     * Recent conversion (orders per pv) more than {@code drop} below the baseline's, both with enough pv:
     * {@code o_r x p_b < (1 - drop) x o_b x p_r}.
     */
    static boolean conversionDropped(
            AlertThresholds t, long recentPv, long recentOrders, long baselinePv, long baselineOrders) {
        return t.conversionDropEnabled() && recentPv >= t.conversionMinPv() && baselinePv >= t.conversionMinPv()
                && baselineOrders > 0
                && below(BigDecimal.valueOf(recentOrders).multiply(BigDecimal.valueOf(baselinePv)),
                        t.conversionDrop(),
                        BigDecimal.valueOf(baselineOrders).multiply(BigDecimal.valueOf(recentPv)));
    }

    static AlertTransitions.Description describeConversion(
            AlertThresholds t, String itemId, long recentPv, long recentOrders, long baselinePv, long baselineOrders) {
        String recent = percent(BigDecimal.valueOf(recentOrders), recentPv);
        String baseline = percent(BigDecimal.valueOf(baselineOrders), baselinePv);
        String limit = percent(BigDecimal.ONE.subtract(t.conversionDrop()).multiply(BigDecimal.valueOf(baselineOrders)),
                baselinePv);
        return new AlertTransitions.Description(itemId + ": conversion " + recent + " over the last "
                + t.conversionWindowMinutes() + " min (" + recentOrders + " orders / " + recentPv + " pv) against "
                + baseline + " earlier in the sale; alert below " + limit, recent, limit);
    }

    /** The minute's pv more than {@code drop} below the baseline's average: {@code p x B < (1 - drop) x p_b}. */
    static boolean trafficDropped(AlertThresholds t, long minutePv, long baselinePv) {
        long minutes = t.trafficBaselineMinutes();
        return t.trafficDropEnabled()
                && BigDecimal.valueOf(baselinePv).compareTo(
                        BigDecimal.valueOf(minutes).multiply(BigDecimal.valueOf(t.trafficMinPvPerMinute()))) >= 0
                && below(BigDecimal.valueOf(minutePv).multiply(BigDecimal.valueOf(minutes)), t.trafficDrop(),
                        BigDecimal.valueOf(baselinePv));
    }

    static AlertTransitions.Description describeTraffic(
            AlertThresholds t, String subject, long minutePv, long baselinePv) {
        BigDecimal average = BigDecimal.valueOf(baselinePv)
                .divide(BigDecimal.valueOf(t.trafficBaselineMinutes()), 1, RoundingMode.HALF_UP);
        BigDecimal limit = BigDecimal.ONE.subtract(t.trafficDrop()).multiply(BigDecimal.valueOf(baselinePv))
                .divide(BigDecimal.valueOf(t.trafficBaselineMinutes()), 1, RoundingMode.HALF_UP);
        return new AlertTransitions.Description(subject + ": " + minutePv + " pv in the last minute against "
                + average.toPlainString() + " per minute in the baseline; alert below " + limit.toPlainString(),
                Long.toString(minutePv), limit.toPlainString());
    }

    /** {@code value < (1 - drop) x reference}, exactly. */
    private static boolean below(BigDecimal value, BigDecimal drop, BigDecimal reference) {
        return value.compareTo(BigDecimal.ONE.subtract(drop).multiply(reference)) < 0;
    }

    private static String percent(BigDecimal part, long whole) {
        if (whole == 0) {
            return "-";
        }
        return part.multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP).toPlainString() + "%";
    }
}
