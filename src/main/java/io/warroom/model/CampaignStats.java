package io.warroom.model;

/**
 * Rolling totals of one campaign, as defined in docs/metrics.md.
 *
 * @param minutes per-minute gmv, orders and pv: the minutes changed since the previous update (all of them when
 *     {@code closed})
 * @param channels uv and pv per traffic channel
 * @param gmvTargetCents the campaign's gmv target, as defined at {@code watermark}
 * @param plannedGmvCents the planned gmv at {@code watermark} (see {@code CampaignDefinition.plannedCentsAt})
 * @param pacing progress at each pacing checkpoint
 */
public record CampaignStats(
        String campaignId,
        long gmvCents,
        long refundedCents,
        long orders,
        long units,
        long buyers,
        long uv,
        long pv,
        long carts,
        long lateDropped,
        long watermark,
        long gmvTargetCents,
        long plannedGmvCents,
        MinuteStats[] minutes,
        ChannelStats[] channels,
        PacingStatus[] pacing,
        boolean closed) {

    public double conversion() {
        return Ratios.conversion(buyers, uv);
    }
}
