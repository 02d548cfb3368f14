package io.warroom.model;

/**
 * Input of the per-(campaign, item) function, already routed to one campaign. A flat record keeps the hot path
 * free of polymorphic serialization; which fields carry meaning depends on {@link Kind}.
 *
 * @param id event_id for clicks and carts, order_id for order effects
 * @param quantity cart or line quantity; for {@link Kind#INVENTORY} the stock level
 * @param amountCents money of the item's lines, for {@link Kind#PAID} and {@link Kind#REFUND}
 */
public record ItemSignal(
        Kind kind,
        String campaignId,
        String itemId,
        long ts,
        String id,
        String userId,
        String channel,
        long quantity,
        long amountCents) {

    public enum Kind {
        /** The item is listed in the campaign file; sets its configured stock at the campaign's start. */
        INIT,
        CLICK,
        CART,
        INVENTORY,
        PAID,
        REFUND,
        RESERVE,
        RELEASE;

        /** Changes stock, so it is applied in event-time order. */
        public boolean touchesStock() {
            return this == INIT || this == INVENTORY || this == RESERVE || this == RELEASE;
        }
    }

    public static ItemSignal stockOnly(Kind kind, String campaignId, String itemId, long ts, String id, long quantity) {
        return new ItemSignal(kind, campaignId, itemId, ts, id, null, null, quantity, 0);
    }

    /** Routing key: one campaign, one item. */
    public String key() {
        return Keys.of(campaignId, itemId);
    }
}
