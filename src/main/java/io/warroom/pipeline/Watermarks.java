package io.warroom.pipeline;

import io.warroom.config.MonitorSettings;
import io.warroom.functions.EventTimeReach;
import io.warroom.model.InputRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** The watermark strategies of the monitor's inputs, built in one place. */
public final class Watermarks {
    private Watermarks() {}

    /**
     * Live input: bounded out-of-orderness, and quiet partitions marked idle so they do not hold back the rest.
     */
    public static WatermarkStrategy<InputRecord> live(MonitorSettings settings, EventTimeReach reach) {
        return boundedOutOfOrderness(settings, reach)
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime())
                .withIdleness(Duration.ofMillis(settings.idleTimeoutMillis()));
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
        return boundedOutOfOrderness(settings, reach)
                .withTimestampAssigner((record, previous) -> record.eventTime());
    }

    /**
     * Flink's bounded out-of-orderness, fed only the records that may move event time ({@link EventTimeReach}):
     * the others keep their timestamps but leave the watermark where it is.
     */
    private static WatermarkStrategy<InputRecord> boundedOutOfOrderness(MonitorSettings settings,
            EventTimeReach reach) {
        Duration bound = Duration.ofMillis(settings.outOfOrdernessMillis());
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<>() {
            private final WatermarkGenerator<InputRecord> bounded = new BoundedOutOfOrdernessWatermarks<>(bound);

            @Override
            public void onEvent(InputRecord record, long timestamp, WatermarkOutput output) {
                if (reach.movesTime(timestamp)) {
                    bounded.onEvent(record, timestamp, output);
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                bounded.onPeriodicEmit(output);
            }
        });
    }
}
