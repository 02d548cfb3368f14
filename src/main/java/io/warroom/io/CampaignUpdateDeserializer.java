package io.warroom.io;

import io.warroom.model.CampaignUpdate;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the {@code campaign-config} topic as raw updates; validation happens in the pipeline, where an invalid
 * update becomes a dead-letter record. Tombstones (null values) are skipped: campaigns are not deleted by update.
 */
public final class CampaignUpdateDeserializer implements KafkaRecordDeserializationSchema<CampaignUpdate> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<CampaignUpdate> out) {
        if (record.value() == null) {
            return;
        }
        out.collect(new CampaignUpdate(record.topic() + "/" + record.partition() + "@" + record.offset(),
                new String(record.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public TypeInformation<CampaignUpdate> getProducedType() {
        return TypeInformation.of(CampaignUpdate.class);
    }
}
