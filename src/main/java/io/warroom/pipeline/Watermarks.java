package io.warroom.pipeline;

import io.warroom.config.MonitorSettings;
import io.warroom.functions.EventTimeReach;
import io.warroom.model.InputRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/** The watermark strategies of the monitor's inputs, built in one place. */
public final class Watermarks {
    private Watermarks() {}

    /**
     * Live input: bounded out-of-orderness, and quiet partitions marked idle so they do not hold back the rest.
     */
    public static WatermarkStrategy<InputRecord> live(MonitorSettings settings, EventTimeReach reach) {
        Duration bound = Duration.ofMillis(settings.outOfOrdernessMillis());
        Duration idleTimeout = Duration.ofMillis(settings.idleTimeoutMillis());
        // The reach outside the idleness: a partition with nothing but records that may not move time goes idle
        // instead of holding back the job's event time.
        return WatermarkStrategy.<InputRecord>forGenerator(context -> within(reach,
                        new WatermarksWithIdleness<>(new BoundedOutOfOrdernessWatermarks<>(bound), idleTimeout,
                                context.getInputActivityClock())))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime());
    }

    /**
     * Inputs that carry no event time: the control input (updates are looked up by the effective time they carry,
     * not ordered by watermarks) and the fixed inputs opened at start ({@link FixedInputSource}). They are always
     * idle and never hold back the event time of the data they join. Idle, not at the final watermark: an operator
     * leaves its idle inputs out of its watermark, so while every data input is idle (traffic stopped, no wall-clock
     * watermark) an input standing at {@code Long.MAX_VALUE} would carry event time to the end of time, evaluating
     * every pacing checkpoint at once and closing every campaign.
     */
    public static <T> WatermarkStrategy<T> alwaysIdle() {
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T element, long timestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }

    /**
     * Replay input: the same bound, but no idleness: a file that is slow to read because of backpressure must not be
     * overtaken, or its events would turn late and replay would differ from live. Files are not aligned: a file read
     * ahead of the others only makes the order and stock buffers hold more events until the others catch up.
     */
    public static WatermarkStrategy<InputRecord> replay(MonitorSettings settings, EventTimeReach reach) {
        Duration bound = Duration.ofMillis(settings.outOfOrdernessMillis());
        return WatermarkStrategy.<InputRecord>forGenerator(
                        context -> within(reach, new BoundedOutOfOrdernessWatermarks<>(bound)))
                .withTimestampAssigner((record, previous) -> record.eventTime());
    }

    /**
     * {@code generator} fed only the records that may move event time ({@link EventTimeReach}): the others keep
     * their timestamps but leave the watermark where it is.
     */
    static <T> WatermarkGenerator<T> within(EventTimeReach reach, WatermarkGenerator<T> generator) {
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(T record, long timestamp, WatermarkOutput output) {
                if (reach.movesTime(timestamp)) {
                    generator.onEvent(record, timestamp, output);
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                generator.onPeriodicEmit(output);
            }
        };
    }
}
