package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.testkit.Await;
import io.warroom.testkit.CapturedLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.JobInfoImpl;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.internal.BackchannelFactory;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.flink.connector.kafka.sink.internal.ReadableBackchannel;
import org.apache.flink.connector.kafka.sink.internal.TransactionFinished;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkCommitterMetricGroup;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committer of {@link RestoreAwareKafkaSink} over a real broker, given a transaction in each state a restore can
 * find it in. Each transaction is written by the connector's own producer, as the sink's writer writes it, and handed
 * to a committer restored from checkpoint 7 as Flink hands it a committable recovered from that checkpoint (no producer
 * attached). A transaction committed before the restore is recognized; one aborted by its producer or by the broker's
 * timeout is still reported by the connector as an ERROR, because its output is lost; one still open is committed.
 *
 * <p>This also pins what {@link RestoreAwareKafkaCommitter} takes from the connector's internals: the committer
 * {@link KafkaSink} creates for exactly-once delivery, {@link KafkaCommittable}'s fields, and the backchannel through
 * which the writer learns that a transaction is finished.
 */
class RestoreAwareKafkaCommitterIT {
    private static final long RESTORED_CHECKPOINT = 7;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static KafkaClusterTestKit kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = LiveKafka.startBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void aTransactionCommittedBeforeTheRestoreIsRecognizedAndNotCommittedAgain() throws Exception {
        Written written = write(Map.of(), FlinkKafkaInternalProducer::commitTransaction);
        TransactionDescription before = describe(written.transactionalId());
        assertThat(before.state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(before.producerEpoch()).as("protocol v2 bumped the epoch at the commit")
                .isEqualTo(written.committable().getEpoch() + 1);

        Outcome outcome = commitAfterRestore(written);

        assertThat(outcome.request().signal).isEqualTo("already committed");
        assertThat(outcome.log().lines(Level.INFO)).singleElement().asString()
                .contains("Transaction " + written.transactionalId() + " of checkpoint " + RESTORED_CHECKPOINT
                        + " was already committed before the restore");
        assertThat(outcome.log().lines(Level.ERROR)).isEmpty();
        assertThat(outcome.finished()).as("what the writer hears")
                .containsExactly(TransactionFinished.successful(written.transactionalId()));
        assertThat(describe(written.transactionalId())).as("the broker's state, untouched").isEqualTo(before);
        assertThat(readCommitted(written.topic())).containsExactly("record of " + written.transactionalId());
    }

    @Test
    void aTransactionAbortedBeforeTheRestoreIsStillReportedAsLoss() throws Exception {
        Written written = write(Map.of(), FlinkKafkaInternalProducer::abortTransaction);
        assertThat(describe(written.transactionalId()).state()).isEqualTo(TransactionState.COMPLETE_ABORT);

        Outcome outcome = commitAfterRestore(written);

        assertLossReported(written, outcome);
    }

    @Test
    void aTransactionTheBrokerTimedOutIsStillReportedAsLoss() throws Exception {
        // The producer dies with its transaction open; the broker aborts it once its timeout has passed.
        Written written = write(Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "1000"), producer -> {});
        assertThat(Await.until(Duration.ofSeconds(60),
                () -> describe(written.transactionalId()).state() == TransactionState.COMPLETE_ABORT))
                .as("the broker aborted the expired transaction").isTrue();

        Outcome outcome = commitAfterRestore(written);

        assertLossReported(written, outcome);
    }

    @Test
    void aTransactionStillOpenAtTheRestoreIsCommitted() throws Exception {
        // Killed after the checkpoint completed, before its transactions were committed.
        Written written = write(Map.of(), producer -> {});
        assertThat(describe(written.transactionalId()).state()).isEqualTo(TransactionState.ONGOING);

        Outcome outcome = commitAfterRestore(written);

        assertThat(outcome.request().signal).as("committed by the connector").isNull();
        assertThat(outcome.log().lines(Level.INFO)).isEmpty();
        assertThat(outcome.log().lines(Level.ERROR)).isEmpty();
        assertThat(outcome.finished()).containsExactly(TransactionFinished.successful(written.transactionalId()));
        assertThat(readCommitted(written.topic())).containsExactly("record of " + written.transactionalId());
    }

    /** The connector's own report of a transaction it cannot commit; nothing claims it was committed. */
    private static void assertLossReported(Written written, Outcome outcome) throws Exception {
        assertThat(outcome.request().signal).isEqualTo("failed");
        assertThat(outcome.log().lines(Level.INFO)).as("no claim that it was committed").isEmpty();
        assertThat(outcome.log().lines(Level.ERROR)).singleElement().asString()
                .contains(KafkaCommitter.class.getName())
                .contains(written.transactionalId())
                .contains("data loss");
        assertThat(outcome.finished()).containsExactly(TransactionFinished.erroneously(written.transactionalId()));
        assertThat(readCommitted(written.topic())).as("its record, never visible").isEmpty();
    }

