package io.warroom.io;

import io.warroom.model.Keys;
import io.warroom.pipeline.MonitorSinks;
import io.warroom.pipeline.MonitorStreams;
import io.warroom.serde.OutputJson;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Live output, exactly once: stats to {@code campaign-stats} (keyed by campaign, or campaign and item, so the topic
 * can be compacted), alerts to {@code campaign-alerts} (keyed by alert id) and rejects to {@code rejected-events}.
 * Records become visible to {@code read_committed} consumers when the checkpoint that covers them completes. On a
 * restore, transactions the broker had already committed are recognized as such ({@link RestoreAwareKafkaSink}).
 */
public final class KafkaOutputs implements MonitorSinks {
    private final String bootstrapServers;
    private final KafkaClientConfig client;
    private final KafkaTopics topics;
    private final String transactionalIdPrefix;
    private final Duration transactionTimeout;

    /**
     * @param transactionTimeout must be below the broker's {@code transaction.max.timeout.ms} (15 min by default)
     *     and well above the checkpoint interval
     */
    public KafkaOutputs(
            String bootstrapServers, KafkaTopics topics, String transactionalIdPrefix, Duration transactionTimeout) {
        this(bootstrapServers, KafkaClientConfig.none(), topics, transactionalIdPrefix, transactionTimeout);
    }

    /** Sinks whose producers get the {@code client} settings (security, connection). */
    public KafkaOutputs(String bootstrapServers, KafkaClientConfig client, KafkaTopics topics,
            String transactionalIdPrefix, Duration transactionTimeout) {
        this.bootstrapServers = bootstrapServers;
        this.client = client;
        this.topics = topics;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.transactionTimeout = transactionTimeout;
    }

    @Override
    public void attach(MonitorStreams streams) {
        DataStream<OutputRecord> stats = streams.itemStats()
                .map(s -> OutputRecord.of(Keys.of(s.campaignId(), s.itemId()), OutputJson.itemRecord(s)))
                .returns(OutputRecord.class)
                .name("Item stats to JSON")
                .uid("item-stats-json")
                .union(streams.campaignStats()
                        .map(s -> OutputRecord.of(s.campaignId(), OutputJson.campaignRecord(s)))
                        .returns(OutputRecord.class)
                        .name("Campaign stats to JSON")
                        .uid("campaign-stats-json"));
        stats.sinkTo(sink(topics.stats(), "stats")).name("Kafka " + topics.stats()).uid("sink-stats");

        streams.alerts()
                .map(a -> OutputRecord.of(a.id(), OutputJson.alert(a)))
                .returns(OutputRecord.class)
                .name("Alerts to JSON")
                .uid("alerts-json")
                .sinkTo(sink(topics.alerts(), "alerts"))
                .name("Kafka " + topics.alerts())
                .uid("sink-alerts");

        streams.rejected()
                .map(r -> OutputRecord.of(null, OutputJson.rejected(r)))
                .returns(OutputRecord.class)
                .name("Rejects to JSON")
                .uid("rejected-json")
                .sinkTo(sink(topics.rejected(), "rejected"))
                .name("Kafka " + topics.rejected())
                .uid("sink-rejected");
    }

    private Sink<OutputRecord> sink(String topic, String purpose) {
        Properties brokers = new Properties();
        brokers.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Properties producer = client.applyTo(brokers);
        KafkaSink<OutputRecord> sink = KafkaSink.<OutputRecord>builder()
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new OutputRecordSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix + "-" + purpose)
                .setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()))
                .setProperty("enable.idempotence", "true")
                .build();
        // A restore re-commits the restored checkpoint's transactions; the plain sink's committer would report each
        // one already committed before the crash as a fenced producer and likely data loss.
        return new RestoreAwareKafkaSink<>(sink, producer);
    }
}
