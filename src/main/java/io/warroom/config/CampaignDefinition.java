package io.warroom.config;

import io.warroom.serde.Money;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * A validated campaign (one {@code jobs/*.yaml} file). Times are epoch milliseconds; an event counts when
 * {@code start <= ts < end}. Instances are immutable and serializable, so operators carry them.
 */
public record CampaignDefinition(
        String campaignId,
        String name,
        long start,
        long end,
        long gmvTargetCents,
        BigDecimal shortfallTolerance,
        List<PacingCheckpoint> pacing,
        long safetyStock,
        Map<String, ItemSettings> items,
        List<String> channels,
        AlertThresholds alerts,
        List<TrafficPlanPoint> trafficPlan,
        ZoneOffset zone,
        long dedupHorizonMillis)
        implements Serializable {

    /** How far behind its input a click or cart may be and still count, unless a campaign says otherwise. */
    public static final Duration DEFAULT_DEDUP_HORIZON = Duration.ofHours(1);

    /** An instant as people in the campaign's zone (the offset of its {@code start}) read it. */
    public String localTime(long ts) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(ts), zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /**
     * The pv per minute the traffic plan expects in the minute starting at {@code minuteStart}: the last step at or
     * before it, else the first step; 1 for every minute when there is no plan (a flat curve).
     */
    public BigDecimal expectedPv(long minuteStart) {
        if (trafficPlan.isEmpty()) {
            return BigDecimal.ONE;
        }
        BigDecimal expected = trafficPlan.get(0).pvPerMinute();
        for (TrafficPlanPoint step : trafficPlan) {
            if (step.at() > minuteStart) {
                break;
            }
            expected = step.pvPerMinute();
        }
        return expected;
    }

    /** The channel label a click counts under: itself, or "other" when the campaign lists its channels. */
    public String channelLabel(String channel) {
        if (channels.isEmpty() || channels.contains(channel) || UNKNOWN_CHANNEL.equals(channel)) {
            return channel;
        }
        return OTHER_CHANNEL;
    }

    public static final String UNKNOWN_CHANNEL = "unknown";
    public static final String OTHER_CHANNEL = "other";

    public boolean contains(long ts) {
        return ts >= start && ts < end;
    }

    public ItemSettings item(String itemId) {
        return items.get(itemId);
    }

    public long safetyStockOf(String itemId) {
        ItemSettings settings = items.get(itemId);
        return settings != null && settings.safetyStock() != null ? settings.safetyStock() : safetyStock;
    }

    /**
     * Planned cumulative share of the target at any time: 0 at the start, each checkpoint's share at its time,
     * linear in between, and the last share after the last checkpoint (0 without a pacing plan). For display: 16
     * significant digits; alerts compare against the exact checkpoint values.
     */
    public BigDecimal plannedShareAt(long ts) {
        if (pacing.isEmpty() || ts <= start) {
            return BigDecimal.ZERO;
        }
        long fromTs = start;
        BigDecimal fromShare = BigDecimal.ZERO;
        for (PacingCheckpoint checkpoint : pacing) {
            if (ts < checkpoint.at()) {
                BigDecimal progress = BigDecimal.valueOf(ts - fromTs)
                        .divide(BigDecimal.valueOf(checkpoint.at() - fromTs), MathContext.DECIMAL64);
                return fromShare.add(checkpoint.share().subtract(fromShare).multiply(progress));
            }
            fromTs = checkpoint.at();
            fromShare = checkpoint.share();
        }
        return fromShare;
    }

    /** The campaign's planned gmv at {@code ts}, rounded half-up to the cent, for display. */
    public long plannedCentsAt(long ts) {
        return Money.roundToCents(Money.decimal(gmvTargetCents).multiply(plannedShareAt(ts)));
    }

    /**
     * When checkpoint {@code k} is due: once the watermark reaches {@code at - 1}, no event with {@code ts < at} can
     * still arrive in order, so the gmv before the checkpoint is complete.
     */
    public long checkpointDueAt(int k) {
        return pacing.get(k).at() - 1;
    }

    /** Planned cumulative gmv at checkpoint {@code k} of a target, exact. */
    public BigDecimal planned(long targetCents, int k) {
        return Money.decimal(targetCents).multiply(pacing.get(k).share());
    }

    /** The checkpoint's shortfall line: planned x (1 - shortfall_tolerance), exact. */
    public BigDecimal shortfallLine(long targetCents, int k) {
        return planned(targetCents, k).multiply(BigDecimal.ONE.subtract(shortfallTolerance));
    }

    /** Whether gmv (of events before checkpoint {@code k}) falls short of the checkpoint's line. */
    public boolean isBehind(long targetCents, int k, long gmvBeforeCents) {
        return Money.decimal(gmvBeforeCents).compareTo(shortfallLine(targetCents, k)) < 0;
    }
}
