package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.MonitorOptions;
import io.warroom.embedded.EmbeddedFlinkListeners;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaInputs;
import io.warroom.io.KafkaOutputs;
import io.warroom.io.KafkaTopics;
import io.warroom.pipeline.MonitorPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The live monitor as {@code warroom run} builds it (Kafka in, Kafka out, exactly once, checkpoints), on an embedded
 * Flink in this JVM, over a fresh set of topics named after the run, so runs never see each other's records or
 * transactions.
 */
final class LiveJob implements AutoCloseable {
    private static final int PARTITIONS = 2;

    private final JobClient job;
    private final KafkaTopics topics;

    private LiveJob(JobClient job, KafkaTopics topics) {
        this.job = job;
        this.topics = topics;
    }

    /** The topics of a run named {@code name}, created on the broker. */
    static KafkaTopics createTopics(String brokers, String name) {
        KafkaTopics topics = new KafkaTopics(name + "-clicks", name + "-carts", name + "-orders",
                name + "-inventory", name + "-stats", name + "-alerts", name + "-rejected", name + "-config");
        KafkaAdmin.createTopics(brokers, List.of(topics.clicks(), topics.carts(), topics.orders(),
                topics.inventory(), topics.stats(), topics.alerts(), topics.rejected()), PARTITIONS);
        KafkaAdmin.createCampaignConfigTopic(brokers, topics.campaignConfig());
        awaitLeaders(brokers, List.of(topics.clicks(), topics.carts(), topics.orders(), topics.inventory(),
                topics.stats(), topics.alerts(), topics.rejected(), topics.campaignConfig()));
        return topics;
    }

    /**
     * Waits until every partition of the topics has a leader. A producer that writes to a topic the broker has not
     * finished creating gets NOT_LEADER_OR_FOLLOWER, and an idempotent one can then stay stuck on sequence errors.
     */
    private static void awaitLeaders(String brokers, List<String> names) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    boolean ready = true;
                    for (TopicDescription d : admin.describeTopics(names).allTopicNames().get().values()) {
                        for (TopicPartitionInfo p : d.partitions()) {
                            ready &= p.leader() != null && !p.leader().isEmpty();
                        }
                    }
                    if (ready) {
                        Thread.sleep(500); // the leader's own metadata catches up with the controller's
                        return;
                    }
                } catch (ExecutionException e) {
                    // Not known yet; ask again.
                }
                if (System.nanoTime() > deadline) {
                    throw new BenchFailure("the topics " + names + " got no leaders within 60 s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted while waiting for topics");
        }
    }

    /**
     * Starts the job and returns once it runs.
     *
     * @param wallClockWatermark as {@code run --[no-]wall-clock-watermark}: off when the fed event times do not
     *     follow the wall clock
     */
    static LiveJob start(String brokers, KafkaTopics topics, String name, CampaignCatalog campaigns,
            int parallelism, Duration checkpointInterval, Path checkpointDir, boolean wallClockWatermark)
            throws Exception {
        Configuration config = new Configuration();
        config.set(MonitorOptions.WALL_CLOCK_WATERMARK, wallClockWatermark);
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                EmbeddedFlinkListeners.onLoopback(config));
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        new MonitorPipeline(campaigns, MonitorOptions.settings(config)).assemble(env,
                new KafkaInputs(brokers, name, topics),
                new KafkaOutputs(brokers, topics, name, Duration.ofMinutes(10)));
        JobClient job = env.executeAsync("warroom bench " + name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline || job.getJobStatus().get().isGloballyTerminalState()) {
                throw new BenchFailure("the live job " + name + " did not start: " + job.getJobStatus().get());
            }
            Thread.sleep(100);
        }
        return new LiveJob(job, topics);
    }

    JobClient client() {
        return job;
    }

    KafkaTopics topics() {
        return topics;
    }

    @Override
    public void close() throws Exception {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
