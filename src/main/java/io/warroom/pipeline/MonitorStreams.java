package io.warroom.pipeline;

import io.warroom.model.AlertEvent;
import io.warroom.model.CampaignStats;
import io.warroom.model.ItemStats;
import io.warroom.model.RejectedRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The monitor's outputs, before any sink. */
public record MonitorStreams(
        DataStream<ItemStats> itemStats,
        DataStream<CampaignStats> campaignStats,
        DataStream<AlertEvent> alerts,
        DataStream<RejectedRecord> rejected) {}
