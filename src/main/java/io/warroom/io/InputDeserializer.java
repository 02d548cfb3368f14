package io.warroom.io;

import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Parses Kafka records of the four input topics; never throws, bad records become rejected records. */
public final class InputDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {
    private final Map<String, StreamKind> streamByTopic;

    public InputDeserializer(Map<String, StreamKind> streamByTopic) {
        this.streamByTopic = Map.copyOf(streamByTopic);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
        StreamKind stream = streamByTopic.get(record.topic());
        InputRecord parsed = EventParser.parse(stream, record.value(), null);
        out.collect(parsed.rejected() == null ? parsed : InputRecord.of(
                parsed.rejected().at(record.topic() + "/" + record.partition() + "@" + record.offset())));
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
