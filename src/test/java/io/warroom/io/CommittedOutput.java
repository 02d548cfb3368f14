package io.warroom.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.testkit.CommittedRecords;
import io.warroom.testkit.CommittedRecords.Committed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;

/**
 * Everything the monitor has committed to its three output topics, read as a downstream consumer would:
 * {@code read_committed}, from the beginning, in partition order (so the last record of a key is its latest).
 */
final class CommittedOutput implements AutoCloseable {
    final List<JsonNode> stats = new ArrayList<>();
    final List<JsonNode> alerts = new ArrayList<>();
    final List<JsonNode> rejected = new ArrayList<>();

    private final KafkaTopics topics;
    private final CommittedRecords records;

    CommittedOutput(String bootstrapServers, KafkaTopics topics, int partitions) {
        this.topics = topics;
        this.records = new CommittedRecords(bootstrapServers,
                List.of(topics.stats(), topics.alerts(), topics.rejected()), partitions, this::keep);
    }

    /** Polls until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    boolean awaitUntil(Duration timeout, BooleanSupplier condition) {
        return records.awaitUntil(timeout, condition);
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

    private void keep(Committed record) {
        if (record.json() == null) {
            throw new IllegalStateException("output record is not JSON: " + record.value());
        }
        if (record.topic().equals(topics.stats())) {
            stats.add(record.json());
        } else if (record.topic().equals(topics.alerts())) {
            alerts.add(record.json());
        } else {
            rejected.add(record.json());
        }
    }

    @Override
    public void close() {
        records.close();
    }
}
