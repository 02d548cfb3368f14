package io.warroom.io;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes already-serialized records to one topic. */
final class OutputRecordSerializer implements KafkaRecordSerializationSchema<OutputRecord> {
    private final String topic;

    OutputRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutputRecord record, KafkaSinkContext context, Long timestamp) {
        // The Flink timestamp is event time: a skewed producer clock could put it past the broker's
        // message.timestamp.after.max.ms and fail the sink, and an old one would expire at once under retention.
        // Event times travel in the JSON; the Kafka timestamp is the time of writing.
        return new ProducerRecord<>(topic, null, null, record.key(), record.value());
    }
}
