package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.MonitorOptions;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaInputs;
import io.warroom.io.KafkaOutputs;
import io.warroom.io.KafkaTopics;
import io.warroom.pipeline.MonitorPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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
        return topics;
    }

    /** Starts the job and returns once it runs. */
    static LiveJob start(String brokers, KafkaTopics topics, String name, CampaignCatalog campaigns,
            int parallelism, Duration checkpointInterval, Path checkpointDir) throws Exception {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
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
