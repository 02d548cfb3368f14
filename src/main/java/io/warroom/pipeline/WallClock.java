package io.warroom.pipeline;

import io.warroom.model.InputRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Keeps live event time moving when traffic stops. Quiet Kafka partitions are marked idle and stop holding event
 * time back; once all of them are idle, nothing else would move it, so pacing checkpoints and buffered stock changes
 * would wait for the next event. This source ticks once a second with the wall clock minus the out-of-orderness
 * bound. Live events are never older than that bound relative to the wall clock, so the tick never holds them
 * back; when every input is idle, it alone drives event time, at most the bound (plus a second) behind the clock.
 */
final class WallClock {
    private WallClock() {}

    /** An input stream without records whose watermark follows the wall clock. */
    static DataStream<InputRecord> ticks(StreamExecutionEnvironment env, Duration lag) {
        long lagMillis = lag.toMillis();
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                index -> System.currentTimeMillis() - lagMillis, Long.MAX_VALUE, RateLimiterStrategy.perSecond(1),
                TypeInformation.of(Long.class));
        WatermarkStrategy<Long> strategy = WatermarkStrategy.<Long>forMonotonousTimestamps()
                .withTimestampAssigner((tick, previous) -> tick);
        return env.fromSource(source, strategy, "Wall clock")
                .uid("wall-clock")
                .setParallelism(1)
                .flatMap((Long tick, Collector<InputRecord> out) -> {
                    // Only the watermark travels on.
                })
                .returns(InputRecord.class)
                .name("Wall clock watermark")
                .uid("wall-clock-watermark")
                .setParallelism(1);
    }
}
