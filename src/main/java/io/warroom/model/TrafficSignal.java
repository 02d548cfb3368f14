package io.warroom.model;

/**
 * A click or cart routed to one campaign, on its way to one of the campaign's traffic shards, where it is
 * deduplicated and counted.
 *
 * @param shardKey the traffic shard, as {@code shard + shards x salt}: the salt only places the shard's key on a
 *     chosen parallel task (see {@code TrafficShards}); the shard is {@code shardKey % shards}
 * @param channel the click's channel as sent; null for carts
 */
public record TrafficSignal(
        boolean cart,
        String campaignId,
        int shardKey,
        long ts,
        String eventId,
        String userId,
        String itemId,
        String channel) {

    public String key() {
        return Keys.of(campaignId, Integer.toString(shardKey));
    }
}
