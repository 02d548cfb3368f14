package io.warroom.config;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The early-warning thresholds of one campaign (the {@code alerts:} block of its file); docs/alerts.md defines the
 * conditions they feed. Windows are whole minutes; drops are fractions in [0, 1).
 */
public record AlertThresholds(
        boolean stockEtaEnabled,
        int stockEtaHorizonMinutes,
        int stockEtaWindowMinutes,
        boolean conversionDropEnabled,
        BigDecimal conversionDrop,
        int conversionWindowMinutes,
        long conversionMinPv,
        boolean trafficDropEnabled,
        BigDecimal trafficDrop,
        int trafficBaselineMinutes,
        long trafficMinPvPerMinute)
        implements Serializable {

    public static final AlertThresholds DEFAULTS = new AlertThresholds(
            true, 30, 10, true, new BigDecimal("0.5"), 10, 200, true, new BigDecimal("0.5"), 10, 100);

    /** Longest item window: how many minutes of per-minute item counts a stats function must keep. */
    public int itemWindowMinutes() {
        return Math.max(stockEtaWindowMinutes, conversionWindowMinutes);
    }

    /** Whether any alert that items evaluate at minute boundaries is on. */
    public boolean anyItemAlert() {
        return stockEtaEnabled || conversionDropEnabled;
    }
}
