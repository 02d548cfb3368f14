package io.warroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows one campaign's stats on the {@code campaign-stats} topic and remembers, for every record, its pv, the
 * Kafka timestamp the monitor's sink gave it (the time it was written, see OutputRecordSerializer) and the time this
 * consumer received it. {@code read_uncommitted} sees a record as soon as the sink writes it; {@code read_committed}
 * only once the checkpoint that covers it completes, which is when a downstream reader of the exactly-once output
 * can see it.
 */
final class StatsFollower implements AutoCloseable {
    /** One campaign stats record: its pv, when it was written and when it was seen here (epoch ms). */
    record Seen(long pv, long writtenAt, long receivedAt) {}

    private final String campaignId;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread thread;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private volatile Exception failure;

    StatsFollower(String brokers, String topic, String campaignId, boolean committedOnly) {
        this.campaignId = campaignId;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "warroom-bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::follow, "warroom-bench-stats-" + (committedOnly ? "committed" : "written"));
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    if (r.key() == null || !campaignId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        continue; // item stats are keyed by campaign and item
                    }
                    JsonNode stats = Json.readTree(r.value());
                    synchronized (seen) {
                        seen.add(new Seen(stats.path("pv").asLong(), r.timestamp(), now));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    /** The highest pv seen so far. */
    long pv() {
        synchronized (seen) {
            return seen.isEmpty() ? 0 : seen.get(seen.size() - 1).pv();
        }
    }

    List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Waits until pv reaches {@code target}; false on timeout. */
    boolean awaitPv(long target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pv() < target) {
            if (failure != null) {
                throw new BenchFailure("reading the stats failed: " + failure);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
