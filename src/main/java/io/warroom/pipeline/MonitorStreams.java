package io.warroom.pipeline;

import io.warroom.model.AlertEvent;
import io.warroom.model.CampaignStats;
import io.warroom.model.ItemStats;
import io.warroom.model.MonitorOutput;
import io.warroom.model.RejectedRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The monitor's outputs, before any sink. */
public record MonitorStreams(
        DataStream<ItemStats> itemStats,
        DataStream<CampaignStats> campaignStats,
        DataStream<AlertEvent> alerts,
        DataStream<RejectedRecord> rejected) {

    /** Every output in one stream; {@code withRejected} adds the dead-letter records. */
    public DataStream<MonitorOutput> merged(boolean withRejected) {
        DataStream<MonitorOutput> merged = itemStats.map(MonitorOutput::of)
                .returns(MonitorOutput.class)
                .name("Item stats as output")
                .union(campaignStats.map(MonitorOutput::of)
                                .returns(MonitorOutput.class)
                                .name("Campaign stats as output"),
                        alerts.map(MonitorOutput::of).returns(MonitorOutput.class).name("Alerts as output"));
        if (withRejected) {
            merged = merged.union(
                    rejected.map(MonitorOutput::of).returns(MonitorOutput.class).name("Rejects as output"));
        }
        return merged;
    }
}
