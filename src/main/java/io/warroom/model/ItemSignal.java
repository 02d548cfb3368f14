package io.warroom.model;

/**
 * Input of the per-(campaign, item) function, already routed to one campaign. A flat record keeps the hot path
 * free of polymorphic serialization; which fields carry meaning depends on {@link Kind}.
 *
 * @param id order_id for order effects
 * @param quantity line quantity; for {@link Kind#INVENTORY} the stock level
 * @param amountCents money of the item's lines, for {@link Kind#PAID} and {@link Kind#REFUND}
 * @param traffic for {@link Kind#TRAFFIC}, the clicks and carts a traffic shard counted; null otherwise
 */
public record ItemSignal(
        Kind kind,
        String campaignId,
        String itemId,
        long ts,
        String id,
        String userId,
        long quantity,
        long amountCents,
        ItemTraffic traffic) {

    public enum Kind {
        /** The item is listed in the campaign file; sets its configured stock at the campaign's start. */
        INIT,
        /** Deduplicated clicks and carts, pre-aggregated by a traffic shard. */
        TRAFFIC,
        INVENTORY,
        PAID,
        REFUND,
        RESERVE,
        RELEASE;

        /** Changes stock, so it is applied in event-time order. */
        public boolean touchesStock() {
            return this == INIT || this == INVENTORY || this == RESERVE || this == RELEASE;
        }

        /**
         * The order of stock changes that share a timestamp (docs/metrics.md): the configured stock first, then
         * snapshots, then reservations, then releases. Written out rather than taken from the declaration order, so
         * that reordering the constants cannot change a stock level.
         */
        public int stockRank() {
            return switch (this) {
                case INIT -> 0;
                case INVENTORY -> 1;
                case RESERVE -> 2;
                case RELEASE -> 3;
                case TRAFFIC, PAID, REFUND -> throw new IllegalStateException(this + " does not change stock");
            };
        }
    }

    public ItemSignal(Kind kind, String campaignId, String itemId, long ts, String id, String userId, long quantity,
            long amountCents) {
        this(kind, campaignId, itemId, ts, id, userId, quantity, amountCents, null);
    }

    public static ItemSignal traffic(String campaignId, String itemId, long ts, ItemTraffic traffic) {
        return new ItemSignal(Kind.TRAFFIC, campaignId, itemId, ts, null, null, 0, 0, traffic);
    }

    public static ItemSignal stockOnly(Kind kind, String campaignId, String itemId, long ts, String id, long quantity) {
        return new ItemSignal(kind, campaignId, itemId, ts, id, null, quantity, 0);
    }

    /** Routing key: one campaign, one item. */
    public String key() {
        return Keys.of(campaignId, itemId);
    }
}
