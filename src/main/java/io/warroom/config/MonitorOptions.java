package io.warroom.config;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Typed options of the monitor pipeline, settable from the command line or a Flink configuration. */
public final class MonitorOptions {
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions
            .key("warroom.watermark.out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("How far out of event-time order input may arrive and still be applied in order.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = ConfigOptions.key("warroom.watermark.idle-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("A partition or file quiet for this long stops holding back event time.");

    public static final ConfigOption<Boolean> WALL_CLOCK_WATERMARK = ConfigOptions.key("warroom.watermark.wall-clock")
            .booleanType()
            .defaultValue(true)
            .withDescription("Live only: when every input is idle, event time follows the wall clock minus the "
                    + "out-of-orderness bound, so pacing checkpoints and stock updates do not wait for traffic.");

    public static final ConfigOption<Duration> STATS_INTERVAL = ConfigOptions.key("warroom.stats.interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Processing-time interval at which changed item stats are emitted.");

    public static final ConfigOption<Boolean> ITEM_STATS_WHILE_RUNNING = ConfigOptions
            .key("warroom.stats.items-while-running")
            .booleanType()
            .defaultValue(true)
            .withDescription("Whether changed item stats are emitted every stats interval while their campaign runs, "
                    + "or only once, when it closes. A replay that serves no metrics writes only the closing stats "
                    + "into its report, and turns this off.");

    public static final ConfigOption<Duration> CAMPAIGN_STATS_INTERVAL = ConfigOptions
            .key("warroom.stats.campaign-interval")
            .durationType()
            .defaultValue(Duration.ofMillis(250))
            .withDescription("Processing-time interval at which changed campaign stats are emitted (one record per "
                    + "campaign, the war room's headline numbers, so kept fresher than item stats).");

    public static final ConfigOption<Duration> RETENTION = ConfigOptions.key("warroom.state.retention")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("How long after a campaign's end (in event time) its state is kept for late events.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL = ConfigOptions.key("warroom.stats.flush-interval")
            .durationType()
            .defaultValue(Duration.ofMillis(200))
            .withDescription("Processing-time interval at which shards pass their increments on to the item and "
                    + "campaign totals; with the stats interval it bounds how fresh the emitted stats are.");

    public static final ConfigOption<Integer> TRAFFIC_SHARDS = ConfigOptions.key("warroom.traffic.shards")
            .intType()
            .defaultValue(8)
            .withDescription("Shards per campaign that deduplicate clicks and carts (by a hash of event_id) and "
                    + "pre-aggregate them; fixed for the life of a job's state. Make it a multiple of the "
                    + "parallelism.");

    public static final ConfigOption<Integer> AUDIENCE_SHARDS = ConfigOptions.key("warroom.audience.shards")
            .intType()
            .defaultValue(64)
            .withDescription("Shards per campaign for buyers and paid gmv (by a hash of user_id); fixed for the life "
                    + "of a job's state.");

    public static final ConfigOption<Integer> ITEM_SKETCH_LG_K = ConfigOptions.key("warroom.sketch.item-lg-k")
            .intType()
            .defaultValue(14)
            .withDescription("log2 of HLL buckets for per-item uv and buyers.");

    public static final ConfigOption<Integer> SHARD_SKETCH_LG_K = ConfigOptions.key("warroom.sketch.shard-lg-k")
            .intType()
            .defaultValue(12)
            .withDescription("log2 of HLL buckets for each audience shard's buyers.");

    public static final ConfigOption<Integer> CAMPAIGN_SKETCH_LG_K = ConfigOptions
            .key("warroom.sketch.campaign-lg-k")
            .intType()
            .defaultValue(16)
            .withDescription("log2 of HLL buckets for campaign and channel uv (the union of the traffic shards' "
                    + "sketches).");

    public static final ConfigOption<Integer> MAX_CHANNELS = ConfigOptions.key("warroom.channels.max")
            .intType()
            .defaultValue(32)
            .withDescription("Distinct channels tracked per campaign shard; further channels count as 'other'.");

    public static final ConfigOption<Integer> TOP_ITEMS = ConfigOptions.key("warroom.metrics.top-items")
            .intType()
            .defaultValue(20)
            .withDescription("Items with the highest gmv watched in metrics, besides those in the campaign file.");

    public static final ConfigOption<Integer> MAX_ITEM_SERIES = ConfigOptions.key("warroom.metrics.max-item-series")
            .intType()
            .defaultValue(200)
            .withDescription("Most items per campaign that ever get metric series (items leaving the top keep "
                    + "theirs); keeps label sets bounded.");

    public static final ConfigOption<StateBackendChoice> STATE_BACKEND = ConfigOptions.key("warroom.state.backend")
            .enumType(StateBackendChoice.class)
            .defaultValue(StateBackendChoice.HASHMAP)
            .withDescription("Where keyed state lives: HASHMAP (the heap) or ROCKSDB (local disk, incremental "
                    + "checkpoints); the job sets it whatever the cluster's default.");

    private MonitorOptions() {}

    public static MonitorSettings settings(Configuration config) {
        return new MonitorSettings(
                config.get(OUT_OF_ORDERNESS).toMillis(),
                config.get(IDLE_TIMEOUT).toMillis(),
                config.get(WALL_CLOCK_WATERMARK),
                config.get(STATS_INTERVAL).toMillis(),
                config.get(ITEM_STATS_WHILE_RUNNING),
                config.get(CAMPAIGN_STATS_INTERVAL).toMillis(),
                config.get(FLUSH_INTERVAL).toMillis(),
                config.get(RETENTION).toMillis(),
                config.get(TRAFFIC_SHARDS),
                config.get(AUDIENCE_SHARDS),
                config.get(ITEM_SKETCH_LG_K),
                config.get(SHARD_SKETCH_LG_K),
                config.get(CAMPAIGN_SKETCH_LG_K),
                config.get(MAX_CHANNELS),
                config.get(TOP_ITEMS),
                config.get(MAX_ITEM_SERIES),
                config.get(STATE_BACKEND));
    }
}
