package io.warroom.functions;

import io.warroom.config.AlertThresholds;
import io.warroom.config.CampaignDefinition;
import io.warroom.model.ConversionWindow;
import io.warroom.model.MinuteStats;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The conditions of STOCK_ETA, CONVERSION_DROP and TRAFFIC_DROP (docs/alerts.md) on exact counts, and the words
 * of their alerts. Shared by the item, campaign and conversion-judge functions, which gather the counts.
 */
final class EarlyWarnings {
    private static final long MINUTE = MinuteStats.MINUTE_MILLIS;

    private EarlyWarnings() {}

    /** {@code stock x window <= horizon x units}, with some units sold in the window. */
    static boolean sellsOutSoon(AlertThresholds t, boolean stockKnown, long stock, long unitsInWindow) {
        return t.stockEtaEnabled() && stockKnown && unitsInWindow > 0
                && BigDecimal.valueOf(stock).multiply(BigDecimal.valueOf(t.stockEtaWindowMinutes()))
                        .compareTo(BigDecimal.valueOf(t.stockEtaHorizonMinutes())
                                .multiply(BigDecimal.valueOf(unitsInWindow))) <= 0;
    }

    /** The words of STOCK_ETA; {@code risk} is given when it fires, and decides whom it pages. */
    static AlertTransitions.Description describeSellOut(
            AlertThresholds t, String itemId, long stock, long unitsInWindow, GmvAtRisk risk, boolean keyItem) {
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
                : itemId + ": sells out in ~" + minutes + " min at " + rate.toPlainString() + " units/min; "
                        + stock + " left";
        if (risk == null) {
            return new AlertTransitions.Description(summary, minutes + " min", threshold);
        }
        return new AlertTransitions.Description(summary + "; " + risk.perHour(), minutes + " min", threshold,
                risk.severity(keyItem, t.pageMinGmvAtRiskCents()));
    }

    /**
     * {@code A}, where the baseline's paid orders start: the first whole minute at or after {@code start + L}. Paid
     * orders before it came from clicks before the campaign, which no pv window holds.
     */
    static long conversionBaselineStart(CampaignDefinition campaign) {
        long afterLag = campaign.start() + campaign.alerts().conversionPaymentLagMinutes() * MINUTE;
        return Math.floorDiv(afterLag + MINUTE - 1, MINUTE) * MINUTE;
    }

    /**
     * Whether an item's counts can be compared (its stock aside): at least {@code min_pv} pv (and some) in the recent
     * pv window and in the baseline, and a paid order in the baseline.
     */
    static boolean conversionComparable(AlertThresholds t, long recentPv, long baselinePv, long baselineOrders) {
        long minPv = Math.max(1, t.conversionMinPv());
        return recentPv >= minPv && baselinePv >= minPv && baselineOrders > 0;
    }

    /** Decimal places of an item's expected paid orders: the one rounding of CONVERSION_DROP (half even). */
    static final int EXPECTED_ORDERS_SCALE = 6;

