package io.warroom.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything the monitor has committed to its three output topics, read as a downstream consumer would:
 * {@code read_committed}, from the beginning, in partition order (so the last record of a key is its latest).
 */
final class CommittedOutput implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> stats = new ArrayList<>();
    final List<JsonNode> alerts = new ArrayList<>();
    final List<JsonNode> rejected = new ArrayList<>();

    private final KafkaTopics topics;
    private final KafkaConsumer<String, String> consumer;

    CommittedOutput(String bootstrapServers, KafkaTopics topics, int partitions) {
        this.topics = topics;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : List.of(topics.stats(), topics.alerts(), topics.rejected())) {
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
        }
        // Assigned rather than subscribed: no group rebalance to wait for, and every partition from offset 0.
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
    }

    /** Polls until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    boolean awaitUntil(Duration timeout, BooleanSupplier condition) {
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

    /**
     * Like {@link #awaitUntil}, but gives up as soon as {@code job} has ended (restarts exhausted), so a broken job
     * fails a test at once instead of after every wait.
     */
    boolean awaitWhileRunning(JobClient job, Duration timeout, BooleanSupplier condition) {
        return awaitUntil(timeout, () -> condition.getAsBoolean() || LiveKafka.jobEnded(job))
                && condition.getAsBoolean();
    }

    /** Keeps reading for a while, so anything committed late (a duplicate, say) is seen too. */
    void pollFor(Duration duration) {
        awaitUntil(duration, () -> false);
    }

    Optional<JsonNode> latestCampaign(String campaignId) {
        return last(campaignRecords(campaignId));
    }

    List<JsonNode> campaignRecords(String campaignId) {
        return stats.stream()
                .filter(n -> n.path("scope").asText().equals("campaign"))
                .filter(n -> n.path("campaign_id").asText().equals(campaignId))
                .toList();
    }

    Optional<JsonNode> latestItem(String campaignId, String itemId) {
        return last(stats.stream()
                .filter(n -> n.path("scope").asText().equals("item"))
                .filter(n -> n.path("campaign_id").asText().equals(campaignId))
                .filter(n -> n.path("item_id").asText().equals(itemId))
                .toList());
    }

    private static Optional<JsonNode> last(List<JsonNode> nodes) {
        return nodes.isEmpty() ? Optional.empty() : Optional.of(nodes.get(nodes.size() - 1));
    }

    private void poll(Duration timeout) {
        for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
            JsonNode value;
            try {
                value = JSON.readTree(record.value());
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("output record is not JSON: " + record.value(), e);
            }
            if (record.topic().equals(topics.stats())) {
                stats.add(value);
            } else if (record.topic().equals(topics.alerts())) {
                alerts.add(value);
            } else {
                rejected.add(value);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