    /** One transaction with one record, written as the sink's writer writes it and ended by {@code ending}. */
    private static Written write(Map<String, String> settings,
            Consumer<FlinkKafkaInternalProducer<byte[], byte[]>> ending) throws Exception {
        int n = NAMES.incrementAndGet();
        String topic = "restore-check-" + n;
        String prefix = "restore-check-" + n;
        String transactionalId = prefix + "-0-" + RESTORED_CHECKPOINT;
        try (Admin admin = Admin.create(clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties config = clientConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.putAll(settings);
        FlinkKafkaInternalProducer<byte[], byte[]> producer = new FlinkKafkaInternalProducer<>(config, transactionalId);
        try {
            producer.initTransactions();
            producer.beginTransaction();
            byte[] value = ("record of " + transactionalId).getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, value));
            producer.flush();
            // What the checkpoint records; restored, it comes without the producer.
            KafkaCommittable recorded = new KafkaCommittable(
                    producer.getProducerId(), producer.getEpoch(), transactionalId, null);
            ending.accept(producer);
            return new Written(topic, prefix, transactionalId, recorded);
        } finally {
            // Closed at once: a producer that dies leaves its transaction as it is.
            producer.close();
        }
    }

    /** Hands the recorded transaction to the committer of a job restored from checkpoint 7. */
    private static Outcome commitAfterRestore(Written written) throws Exception {
        Properties sinkConfig = clientConfig();
        // As `run` configures it (--transaction-timeout 10min): the connector's own default, an hour, is more than a
        // broker allows by default (15 min), and a producer the committer has to initialise is then refused.
        sinkConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));
        KafkaSink<String> kafkaSink = KafkaSink.<String>builder()
                .setKafkaProducerConfig(sinkConfig)
                .setRecordSerializer(KafkaRecordSerializationSchema.<String>builder()
                        .setTopic(written.topic())
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(written.prefix())
                .build();
        RestoreAwareKafkaSink<String> sink = new RestoreAwareKafkaSink<>(kafkaSink, clientConfig());
        RecordedRequest request = new RecordedRequest(written.committable());
        CapturedLog log = CapturedLog.of(RestoreAwareKafkaCommitter.class, KafkaCommitter.class);
        try (log; ReadableBackchannel<TransactionFinished> writerSide =
                BackchannelFactory.getInstance().getReadableBackchannel(0, 0, written.prefix())) {
            Committer<KafkaCommittable> created = sink.createCommitter(new RestoredContext());
            assertThat(created).as("the committer for exactly-once delivery")
                    .isInstanceOf(RestoreAwareKafkaCommitter.class);
            try (RestoreAwareKafkaCommitter committer = (RestoreAwareKafkaCommitter) created) {
                committer.commit(List.of(request));
            }
            List<TransactionFinished> finished = new ArrayList<>();
            for (TransactionFinished message = writerSide.poll(); message != null; message = writerSide.poll()) {
                finished.add(message);
            }
            return new Outcome(request, log, finished);
        }
    }

    private static TransactionDescription describe(String transactionalId) {
        try (Admin admin = Admin.create(clientConfig())) {
            return admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a downstream {@code read_committed} consumer sees in the topic. */
    private static List<String> readCommitted(String topic) {
        Properties config = clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // The end offset of read_committed is the last stable offset: every transaction before it has ended.
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    private static Properties clientConfig() {
        Properties config = new Properties();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return config;
    }

    private record Written(String topic, String prefix, String transactionalId, KafkaCommittable committable) {}

    private record Outcome(RecordedRequest request, CapturedLog log, List<TransactionFinished> finished) {}

    /** Flink's view of a commit request: which signal the committer gave, if any. */
    private static final class RecordedRequest implements CommitRequest<KafkaCommittable> {
        private final KafkaCommittable committable;
        String signal;

        RecordedRequest(KafkaCommittable committable) {
            this.committable = committable;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            signal = "failed";
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            signal = "failed with unknown reason";
        }

        @Override
        public void retryLater() {
            signal = "retry later";
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            signal = "retry later";
        }

        @Override
        public void signalAlreadyCommitted() {
            signal = "already committed";
        }

        @Override
        public String toString() {
            // The connector logs requests by this, as Flink's own requests show their committable.
            return "RecordedRequest{" + committable + "}";
        }
    }

    /** A committer's start in subtask 0 of a job restored from checkpoint 7. */
    private static final class RestoredContext implements CommitterInitContext {
        @Override
        public SinkCommitterMetricGroup metricGroup() {
            return InternalSinkCommitterMetricGroup.wrap(UnregisteredMetricsGroup.createOperatorMetricGroup());
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return OptionalLong.of(RESTORED_CHECKPOINT);
        }

        @Override
        public JobInfo getJobInfo() {
            return new JobInfoImpl(new JobID(), "restore check");
        }

        @Override
        public TaskInfo getTaskInfo() {
            return new TaskInfoImpl("committer", 1, 0, 1, 0);
        }
    }
}