    /** The paid orders an item's recent window would have had at its baseline conversion: {@code o_b x p_r / p_b}. */
    static BigDecimal expectedOrders(ConversionWindow w) {
        return BigDecimal.valueOf(w.baselineOrders()).multiply(BigDecimal.valueOf(w.recentPv()))
                .divide(BigDecimal.valueOf(w.baselinePv()), EXPECTED_ORDERS_SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * The campaign's comparable items together got {@code o} paid orders against {@code e} expected: more than
     * {@code drop} below, {@code o < (1 - drop) x e}, and beyond chance, {@code (e - o)^2 >= min_sigmas^2 x e}.
     */
    static boolean campaignConversionDropped(AlertThresholds t, long orders, BigDecimal expected) {
        if (!t.conversionDropEnabled() || expected.signum() <= 0) {
            return false;
        }
        BigDecimal observed = BigDecimal.valueOf(orders);
        return below(observed, t.conversionDrop(), expected) && significant(t, expected.subtract(observed), expected);
    }

    /**
     * One comparable item's drop against the campaign's trend {@code O / E} (its comparable items' paid orders over
     * their expected): {@code o x E < (1 - drop) x e x O} and {@code (e x O - o x E)^2 >= min_sigmas^2 x e x O x E},
     * the item's {@code o} against {@code e x O / E}, multiplied out by {@code E}. {@code itemExpected} is the
     * item's {@link #expectedOrders}, null when it is not comparable.
     */
    static boolean itemConversionDropped(AlertThresholds t, ConversionWindow w, BigDecimal itemExpected,
            long campaignOrders, BigDecimal campaignExpected) {
        if (!t.conversionDropEnabled() || itemExpected == null || campaignExpected.signum() <= 0) {
            return false;
        }
        BigDecimal scaledExpected = itemExpected.multiply(BigDecimal.valueOf(campaignOrders));
        BigDecimal observed = BigDecimal.valueOf(w.recentOrders()).multiply(campaignExpected);
        return below(observed, t.conversionDrop(), scaledExpected)
                && significant(t, scaledExpected.subtract(observed), scaledExpected.multiply(campaignExpected));
    }

    /** {@code gap^2 >= min_sigmas^2 x variance}: a Poisson count's standard deviation is the root of its mean. */
    private static boolean significant(AlertThresholds t, BigDecimal gap, BigDecimal variance) {
        BigDecimal sigmas = t.conversionMinSigmas();
        return gap.multiply(gap).compareTo(sigmas.multiply(sigmas).multiply(variance)) >= 0;
    }

    static AlertTransitions.Description describeCampaignConversion(
            AlertThresholds t, String campaignId, long orders, BigDecimal expected, int items) {
        BigDecimal limit = BigDecimal.ONE.subtract(t.conversionDrop()).multiply(expected)
                .setScale(1, RoundingMode.HALF_UP);
        return new AlertTransitions.Description("campaign " + campaignId + ": " + orders + " paid orders in the last "
                + t.conversionWindowMinutes() + " min against " + expected.setScale(1, RoundingMode.HALF_UP)
                        .toPlainString()
                + " expected at the earlier conversion of its " + items + " items with enough traffic in stock",
                Long.toString(orders), limit.toPlainString());
    }

    static AlertTransitions.Description describeItemConversion(AlertThresholds t, ConversionWindow w,
            BigDecimal itemExpected, long campaignOrders, BigDecimal campaignExpected) {
        if (itemExpected == null || campaignExpected.signum() <= 0) {
            return new AlertTransitions.Description(w.itemId() + ": no longer judged (" + w.recentPv()
                    + " pv in the window, or out of stock)", Long.toString(w.recentOrders()), "-");
        }
        BigDecimal trend = BigDecimal.valueOf(campaignOrders).divide(campaignExpected, 2, RoundingMode.HALF_UP);
        BigDecimal scaled = itemExpected.multiply(BigDecimal.valueOf(campaignOrders));
        BigDecimal expected = scaled.divide(campaignExpected, 1, RoundingMode.HALF_UP);
        BigDecimal limit = BigDecimal.ONE.subtract(t.conversionDrop()).multiply(scaled)
                .divide(campaignExpected, 1, RoundingMode.HALF_UP);
        return new AlertTransitions.Description(w.itemId() + ": " + w.recentOrders() + " paid orders in the last "
                + t.conversionWindowMinutes() + " min against " + expected.toPlainString() + " expected (conversion "
                + percent(BigDecimal.valueOf(w.recentOrders()), w.recentPv()) + " against "
                + percent(BigDecimal.valueOf(w.baselineOrders()), w.baselinePv())
                + " earlier in the sale, campaign trend x" + trend.toPlainString() + ")",
                Long.toString(w.recentOrders()), limit.toPlainString());
    }

    /**
     * The campaign's TRAFFIC_DROP against its expected curve {@code x} (the traffic plan, else flat): the minute's
     * pv {@code p} more than {@code drop} below what the baseline's pv per expected unit predicts,
     * {@code p x X_b < (1 - drop) x x(m) x p_b}, with a baseline of at least {@code B x min_pv_per_minute} pv.
     */
    static boolean trafficBelowExpected(AlertThresholds t, long minutePv, BigDecimal minuteExpected, long baselinePv,
            BigDecimal baselineExpected) {
        return t.trafficDropEnabled() && enoughBaseline(t, baselinePv)
                && below(BigDecimal.valueOf(minutePv).multiply(baselineExpected), t.trafficDrop(),
                        minuteExpected.multiply(BigDecimal.valueOf(baselinePv)));
    }

    /**
     * A channel's TRAFFIC_DROP: its share of the campaign's pv in the minute more than {@code drop} below its share
     * in the baseline, {@code c x P_b < (1 - drop) x c_b x P}, with a channel baseline of at least
     * {@code B x min_pv_per_minute} pv. Channels falling together keep their shares: that is the sale's shape.
     */
    static boolean channelShareDropped(AlertThresholds t, long channelPv, long campaignPv, long channelBaselinePv,
            long campaignBaselinePv) {
        return t.trafficDropEnabled() && enoughBaseline(t, channelBaselinePv)
                && below(BigDecimal.valueOf(channelPv).multiply(BigDecimal.valueOf(campaignBaselinePv)),
                        t.trafficDrop(),
                        BigDecimal.valueOf(channelBaselinePv).multiply(BigDecimal.valueOf(campaignPv)));
    }

    private static boolean enoughBaseline(AlertThresholds t, long baselinePv) {
        return BigDecimal.valueOf(baselinePv).compareTo(BigDecimal.valueOf(t.trafficBaselineMinutes())
                .multiply(BigDecimal.valueOf(t.trafficMinPvPerMinute()))) >= 0;
    }

    static AlertTransitions.Description describeTraffic(AlertThresholds t, String subject, long minutePv,
            BigDecimal minuteExpected, long baselinePv, BigDecimal baselineExpected) {
        BigDecimal expected = minuteExpected.multiply(BigDecimal.valueOf(baselinePv))
                .divide(baselineExpected, 1, RoundingMode.HALF_UP);
        BigDecimal limit = BigDecimal.ONE.subtract(t.trafficDrop()).multiply(minuteExpected)
                .multiply(BigDecimal.valueOf(baselinePv)).divide(baselineExpected, 1, RoundingMode.HALF_UP);
        return new AlertTransitions.Description(subject + ": " + minutePv + " pv in the last minute against "
                + expected.toPlainString() + " expected from the " + t.trafficBaselineMinutes()
                + " min before; alert below " + limit.toPlainString(), Long.toString(minutePv),
                limit.toPlainString());
    }

    static AlertTransitions.Description describeChannelShare(AlertThresholds t, String subject, long channelPv,
            long campaignPv, long channelBaselinePv, long campaignBaselinePv) {
        String share = percent(BigDecimal.valueOf(channelPv), campaignPv);
        String before = percent(BigDecimal.valueOf(channelBaselinePv), campaignBaselinePv);
        String limit = percent(BigDecimal.ONE.subtract(t.trafficDrop()).multiply(BigDecimal.valueOf(channelBaselinePv)),
                campaignBaselinePv);
        return new AlertTransitions.Description(subject + ": " + share + " of the campaign's pv in the last minute ("
                + channelPv + " of " + campaignPv + ") against " + before + " in the " + t.trafficBaselineMinutes()
                + " min before; alert below " + limit, share, limit);
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
