package io.warroom.model;

/**
 * What one audience shard adds to its campaign since its previous delta. Counters and money are increments;
 * {@code uv}, {@code buyers} and the channels' uv are the shard's current absolute estimates, because distinct
 * counts do not add up across time, only across shards.
 *
 * @param gmvCentsBySegment gmv increments by pacing segment: index k holds paid gmv with
 *     {@code at[k-1] <= ts < at[k]} (with {@code at[-1] = start}, last segment up to end)
 * @param shard the shard index, or -1 for the bootstrap delta that opens the campaign
 */
public record CampaignDelta(
        String campaignId,
        int shard,
        long gmvCents,
        long refundedCents,
        long orders,
        long units,
        long pv,
        long carts,
        long uv,
        long buyers,
        long[] gmvCentsBySegment,
        MinuteStats[] minutes,
        ChannelStats[] channels) {

    public static final int BOOTSTRAP_SHARD = -1;

    public static CampaignDelta bootstrap(String campaignId, int segments) {
        return new CampaignDelta(
                campaignId, BOOTSTRAP_SHARD, 0, 0, 0, 0, 0, 0, 0, 0, new long[segments], new MinuteStats[0],
                new ChannelStats[0]);
    }
}
