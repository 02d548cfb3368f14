package io.warroom.cli;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorOptions;
import io.warroom.config.StateBackendChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the monitor. */
final class MonitorFlags {
    @Option(names = "--campaign", required = true, paramLabel = "FILE_OR_DIR", split = ",",
            description = "Campaign file(s) or folder(s) of .yaml files; repeat or separate with commas.")
    List<Path> campaigns;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "Parallelism of the pipeline (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--out-of-orderness", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How late, in event time, an event may arrive and still be applied in order "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "1s",
            converter = DurationConverter.class,
            description = "How often changed item stats are emitted (default: ${DEFAULT-VALUE}).")
    Duration statsInterval;

    @Option(names = "--campaign-stats-interval", paramLabel = "DURATION", defaultValue = "250ms",
            converter = DurationConverter.class,
            description = "How often changed campaign stats are emitted (default: ${DEFAULT-VALUE}).")
    Duration campaignStatsInterval;

    @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "1h",
            converter = DurationConverter.class,
            description = "How long after a campaign ends (in event time) late events still count "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration retention;

    @Option(names = "--audience-shards", paramLabel = "N", defaultValue = "64",
            description = "Shards per campaign for buyers and order totals; keep it fixed across restarts "
                    + "(default: ${DEFAULT-VALUE}).")
    int audienceShards;

    @Option(names = "--traffic-shards", paramLabel = "N", defaultValue = "8",
            description = "Shards that deduplicate and pre-aggregate clicks and carts; keep it fixed across "
                    + "restarts, and a multiple of the parallelism (default: ${DEFAULT-VALUE}).")
    int trafficShards;

    @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb|forst", defaultValue = "hashmap",
            converter = StateBackendConverter.class,
            description = "Where the job keeps its state: hashmap (the heap), rocksdb or forst (local disk, for state "
                    + "larger than memory; incremental checkpoints) (default: ${DEFAULT-VALUE}).")
    StateBackendChoice stateBackend;

    @Option(names = "--top-items", paramLabel = "N", defaultValue = "20",
            description = "Items with the highest gmv that get their own metrics, besides those listed in the "
                    + "campaign file (default: ${DEFAULT-VALUE}).")
    int topItems;

    /** The campaign files, then the given update files (for a replay that rehearses changes made mid-sale). */
    CampaignTimeline loadTimeline(List<Path> updateFiles) throws CampaignConfigException {
        return CampaignLoader.loadTimeline(campaigns, updateFiles);
    }

    CampaignCatalog loadCampaigns() throws CampaignConfigException {
        return CampaignLoader.load(campaigns);
    }

    Configuration configuration() {
        Configuration config = new Configuration();
        config.set(MonitorOptions.OUT_OF_ORDERNESS, outOfOrderness);
        config.set(MonitorOptions.STATS_INTERVAL, statsInterval);
        config.set(MonitorOptions.CAMPAIGN_STATS_INTERVAL, campaignStatsInterval);
        config.set(MonitorOptions.RETENTION, retention);
        config.set(MonitorOptions.AUDIENCE_SHARDS, audienceShards);
        config.set(MonitorOptions.TRAFFIC_SHARDS, trafficShards);
        config.set(MonitorOptions.TOP_ITEMS, topItems);
        config.set(MonitorOptions.STATE_BACKEND, stateBackend);
        return config;
    }
}
