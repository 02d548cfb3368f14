package io.warroom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.MonitorSettings;
import io.warroom.functions.EventTimeReach;
import io.warroom.model.InputRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/** The inputs' watermarks leave out the records that may not move event time (docs/metrics.md). */
class WatermarksTest {
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();
    private static final long OOO = SETTINGS.outOfOrdernessMillis();
    private static final long T0 = 1_794_326_400_000L;
    private static final long YEARS_AHEAD = 9_999_999_999_999L;

    private final ManualClock activity = new ManualClock();
    private final Output output = new Output();

    @Test
    void aReplayWatermarkIgnoresARecordAfterTheLastRelease() {
        WatermarkGenerator<InputRecord> generator =
                generator(Watermarks.replay(SETTINGS, EventTimeReach.replay(T0 + 3_600_000)));

        generator.onEvent(null, T0, output);
        generator.onEvent(null, YEARS_AHEAD, output);
        generator.onEvent(null, T0 + 1_000, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(T0 + 1_000 - OOO - 1);
    }

    @Test
    void aLiveWatermarkIgnoresARecordFromTheFutureAndAPartitionOfNothingElseGoesIdle() {
        long now = System.currentTimeMillis();
        WatermarkGenerator<InputRecord> generator =
                generator(Watermarks.live(SETTINGS, EventTimeReach.live(true)));

        generator.onEvent(null, now - 1_000, output);
        generator.onEvent(null, YEARS_AHEAD, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(now - 1_000 - OOO - 1);

        for (int i = 0; i < 3; i++) {
            generator.onEvent(null, YEARS_AHEAD, output);
            activity.advanceTime(Duration.ofMillis(SETTINGS.idleTimeoutMillis()));
            generator.onPeriodicEmit(output);
        }
        assertThat(output.idle).isTrue();
    }

    private WatermarkGenerator<InputRecord> generator(WatermarkStrategy<InputRecord> strategy) {
        return strategy.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return activity;
            }
        });
    }

    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
