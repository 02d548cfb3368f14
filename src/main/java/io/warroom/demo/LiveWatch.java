package io.warroom.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.io.KafkaClientConfig;
import io.warroom.io.KafkaTopics;
import io.warroom.serde.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Feeds a {@link LiveView} from the monitor's committed output topics and redraws it on a {@link LiveScreen} every
 * {@code refresh}, for as long as {@code keepGoing} says. Used by the demo and by {@code warroom watch}.
 */
public final class LiveWatch implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> results;
    private final KafkaTopics topics;
    private final LiveView view;
    private final LiveScreen screen;

    /**
     * @param fromStart read the topics from their beginning (a watch joining a running sale), or only what comes
     *     next (the demo, which starts the sale itself)
     */
    public LiveWatch(String bootstrapServers, KafkaClientConfig kafka, KafkaTopics topics, boolean fromStart,
            LiveView view, LiveScreen screen) {
        this.results = consumer(bootstrapServers, kafka, topics, fromStart);
        this.topics = topics;
        this.view = view;
        this.screen = screen;
    }

    /** Polls and redraws until {@code keepGoing} turns false. */
    public void run(Duration refresh, BooleanSupplier keepGoing) {
        long nextDraw = System.nanoTime();
        while (keepGoing.getAsBoolean()) {
            for (ConsumerRecord<byte[], byte[]> record : results.poll(Duration.ofMillis(200))) {
                JsonNode value = readable(record);
                if (value == null) {
                    continue; // not the monitor's JSON (a tombstone, something else written there): nothing to show
                }
                if (record.topic().equals(topics.alerts())) {
                    screen.change(view.acceptAlert(value));
                } else {
                    view.acceptStats(value);
                }
            }
            if (System.nanoTime() >= nextDraw) {
                screen.show(view, System.currentTimeMillis());
                nextDraw = System.nanoTime() + refresh.toNanos();
            }
        }
    }

    private static JsonNode readable(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            JsonNode value = Json.readTree(record.value());
            return value.isObject() ? value : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        results.close();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, KafkaClientConfig kafka,
            KafkaTopics topics, boolean fromStart) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "warroom-view-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromStart ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        kafka.applyTo(props);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topics.stats(), topics.alerts()));
        return consumer;
    }
}
