package io.warroom.model;

/**
 * Rolling totals of one item within one campaign, as defined in docs/metrics.md.
 *
 * @param stockRemaining null while no stock is configured and no inventory event was seen
 * @param watermark the event time these totals are complete up to (events later than it may still arrive)
 * @param closed the campaign is over and this item's state was released; these are its final numbers
 */
public record ItemStats(
        String campaignId,
        String itemId,
        long gmvCents,
        long refundedCents,
        long orders,
        long units,
        long buyers,
        long uv,
        long pv,
        long carts,
        Long stockRemaining,
        long watermark,
        boolean closed) {

    public double conversion() {
        return Ratios.conversion(buyers, uv);
    }
}
