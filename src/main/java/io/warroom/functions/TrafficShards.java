package io.warroom.functions;

import io.warroom.model.Keys;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Which traffic shard a click or cart goes to, and the key that takes it there.
 *
 * <p>The shard is a hash of event_id, so every copy of an event meets its first copy in one shard. With a few
 * shards per campaign, hashing their keys to parallel tasks would leave some tasks with more shards than others,
 * so each shard's key carries a salt chosen to land it in the middle of its own equal slice of the key groups:
 * {@code shards} slices spread evenly over any parallelism that divides {@code shards}. The salt changes only where
 * a shard runs, never which events it counts, so results do not depend on it.
 */
public final class TrafficShards {
    private static final int MAX_SALT = 1 << 20;

    private final int shards;
    private final int maxParallelism;
    private final Map<String, int[]> keysByCampaign = new HashMap<>();

    public TrafficShards(int shards, int maxParallelism) {
        this.shards = shards;
        this.maxParallelism = maxParallelism;
    }

    /** The shard of an event id, from other bits of its hash than the shard's own id set uses. */
    public static int shardOf(String eventId, int shards) {
        return (int) Long.remainderUnsigned(Sketches.hash64(eventId) >>> 32, shards);
    }

    /** The key suffix ({@code shard + shards x salt}) of the shard an event id belongs to in a campaign. */
    public int shardKey(String campaignId, String eventId) {
        return keysByCampaign.computeIfAbsent(campaignId, this::placeShards)[shardOf(eventId, shards)];
    }

    /** The shard a key suffix stands for. */
    public static int shardOfKey(int shardKey, int shards) {
        return shardKey % shards;
    }

    private int[] placeShards(String campaignId) {
        int[] keys = new int[shards];
        for (int shard = 0; shard < shards; shard++) {
            int target = (int) (((2L * shard + 1) * maxParallelism) / (2L * shards));
            keys[shard] = shard;
            for (int salt = 0; salt < MAX_SALT; salt++) {
                int candidate = shard + shards * salt;
                if (candidate < 0) {
                    break;
                }
                String key = Keys.of(campaignId, Integer.toString(candidate));
                if (KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism) == target) {
                    keys[shard] = candidate;
                    break;
                }
            }
        }
        return keys;
    }
}
