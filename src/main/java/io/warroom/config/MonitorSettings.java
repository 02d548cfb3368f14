package io.warroom.config;

import java.io.Serializable;
import org.apache.flink.configuration.Configuration;

/** Resolved {@link MonitorOptions}, in milliseconds where they are durations; carried by operators. */
public record MonitorSettings(
        long outOfOrdernessMillis,
        long idleTimeoutMillis,
        boolean wallClockWatermark,
        long statsIntervalMillis,
        boolean itemStatsWhileRunning,
        long campaignStatsIntervalMillis,
        long flushIntervalMillis,
        long retentionMillis,
        int trafficShards,
        int audienceShards,
        int itemSketchLgK,
        int shardSketchLgK,
        int campaignSketchLgK,
        int maxChannels,
        int topItems,
        int maxItemSeries,
        StateBackendChoice stateBackend)
        implements Serializable {

    public MonitorSettings {
        if (audienceShards < 1 || audienceShards > 4096 || trafficShards < 1 || trafficShards > 4096) {
            throw new IllegalArgumentException("audience and traffic shards must be 1..4096");
        }
        if (Math.min(itemSketchLgK, Math.min(shardSketchLgK, campaignSketchLgK)) < 4
                || Math.max(itemSketchLgK, Math.max(shardSketchLgK, campaignSketchLgK)) > 21) {
            throw new IllegalArgumentException("sketch lg-k must be 4..21");
        }
    }

    /** When the state of a campaign ending at {@code end} is released: late events count until then. */
    public long releaseTime(long end) {
        return end + retentionMillis;
    }

    /**
     * The watermark published with a campaign's or item's stats: event time, held within
     * {@code [start - 1, end + retention]}. Before the first watermark nothing before {@code start} can count, and
     * after the release nothing more can; so a consumer never sees the beginning or the end of time.
     */
    public long publishedWatermark(long eventTime, long start, long end) {
        return Math.max(start - 1, Math.min(eventTime, releaseTime(end)));
    }

    public static MonitorSettings defaults() {
        return MonitorOptions.settings(new Configuration());
    }
}
