package io.warroom.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The broker behind {@code warroom demo}: it serves plain and transactional producers, {@code read_committed}
 * consumers and consumer groups, refuses a taken port by name, and leaves no port, file or thread behind. One broker
 * serves the class; the last test closes it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaTest {
    private static final Pattern ANONYMOUS = Pattern.compile("Thread-\\d+");
    private static Set<Thread> threadsBeforeStart;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        threadsBeforeStart = Thread.getAllStackTraces().keySet();
        kafka = EmbeddedKafka.start(0);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aRecordSentIsReadBackByAConsumerGroup() throws Exception {
        kafka.createTopics(List.of("plain"), 2);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>("plain", "sku-1", "{\"pv\":1}")).get(10, TimeUnit.SECONDS);
        }

        assertThat(readAll("plain", "read_uncommitted", 1))
                .containsExactly("sku-1={\"pv\":1}");
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnly() throws Exception {
        kafka.createTopics(List.of("transactional"), 2);
        Properties props = producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
        // What the Flink sink may ask for; the broker's default ceiling (15 min) would refuse it.
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TimeUnit.HOURS.toMillis(1));

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "o1", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "o2", "committed"));
            producer.commitTransaction();
        }

        assertThat(readAll("transactional", "read_committed", 1)).containsExactly("o2=committed");
    }

    @Test
    void creatingTopicsAgainKeepsThem() throws Exception {
        kafka.createTopics(List.of("stats", "alerts"), 3);
        kafka.createTopics(List.of("stats", "alerts", "rejected"), 1);

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> topics = describeOnceKnown(admin, List.of("stats", "alerts", "rejected"));
            assertThat(topics).hasEntrySatisfying("stats", t -> assertThat(t.partitions()).hasSize(3))
                    .hasEntrySatisfying("alerts", t -> assertThat(t.partitions()).hasSize(3))
                    .hasEntrySatisfying("rejected", t -> assertThat(t.partitions()).hasSize(1));
        }
    }

    @Test
    void topicsAreNotCreatedBySendingToThem() {
        Properties props = producerProps();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("typo", "k", "v")).get())
                    .hasMessageContaining("typo");
        }
    }

    @Test
    void aSecondBrokerOnTheSamePortIsRefusedByPort() {
        assertThatThrownBy(() -> EmbeddedKafka.start(kafka.port()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Port " + kafka.port() + " ")
                .hasMessageContaining("already in use");
    }

    @Test
    void aPortHeldByAnotherProgramIsRefusedByPort() throws IOException {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = other.getLocalPort();
            assertThatThrownBy(() -> EmbeddedKafka.start(port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port + " ")
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void closingFreesThePortDeletesTheDataAndStopsTheThreads() throws Exception {
        int port = kafka.port();
        Path directory = kafka.directory();
        assertThat(directory).isDirectory();

        kafka.close();
        kafka.close();

        assertThat(Files.exists(directory)).as("%s deleted", directory).isFalse();
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
        assertThat(threadsStartedSince(threadsBeforeStart)).as("threads left by the broker").isEmpty();
    }

    /**
     * Live threads that were not there before and are the broker's, each with its stack, less the JVM-wide ones
     * Kafka's Yammer metrics library starts once and never stops (one per JVM, not per broker). Kafka names every
     * thread it starts; an anonymous {@code Thread-N} counts only while it runs Kafka code, because earlier test
     * classes in the same JVM can still start such threads on their own (CI once saw one outlive this check).
     */
    private static List<String> threadsStartedSince(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().isAlive() && !before.contains(e.getKey()))
                    .filter(e -> !e.getKey().getName().startsWith("metrics-meter-tick-thread"))
                    .filter(e -> !ANONYMOUS.matcher(e.getKey().getName()).matches() || runsKafka(e.getValue()))
                    .map(e -> e.getKey().getName() + " at " + Arrays.stream(e.getValue()).limit(8).toList())
                    .collect(Collectors.toCollection(ArrayList::new));
            if (!left.isEmpty()) {
                Thread.sleep(100);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        return left;
    }

    private static boolean runsKafka(StackTraceElement[] stack) {
        return Arrays.stream(stack).map(StackTraceElement::getClassName)
                .anyMatch(c -> c.startsWith("kafka.") || c.startsWith("org.apache.kafka."));
    }

    private static List<String> readAll(String topic, String isolation, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-test-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            // Keep polling a little past the expected count, so an extra record (an aborted one) would show.
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(r.key() + "=" + r.value());
                }
                if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                }
            }
        }
        return records;
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    /** A topic just created may take a moment to reach the broker's metadata: ask again until it has. */
    private static Map<String, TopicDescription> describeOnceKnown(Admin admin, List<String> names) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
