package io.warroom.pipeline;

import io.warroom.model.CampaignUpdate;
import io.warroom.model.InputRecord;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where the monitor's input comes from: Kafka topics live, files in replay and tests. Implementations add their
 * sources with the given watermark strategy (so timestamps and watermarks are assigned per split, inside the source)
 * and return one stream per source, each with every record it reads, rejected ones included. The pipeline chains
 * its first step to each source, so records are split by kind before they cross the network.
 */
@FunctionalInterface
public interface MonitorSources {
    List<DataStream<InputRecord>> create(StreamExecutionEnvironment env, WatermarkStrategy<InputRecord> watermarks);

    /**
     * Campaign updates from the control input (the {@code campaign-config} topic), with timestamps and a watermark
     * strategy that never holds back event time ({@link Watermarks#alwaysIdle()}); null when there is none.
     */
    default DataStream<CampaignUpdate> campaignUpdates(StreamExecutionEnvironment env) {
        return null;
    }

    /** Whether the sources end; bounded inputs finish with a final watermark that closes every campaign. */
    default boolean bounded() {
        return true;
    }
}
