package io.warroom.model;

/**
 * An item's counts for CONVERSION_DROP at minute boundary {@code boundary} (docs/alerts.md): paid orders of the
 * recent window and pv of the same window moved back by the payment lag, the same two counts of the campaign before
 * them, and whether the item is comparable there (enough pv, a paid order in the baseline, in stock). Every item of a
 * campaign sends its windows to one judge, which weighs each item against the campaign's comparable items together.
 */
public record ConversionWindow(
        String campaignId,
        String itemId,
        long boundary,
        long recentPv,
        long recentOrders,
        long baselinePv,
        long baselineOrders,
        boolean comparable) {}
