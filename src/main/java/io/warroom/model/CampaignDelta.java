package io.warroom.model;

/**
 * What one audience shard adds to its campaign since its previous delta. Counters and money are increments;
 * {@code uv}, {@code buyers} and the channels' uv are the shard's current absolute estimates, because distinct
 * counts do not add up across time, only across shards.
 *
 * @param minutes increments per event-time minute (gmv before a pacing checkpoint is summed from them)
 * @param channelMinutes pv increments per channel and minute, for TRAFFIC_DROP
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
        MinuteStats[] minutes,
        ChannelStats[] channels,
        ChannelMinute[] channelMinutes) {

    public static final int BOOTSTRAP_SHARD = -1;

    public static CampaignDelta bootstrap(String campaignId) {
        return new CampaignDelta(campaignId, BOOTSTRAP_SHARD, 0, 0, 0, 0, 0, 0, 0, 0, new MinuteStats[0],
                new ChannelStats[0], new ChannelMinute[0]);
    }
}
