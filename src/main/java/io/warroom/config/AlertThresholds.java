package io.warroom.config;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The early-warning thresholds of one campaign (the {@code alerts:} block of its file); docs/alerts.md defines the
 * conditions they feed. Windows are whole minutes; drops are fractions in [0, 1).
 *
 * @param conversionPaymentLagMinutes how far pv windows lag the paid-order windows they are compared with: the time
 *     a click takes to become a payment
 * @param conversionMinSigmas how many standard deviations (of a Poisson count) recent paid orders must fall below
 *     the expected number, besides the relative drop, so chance on a small item does not alert
 * @param pageMinGmvAtRiskCents the gmv at risk from which an item's STOCK_OUT or STOCK_ETA pages (below it, and not a
 *     key item, it is a warning)
 */
public record AlertThresholds(
        boolean stockEtaEnabled,
        int stockEtaHorizonMinutes,
        int stockEtaWindowMinutes,
        boolean conversionDropEnabled,
        BigDecimal conversionDrop,
        int conversionWindowMinutes,
        long conversionMinPv,
        int conversionPaymentLagMinutes,
        BigDecimal conversionMinSigmas,
        boolean trafficDropEnabled,
        BigDecimal trafficDrop,
        int trafficBaselineMinutes,
        long trafficMinPvPerMinute,
        long pageMinGmvAtRiskCents)
        implements Serializable {

    public static final AlertThresholds DEFAULTS = new AlertThresholds(true, 30, 10, true, new BigDecimal("0.5"), 5,
            200, 3, new BigDecimal("4"), true, new BigDecimal("0.5"), 3, 100, 100_000_00L);

    /** Longest item window: how many minutes of per-minute item counts a stats function must keep. */
    public int itemWindowMinutes() {
        return Math.max(stockEtaWindowMinutes, conversionWindowMinutes + conversionPaymentLagMinutes);
    }

    /** Whether any alert that items evaluate at minute boundaries is on. */
    public boolean anyItemAlert() {
        return stockEtaEnabled || conversionDropEnabled;
    }
}
