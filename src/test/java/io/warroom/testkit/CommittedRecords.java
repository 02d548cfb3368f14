package io.warroom.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a downstream consumer sees of some output topics: {@code read_committed}, every partition from offset 0, in
 * partition order. Records of one key share a partition, so their order here is the order they were committed in.
 * It keeps reading through a broker restart (the consumer reconnects by itself).
 */
public final class CommittedRecords implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One committed record; {@code json} is null if the value is not JSON (an output bug, reported as such). */
    public record Committed(String topic, int partition, long offset, String key, String value, JsonNode json) {}

    private final KafkaConsumer<String, String> consumer;
    private final List<Committed> records = new ArrayList<>();
    private final Consumer<Committed> onRead;

    public CommittedRecords(String bootstrapServers, List<String> topics, int partitions) {
        this(bootstrapServers, topics, partitions, record -> {});
    }

    /** @param onRead sees each record as it is read, in order (a caller that sorts them its own way) */
    public CommittedRecords(String bootstrapServers, List<String> topics, int partitions, Consumer<Committed> onRead) {
        this.onRead = onRead;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
        }
        // Assigned, not subscribed: no group to join, and every partition from its first offset.
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
    }

    /**
     * Reads what has been committed since the last call, waiting at most {@code timeout} for the first of it, and
     * returns it (it is also kept).
     */
    public List<Committed> poll(Duration timeout) {
        List<Committed> read = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
            JsonNode json;
            try {
                json = r.value() == null ? null : JSON.readTree(r.value());
            } catch (IOException e) {
                json = null;
            }
            read.add(new Committed(r.topic(), r.partition(), r.offset(), r.key(), r.value(), json));
        }
        records.addAll(read);
        read.forEach(onRead);
        return read;
    }

    /** Reads until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    public boolean awaitUntil(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            poll(Duration.ofMillis(200));
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
        }
    }

    /** Everything read so far from {@code topic}, in partition order. */
    public List<Committed> of(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
