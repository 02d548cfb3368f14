package io.warroom.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.config.DeadLetterPolicy;
import io.warroom.config.MonitorOptions;
import io.warroom.config.StateBackendChoice;
import io.warroom.serde.Json;
import io.warroom.pipeline.MonitorPipeline;
import io.warroom.testkit.FailingSources;
import io.warroom.testkit.SingleNodeKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * What the Kafka end-to-end tests share: an in-process KRaft broker from Kafka's test kit, topics created up front
 * as in production, plain producers and readers, and the live job wired as {@code warroom run} wires it (Kafka in,
 * Kafka out, exactly-once checkpoints) with an {@link io.warroom.testkit.InjectedFailure} behind the Kafka source.
 */
final class LiveKafka {
    /** The key the monitor hashes dead letters' user ids under, so that tests can compute the hashes themselves. */
    static final byte[] DEAD_LETTER_KEY = "live kafka tests' dead-letter key".getBytes(StandardCharsets.US_ASCII);

    private LiveKafka() {}

    static KafkaClusterTestKit startBroker() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit cluster = SingleNodeKafka.configure(new KafkaClusterTestKit.Builder(nodes)).build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /**
     * The input and output topics with {@code partitions} partitions each, and the compacted campaign-config; returns
     * once every partition's leader serves requests.
     */
    static void createTopics(String bootstrapServers, KafkaTopics names, int partitions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : List.of(names.clicks(), names.carts(), names.orders(), names.inventory(),
                    names.stats(), names.alerts(), names.rejected())) {
                topics.add(new NewTopic(topic, partitions, (short) 1));
            }
            topics.add(new NewTopic(names.campaignConfig(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            // Sends racing the new partitions' leader election can have a first batch refused (NOT_LEADER_OR_FOLLOWER)
            // and a later one appended; the idempotent producer then retries the first with an out-of-order sequence
            // until it times out. Listing offsets retries until each partition's leader answers.
            Map<TopicPartition, OffsetSpec> partitionsToAsk = new HashMap<>();
            for (NewTopic topic : topics) {
                for (int p = 0; p < topic.numPartitions(); p++) {
                    partitionsToAsk.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
                }
            }
            awaitLeaders(admin, partitionsToAsk, Duration.ofSeconds(60));
        }
    }

    /**
     * Lists the partitions' latest offsets until every leader answers. A topic just created may still be unknown to
     * the broker's metadata cache, and the admin client does not retry that ({@code UnknownTopicOrPartitionException}).
     */
    private static void awaitLeaders(Admin admin, Map<TopicPartition, OffsetSpec> partitions, Duration patience)
            throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(patience.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    static KafkaProducer<String, String> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Sends records in order and returns once every one is acknowledged. */
    static void send(KafkaProducer<String, String> producer, List<ProducerRecord<String, String>> records)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ProducerRecord<String, String> record : records) {
            sent.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> future : sent) {
            future.get();
        }
    }

