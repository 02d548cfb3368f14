package io.warroom.pipeline;

import io.warroom.config.MonitorSettings;
import io.warroom.model.InputRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** The watermark strategies of the monitor's inputs, built in one place. */
public final class Watermarks {
    private Watermarks() {}

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
     * Replay input: the same bound, but no idleness: a file that is slow to read because of backpressure must not be
     * overtaken, or its events would turn late and replay would differ from live. Files are not aligned: a file read
     * ahead of the others only makes the order and stock buffers hold more events until the others catch up.
     */
    public static WatermarkStrategy<InputRecord> replay(MonitorSettings settings) {
        return WatermarkStrategy.<InputRecord>forBoundedOutOfOrderness(
                        Duration.ofMillis(settings.outOfOrdernessMillis()))
                .withTimestampAssigner((record, previous) -> record.eventTime());
    }
}
