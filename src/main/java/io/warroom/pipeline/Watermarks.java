package io.warroom.pipeline;

import io.warroom.config.MonitorSettings;
import io.warroom.model.InputRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;

/** The watermark strategies of the monitor's inputs, built in one place. */
public final class Watermarks {
    /** Replay inputs read at different speeds; alignment keeps the fastest within this much event time. */
    public static final Duration REPLAY_MAX_DRIFT = Duration.ofMinutes(1);

    private Watermarks() {}

    /** TaskManager settings a replay needs: see {@link #replay}. */
    public static Configuration replayClusterConfiguration() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.ALLOW_UNALIGNED_SOURCE_SPLITS, true);
        return config;
    }

    /**
     * Live input: bounded out-of-orderness, and quiet partitions marked idle so they do not hold back the rest.
     */
    public static WatermarkStrategy<InputRecord> live(MonitorSettings settings) {
        return WatermarkStrategy.<InputRecord>forBoundedOutOfOrderness(
                        Duration.ofMillis(settings.outOfOrdernessMillis()))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime())
                .withIdleness(Duration.ofMillis(settings.idleTimeoutMillis()));
    }

    /**
     * Replay input: the same bound, but no idleness (a file that is slow to read because of backpressure must not be
     * overtaken, or its events would turn late and replay would differ from live), and the files aligned so that
     * none runs far ahead and fills the operators' event-time buffers. File readers cannot pause single splits, so
     * the cluster running a replay needs {@link #replayClusterConfiguration()} (alignment then pauses a whole reader,
     * which holds one file).
     */
    public static WatermarkStrategy<InputRecord> replay(MonitorSettings settings) {
        return WatermarkStrategy.<InputRecord>forBoundedOutOfOrderness(
                        Duration.ofMillis(settings.outOfOrdernessMillis()))
                .withTimestampAssigner((record, previous) -> record.eventTime())
                .withWatermarkAlignment("replay-inputs", REPLAY_MAX_DRIFT, Duration.ofMillis(200));
    }
}
