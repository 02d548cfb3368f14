package io.warroom.model;

/**
 * Input of a campaign's audience shard: the campaign-level contribution of one deduplicated click or cart, or of
 * one order effect. Shards are chosen by a hash of the user id, so each user's distinct count lives in one shard.
 */
public record AudienceSignal(
        Kind kind,
        String campaignId,
        int shard,
        long ts,
        String userId,
        String channel,
        long quantity,
        long amountCents) {

    public enum Kind {
        CLICK,
        CART,
        PAID,
        REFUND
    }

    public String key() {
        return Keys.of(campaignId, Integer.toString(shard));
    }
}
