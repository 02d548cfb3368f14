package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.TrafficSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class TrafficShardsTest {
    private static final int SHARDS = 8;
    /** Flink's default max parallelism for jobs of up to 85 parallel tasks, which the job does not override. */
    private static final int DEFAULT_MAX_PARALLELISM = 128;
    private static final List<String> CAMPAIGNS = List.of("c1", "c2", "double-11", "spring-sale-2026", "活动");

    @Test
    void theShardsOfACampaignSpreadEvenlyOverTheParallelTasks() {
        assertSpreadEvenly(DEFAULT_MAX_PARALLELISM, CAMPAIGNS);
        // Other max parallelisms: one that is no power of two, and Flink's largest (slow to place, so one campaign).
        assertSpreadEvenly(1000, CAMPAIGNS);
        assertSpreadEvenly(32768, List.of("c1"));
    }

    @Test
    void aShardKeyStandsForTheShardOfItsEventId() {
        for (int shardCount : List.of(1, 3, SHARDS, 64)) {
            TrafficShards shards = new TrafficShards(shardCount, DEFAULT_MAX_PARALLELISM);
            for (String campaign : CAMPAIGNS) {
                List<String> mismatches = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    String eventId = "evt-" + i;
                    int shardKey = shards.shardKey(campaign, eventId);
                    int shard = TrafficShards.shardOf(eventId, shardCount);
                    if (shard < 0 || shard >= shardCount || shardKey < 0
                            || TrafficShards.shardOfKey(shardKey, shardCount) != shard) {
                        mismatches.add(eventId + ": shard " + shard + ", key " + shardKey);
                    }
                }
                assertThat(mismatches).as("%s with %d shards", campaign, shardCount).isEmpty();
            }
        }
    }

    @Test
    void everyRouterInstanceGivesAnEventTheSameKey() {
        // Each parallel router places the shards on its own; copies of one event must all meet in one shard.
        TrafficShards one = new TrafficShards(SHARDS, DEFAULT_MAX_PARALLELISM);
        TrafficShards other = new TrafficShards(SHARDS, DEFAULT_MAX_PARALLELISM);
        for (String campaign : CAMPAIGNS) {
            for (int i = 0; i < 100; i++) {
                assertThat(one.shardKey(campaign, "evt-" + i)).isEqualTo(other.shardKey(campaign, "evt-" + i));
            }
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

    /** Every parallel task of the traffic shards gets as many of each campaign's shards. */
    private static void assertSpreadEvenly(int maxParallelism, List<String> campaigns) {
        TrafficShards shards = new TrafficShards(SHARDS, maxParallelism);
        for (String campaign : campaigns) {
            List<String> keys = shardKeysOf(shards, campaign);
            for (int parallelism : List.of(1, 2, 4, 8)) {
                int[] shardsPerTask = new int[parallelism];
                for (String key : keys) {
                    shardsPerTask[KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism,
                            parallelism)]++;
                }
                int[] even = new int[parallelism];
                Arrays.fill(even, SHARDS / parallelism);
                assertThat(shardsPerTask)
                        .as("shards per task of %s, parallelism %d of at most %d", campaign, parallelism,
                                maxParallelism)
                        .isEqualTo(even);
            }
        }
    }

    /** The keys of all shards of a campaign, as the traffic shards are keyed by them: found through event ids. */
    private static List<String> shardKeysOf(TrafficShards shards, String campaign) {
        String[] keys = new String[SHARDS];
        int found = 0;
        for (int i = 0; found < SHARDS; i++) {
            String eventId = "evt-" + i;
            int shard = TrafficShards.shardOf(eventId, SHARDS);
            if (keys[shard] == null) {
                keys[shard] = new TrafficSignal(false, campaign, shards.shardKey(campaign, eventId), 0, eventId, "u",
                        "item", "app").key();
                found++;
            }
        }
        assertThat(List.of(keys)).doesNotHaveDuplicates();
        return List.of(keys);
    }
}
