package io.warroom.io;

import io.warroom.model.CampaignUpdate;
import io.warroom.model.InputRecord;
import io.warroom.pipeline.MonitorSources;
import io.warroom.pipeline.Watermarks;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Live input: one Kafka source over the four input topics, so watermarks are tracked per partition across all of
 * them. Starts from the group's committed offsets (the earliest on first start) and reads only committed records.
 * Campaign updates come from their own compacted topic, read from its beginning on a fresh start (it holds the
 * latest definition of every campaign) and from the checkpointed offset on a restore.
 */
public final class KafkaInputs implements MonitorSources {
    private final String bootstrapServers;
    private final KafkaClientConfig client;
    private final String groupId;
    private final KafkaTopics topics;

    /** Plaintext, unauthenticated clients. */
    public KafkaInputs(String bootstrapServers, String groupId, KafkaTopics topics) {
        this(bootstrapServers, KafkaClientConfig.none(), groupId, topics);
    }

    /** Sources whose consumers (and their admin clients) get the {@code client} settings. */
    public KafkaInputs(String bootstrapServers, KafkaClientConfig client, String groupId, KafkaTopics topics) {
        this.bootstrapServers = bootstrapServers;
        this.client = client;
        this.groupId = groupId;
        this.topics = topics;
    }

    @Override
    public List<DataStream<InputRecord>> create(StreamExecutionEnvironment env,
            WatermarkStrategy<InputRecord> watermarks) {
        KafkaSourceBuilder<InputRecord> builder = KafkaSource.<InputRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setGroupId(groupId)
                .setTopics(new ArrayList<>(topics.inputs().keySet()))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new InputDeserializer(topics.inputs()))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000");
        client.applyTo(builder::setProperty);
        return List.of(env.fromSource(builder.build(), watermarks, "Kafka input").uid("kafka-input"));
    }

    @Override
    public DataStream<CampaignUpdate> campaignUpdates(StreamExecutionEnvironment env) {
        KafkaSourceBuilder<CampaignUpdate> builder = KafkaSource.<CampaignUpdate>builder()
                .setBootstrapServers(bootstrapServers)
                .setGroupId(groupId)
                .setTopics(topics.campaignConfig())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new CampaignUpdateDeserializer())
                .setProperty("isolation.level", "read_committed");
        client.applyTo(builder::setProperty);
        return env.fromSource(builder.build(), Watermarks.alwaysIdle(), "Campaign updates")
                .setParallelism(1)
                .uid("campaign-updates");
    }

    @Override
    public boolean bounded() {
        return false;
    }
}
