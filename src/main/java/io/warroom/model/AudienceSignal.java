package io.warroom.model;

/**
 * Input of a campaign's audience shard: the campaign-level contribution of one paid or refunded order effect.
 * Shards are chosen by a hash of the user id, so each buyer's distinct count lives in one shard.
 */
public record AudienceSignal(
        Kind kind,
        String campaignId,
        int shard,
        long ts,
        String userId,
        long quantity,
        long amountCents) {

    public enum Kind {
        PAID,
        REFUND
    }

    public String key() {
        return Keys.of(campaignId, Integer.toString(shard));
    }
}
