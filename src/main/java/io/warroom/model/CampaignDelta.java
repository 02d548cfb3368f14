package io.warroom.model;

/**
 * What one shard adds to its campaign since its previous delta. Counters and money are increments. Two kinds of
 * shard send them:
 *
 * <ul>
 *   <li>an audience shard (orders, by a hash of user_id; {@code shard >= 0}) sends gmv, refunded, orders, units,
 *       paid gmv per minute, and {@code buyers} as its current absolute estimate: each buyer lives in one shard,
 *       so the campaign's buyers are the sum of the shards' latest estimates;
 *   <li>a traffic shard (clicks and carts, by a hash of event_id; {@code shard == TRAFFIC_SHARD}) sends pv, carts,
 *       pv per minute and channel, the clicks and carts it dropped as too late, and HLL sketches of the users of its new clicks, which the campaign unions
 *       (a user may click in several traffic shards; a union counts them once).
 * </ul>
 *
 * @param minutes increments per event-time minute (gmv before a pacing checkpoint is summed from them)
 * @param uvSketch compact HLL sketch of the users of the clicks in this delta; null for audience shards
 * @param channelMinutes pv increments per channel and minute, for TRAFFIC_DROP
 * @param shard the audience shard index, {@link #TRAFFIC_SHARD}, or {@link #BOOTSTRAP_SHARD} for the delta that
 *     opens the campaign
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
        long lateDropped,
        long buyers,
        byte[] uvSketch,
        MinuteStats[] minutes,
        ChannelTraffic[] channels,
        ChannelMinute[] channelMinutes) {

    public static final int BOOTSTRAP_SHARD = -1;
    public static final int TRAFFIC_SHARD = -2;

    public static CampaignDelta bootstrap(String campaignId) {
        return new CampaignDelta(campaignId, BOOTSTRAP_SHARD, 0, 0, 0, 0, 0, 0, 0, 0, null, new MinuteStats[0],
                new ChannelTraffic[0], new ChannelMinute[0]);
    }

    /** An audience shard's delta: order effects only. */
    public static CampaignDelta orders(String campaignId, int shard, long gmvCents, long refundedCents, long orders,
            long units, long buyers, MinuteStats[] minutes) {
        return new CampaignDelta(campaignId, shard, gmvCents, refundedCents, orders, units, 0, 0, 0, buyers, null,
                minutes, new ChannelTraffic[0], new ChannelMinute[0]);
    }

    /** A traffic shard's delta: clicks and carts only. */
    public static CampaignDelta traffic(String campaignId, long pv, long carts, long lateDropped, byte[] uvSketch,
            MinuteStats[] minutes, ChannelTraffic[] channels, ChannelMinute[] channelMinutes) {
        return new CampaignDelta(campaignId, TRAFFIC_SHARD, 0, 0, 0, 0, pv, carts, lateDropped, 0, uvSketch, minutes,
                channels, channelMinutes);
    }
}