    /** Every record of one partition as it is now, from offset 0 to its end. */
    static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic, int partition) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        TopicPartition tp = new TopicPartition(topic, partition);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The next offset of one partition: how many records it has ever been given. */
    static long endOffset(String bootstrapServers, String topic, int partition) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    /**
     * Starts the monitor over Kafka as {@code RunCommand} wires it, with the failure injected behind the Kafka source
     * and a restart strategy that lets the job come back from it.
     *
     * @param idleTimeout after how long a quiet input partition is marked idle; null for the default
     */
    static JobClient startMonitor(MiniCluster flink, int parallelism, Duration checkpointInterval,
            Duration idleTimeout, String campaignFile, String campaignYaml, String bootstrapServers,
            KafkaTopics topics, String groupId) throws Exception {
        return startMonitor(flink, parallelism, checkpointInterval, idleTimeout, StateBackendChoice.HASHMAP,
                campaignFile, campaignYaml, bootstrapServers, topics, groupId);
    }

    /** As the other {@code startMonitor}, which keeps state on the heap, with state in {@code backend}. */
    static JobClient startMonitor(MiniCluster flink, int parallelism, Duration checkpointInterval,
            Duration idleTimeout, StateBackendChoice backend, String campaignFile, String campaignYaml,
            String bootstrapServers, KafkaTopics topics, String groupId) throws Exception {
        Configuration config = new Configuration();
        config.set(MonitorOptions.STATE_BACKEND, backend);
        if (idleTimeout != null) {
            config.set(MonitorOptions.IDLE_TIMEOUT, idleTimeout);
        }
        // Tests squeeze many minutes of event time into seconds, so to the wall clock their events are historical:
        // run as `warroom run --no-wall-clock-watermark` would, or an idle pause could push event time past events
        // still to come. The events themselves move event time instead.
        config.set(MonitorOptions.WALL_CLOCK_WATERMARK, false);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        // The extension only offers its environment inside test methods; the scenarios run once per class.
        StreamExecutionEnvironment env = new TestStreamEnvironment(flink, config, parallelism, List.of(), List.of());
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);

        CampaignCatalog campaigns = new CampaignCatalog(List.of(
                CampaignLoader.parse(campaignFile, campaignYaml.getBytes(StandardCharsets.UTF_8))));
        new MonitorPipeline(campaigns, MonitorOptions.settings(config))
                .deadLetters(DeadLetterPolicy.redacting(DEAD_LETTER_KEY, "the test key"))
                .assemble(env,
                new FailingSources(new KafkaInputs(bootstrapServers, groupId, topics)),
                new KafkaOutputs(bootstrapServers, topics, groupId, Duration.ofMinutes(1)));
        return env.executeAsync(groupId);
    }

    /** Whether the job has ended for good (restarts exhausted, cancelled), or cannot be asked any more. */
    static boolean jobEnded(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (Exception e) {
            return true;
        }
    }

    /** Ends a test class's run: cancels the job, then closes the output reader and the broker (each may be null). */
    static void stop(JobClient job, CommittedOutput output, KafkaClusterTestKit kafka) throws Exception {
        try {
            if (job != null) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } finally {
            if (output != null) {
                output.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** The item the {@link #ticks} are about: nobody buys it. */
    static final String TICK_ITEM = "sku-tick";

    /**
     * A record at {@code ts} on every partition of every input topic, so each one's watermark moves there: an
     * order only created, a click, a cart and a stock snapshot of an item nobody buys. They sell nothing and are
     * far too few for an early warning.
     */
    static List<ProducerRecord<String, String>> ticks(KafkaTopics topics, int partitions, String name, long ts) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            String id = "tick-" + name + "-" + p;
            records.add(new ProducerRecord<>(topics.orders(), p, id, order(id, ts, "created", TICK_ITEM, "1.00")));
            ObjectNode click = Json.object().put("event_id", id).put("ts", ts).put("user_id", "u-tick")
                    .put("item_id", TICK_ITEM);
            records.add(new ProducerRecord<>(topics.clicks(), p, id, Json.toString(click)));
            records.add(new ProducerRecord<>(topics.carts(), p, id, Json.toString(click.put("quantity", 1))));
            records.add(new ProducerRecord<>(topics.inventory(), p, TICK_ITEM, Json.toString(Json.object()
                    .put("ts", ts).put("item_id", TICK_ITEM).put("stock", 1000))));
        }
        return records;
    }

    /** An order event of one line of one unit, its user named after the order. */
    static String order(String orderId, long ts, String status, String itemId, String unitPrice) {
        ObjectNode order = Json.object()
                .put("order_id", orderId)
                .put("ts", ts)
                .put("user_id", "u-" + orderId)
                .put("status", status);
        order.putArray("lines").addObject().put("item_id", itemId).put("quantity", 1).put("unit_price", unitPrice);
        return Json.toString(order);
    }
}
