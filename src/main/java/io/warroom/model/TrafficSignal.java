package io.warroom.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A click or cart on its way to its traffic shard, where it is routed to campaigns, deduplicated and counted.
 *
 * @param shardKey the traffic shard's key, {@code shard + shards x salt}: the salt only places the shard on a chosen
 *     parallel task (see {@code TrafficShards}); the shard is {@code shardKey % shards}
 * @param channel the click's channel as sent; null for carts
 * @param behindMillis how far the event's {@code ts} is behind the highest {@code ts} read before it from the same
 *     input (0 when it is the highest so far): a campaign drops it as too late beyond its dedup horizon
 */
@TypeInfo(TrafficSignalSerializer.Factory.class)
public record TrafficSignal(
        boolean cart,
        int shardKey,
        long ts,
        String eventId,
        String userId,
        String itemId,
        String channel,
        long behindMillis) {}
