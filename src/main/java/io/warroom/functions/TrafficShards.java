package io.warroom.functions;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Which traffic shard a click or cart goes to, and the key that takes it there.
 *
 * <p>The shard is a hash of event_id, so every copy of an event meets its first copy in one shard. With a few
 * shards, hashing their keys to parallel tasks would leave some tasks with more shards than others, so each shard's
 * key carries a salt chosen to land it in the middle of its own equal slice of the key groups: the shards spread
 * evenly over any parallelism that divides their number. The salt changes only where a shard runs, never which
 * events it counts, so results do not depend on it.
 */
public final class TrafficShards {
    private static final int MAX_SALT = 1 << 20;

    private final int[] keys;

    public TrafficShards(int shards, int maxParallelism) {
        keys = new int[shards];
        for (int shard = 0; shard < shards; shard++) {
            keys[shard] = placed(shard, shards, maxParallelism);
        }
    }

    /** The shard of an event id, from other bits of its hash than the shard's id set uses. */
    public static int shardOf(String eventId, int shards) {
        return (int) Long.remainderUnsigned(Sketches.hash64(eventId) >>> 32, shards);
    }

    /** The key ({@code shard + shards x salt}) of the shard an event id belongs to. */
    public int shardKey(String eventId) {
        return keys[shardOf(eventId, keys.length)];
    }

    /** The shard a key stands for. */
    public static int shardOfKey(int shardKey, int shards) {
        return shardKey % shards;
    }

    private static int placed(int shard, int shards, int maxParallelism) {
        int target = (int) (((2L * shard + 1) * maxParallelism) / (2L * shards));
        for (int salt = 0; salt < MAX_SALT; salt++) {
            int candidate = shard + shards * salt;
            if (candidate < 0) {
                break;
            }
            if (KeyGroupRangeAssignment.assignToKeyGroup(candidate, maxParallelism) == target) {
                return candidate;
            }
        }
        return shard;
    }
}
