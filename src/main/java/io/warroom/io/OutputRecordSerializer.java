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
        return new ProducerRecord<>(topic, null, timestamp, record.key(), record.value());
    }
}
