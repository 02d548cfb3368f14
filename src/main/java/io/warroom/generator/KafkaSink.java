package io.warroom.generator;

import io.warroom.io.KafkaClientConfig;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records to the four input topics with a plain idempotent producer. Keys are UTF-8 ({@code item_id}, or
 * {@code order_id} for orders), so an item's clicks, carts and stock, and an order's events, stay in one partition
 * in the order they were sent. The first failed send is reported by the next {@link #write} or by {@link #close}.
 */
public final class KafkaSink implements RecordSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<StreamKind, String> topics;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public KafkaSink(String bootstrapServers, Map<StreamKind, String> topics) {
        this(bootstrapServers, KafkaClientConfig.none(), topics);
    }

    /** A sink whose producer gets the {@code client} settings (security, connection). */
    public KafkaSink(String bootstrapServers, KafkaClientConfig client, Map<StreamKind, String> topics) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "warroom-generate");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        client.applyTo(props);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = new EnumMap<>(topics);
        for (StreamKind stream : StreamKind.values()) {
            if (!this.topics.containsKey(stream)) {
                throw new IllegalArgumentException("no topic for " + stream.defaultName());
            }
        }
    }

    @Override
    public void write(StreamKind stream, String key, byte[] value) throws IOException {
        throwIfFailed();
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(topics.get(stream), keyBytes, value), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        } catch (KafkaException e) {
            // A send refused before it is queued (authentication failed, say) is as much a failed output.
            throw new IOException("sending to Kafka failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            producer.flush();
        } finally {
            producer.close();
        }
        throwIfFailed();
    }

    private void throwIfFailed() throws IOException {
        Exception e = failure.get();
        if (e != null) {
            throw new IOException("sending to Kafka failed: " + e.getMessage(), e);
        }
    }
}
