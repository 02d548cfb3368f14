package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

/**
 * Where clicks and carts go: the shard of an event id, and the key (an Integer, as the traffic shards are keyed)
 * that takes each shard to a task of its own.
 */
class TrafficShardsTest {
    private static final int SHARDS = 8;
    /** Flink's default max parallelism for jobs of up to 85 parallel tasks, which the job does not override. */
    private static final int DEFAULT_MAX_PARALLELISM = 128;

    @Test
    void theShardsSpreadEvenlyOverTheParallelTasks() {
        assertSpreadEvenly(DEFAULT_MAX_PARALLELISM);
        // Other max parallelisms: one that is no power of two, and Flink's largest.
        assertSpreadEvenly(1000);
        assertSpreadEvenly(32768);
    }

    @Test
    void eachShardKeySitsInTheMiddleOfItsOwnSliceOfKeyGroups() {
        for (int maxParallelism : List.of(DEFAULT_MAX_PARALLELISM, 1000)) {
            List<Integer> keys = shardKeys(new TrafficShards(SHARDS, maxParallelism));
            for (int shard = 0; shard < SHARDS; shard++) {
                // Slice s of the key groups is [s, s + 1) x maxParallelism / shards; its middle is (2s + 1) / 2 of it.
                int middle = (int) ((2L * shard + 1) * maxParallelism / (2L * SHARDS));
                assertThat(KeyGroupRangeAssignment.assignToKeyGroup(keys.get(shard), maxParallelism))
                        .as("key group of shard %d of at most %d", shard, maxParallelism).isEqualTo(middle);
            }
        }
    }

    @Test
    void aShardKeyStandsForTheShardOfItsEventId() {
        for (int shardCount : List.of(1, 3, SHARDS, 64)) {
            TrafficShards shards = new TrafficShards(shardCount, DEFAULT_MAX_PARALLELISM);
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String eventId = "evt-" + i;
                int shardKey = shards.shardKey(eventId);
                int shard = TrafficShards.shardOf(eventId, shardCount);
                if (shard < 0 || shard >= shardCount || shardKey < 0
                        || TrafficShards.shardOfKey(shardKey, shardCount) != shard) {
                    mismatches.add(eventId + ": shard " + shard + ", key " + shardKey);
                }
            }
            assertThat(mismatches).as("%d shards", shardCount).isEmpty();
        }
    }

    @Test
    void everySplitterInstanceGivesAnEventTheSameKey() {
        // Each parallel input splitter places the shards on its own; copies of one event must all meet in one shard.
        TrafficShards one = new TrafficShards(SHARDS, DEFAULT_MAX_PARALLELISM);
        TrafficShards other = new TrafficShards(SHARDS, DEFAULT_MAX_PARALLELISM);
        for (int i = 0; i < 1_000; i++) {
            assertThat(one.shardKey("evt-" + i)).isEqualTo(other.shardKey("evt-" + i));
        }
    }

    @Test
    void eventIdsSpreadOverTheShards() {
        int events = 40_000;
        int[] perShard = new int[SHARDS];
        for (int i = 0; i < events; i++) {
            perShard[TrafficShards.shardOf("3f2a9c1e-" + i, SHARDS)]++;
        }
        // Within 5% of an even split; a skewed hash would leave one shard (and its task) with the bulk.
        for (int count : perShard) {
            assertThat(count).isBetween(events / SHARDS * 95 / 100, events / SHARDS * 105 / 100);
        }
    }

    /** Every parallel task of the traffic shards gets as many shards. */
    private static void assertSpreadEvenly(int maxParallelism) {
        List<Integer> keys = shardKeys(new TrafficShards(SHARDS, maxParallelism));
        for (int parallelism : List.of(1, 2, 4, 8)) {
            int[] shardsPerTask = new int[parallelism];
            for (int key : keys) {
                shardsPerTask[KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism,
                        parallelism)]++;
            }
            int[] even = new int[parallelism];
            Arrays.fill(even, SHARDS / parallelism);
            assertThat(shardsPerTask)
                    .as("shards per task, parallelism %d of at most %d", parallelism, maxParallelism)
                    .isEqualTo(even);
        }
    }

    /** The keys of all shards, by shard, as the traffic shards are keyed by them: found through event ids. */
    private static List<Integer> shardKeys(TrafficShards shards) {
        Integer[] keys = new Integer[SHARDS];
        int found = 0;
        for (int i = 0; found < SHARDS; i++) {
            String eventId = "evt-" + i;
            int shard = TrafficShards.shardOf(eventId, SHARDS);
            if (keys[shard] == null) {
                keys[shard] = shards.shardKey(eventId);
                found++;
            }
        }
        assertThat(List.of(keys)).doesNotHaveDuplicates();
        return List.of(keys);
    }
}
