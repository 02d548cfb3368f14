package io.warroom.cli;

import io.warroom.alerting.AlertmanagerOutput;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.DeadLetterPolicy;
import io.warroom.config.MonitorOptions;
import io.warroom.io.KafkaClientConfig;
import io.warroom.io.KafkaInputs;
import io.warroom.io.KafkaOutputs;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaTopics;
import io.warroom.pipeline.MonitorPipeline;
import io.warroom.pipeline.MonitorSinks;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The live monitor: Kafka in, Kafka out, exactly once. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Runs the live monitor: reads clicks, carts, orders and inventory from Kafka and writes stats, alerts "
                    + "and rejected records back to Kafka, exactly once.",
            "Run it with java -jar for a local Flink, or submit the jar to a Flink cluster with 'flink run'."
        })
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    MonitorFlags monitor;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers.")
    String bootstrapServers;

    @Mixin
    KafkaClientFlags kafkaClient;

    @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = "warroom",
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Mixin
    InputTopicFlags inputTopics;

    @Mixin
    ResultTopicFlags resultTopics;

    @Option(names = "--topic-rejected", paramLabel = "TOPIC", defaultValue = "rejected-events",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String rejectedTopic;

    @Option(names = "--topic-campaign-config", paramLabel = "TOPIC", defaultValue = "campaign-config",
            description = "Compacted topic of campaign updates (`warroom campaign push`); created if missing "
                    + "(default: ${DEFAULT-VALUE}).")
    String campaignConfigTopic;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Exactly-once checkpoint interval; output becomes visible at each checkpoint "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "URI", defaultValue = "file:///tmp/warroom/checkpoints",
            description = "Where checkpoints are kept (default: ${DEFAULT-VALUE}).")
    String checkpointDir;

    @Option(names = "--restore", paramLabel = "CHECKPOINT",
            description = "Start from this retained checkpoint or savepoint (its folder), or from the newest complete "
                    + "checkpoint under --checkpoint-dir with 'latest'.")
    String restore;

    @Option(names = "--transactional-id-prefix", paramLabel = "PREFIX", defaultValue = "warroom",
            description = "Prefix of the Kafka transactional ids; unique per job on a cluster "
                    + "(default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix;

    @Option(names = "--transaction-timeout", paramLabel = "DURATION", defaultValue = "10min",
            converter = DurationConverter.class,
            description = "Kafka transaction timeout; below the broker's transaction.max.timeout.ms "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration transactionTimeout;

    @Option(names = "--wall-clock-watermark", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "When every input is idle, let event time follow the wall clock minus the "
                    + "out-of-orderness bound (default: on). Turn off to feed historical events live.")
    boolean wallClockWatermark;

    @Mixin
    AlertmanagerFlags alertmanager;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9249",
            description = "Port of the Prometheus metrics endpoint of the embedded Flink (default: ${DEFAULT-VALUE}); "
                    + "on a Flink cluster, configure metrics.reporter.* in Flink's configuration instead.")
    int metricsPort;

    @Mixin
    ListenerFlags listeners;

    @Mixin
    DeadLetterFlags deadLetterFlags;

    @Override
    public Integer call() throws Exception {
        KafkaClientConfig kafka;
        DeadLetterPolicy deadLetters;
        try {
            kafka = kafkaClient.config();
            deadLetters = deadLetterFlags.policy();
        } catch (OptionProblem e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        CampaignCatalog campaigns;
        try {
            campaigns = monitor.loadCampaigns();
        } catch (CampaignConfigException e) {
            spec.commandLine().getErr().println("Campaign files refused:");
            e.problems().forEach(p -> spec.commandLine().getErr().println("  " + p));
            return 2;
        }
        KafkaTopics topics = new KafkaTopics(inputTopics.clicks, inputTopics.carts, inputTopics.orders,
                inputTopics.inventory, resultTopics.stats, resultTopics.alerts, rejectedTopic, campaignConfigTopic);
        Configuration config = monitor.configuration();
        config.set(MonitorOptions.WALL_CLOCK_WATERMARK, wallClockWatermark);
        // On a cluster, Flink's own configuration sets up the reporter, one endpoint per JobManager and TaskManager;
        // there the port check would only trip over the JobManager's endpoint, in whose JVM this code runs.
        if (!FlinkDeployment.onCluster()) {
            try {
                listeners.applyTo(config, metricsPort);
            } catch (OptionProblem | IllegalStateException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
        }
        RestorePoint restorePoint;
        try {
            restorePoint = RestorePoint.of(restore, checkpointDir);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        config.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        restorePoint.path().ifPresent(path -> config.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toString()));
        try {
            KafkaAdmin.createCampaignConfigTopic(bootstrapServers, kafka, campaignConfigTopic);
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(monitor.parallelism);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);

        MonitorSinks sinks =
                new KafkaOutputs(bootstrapServers, kafka, topics, transactionalIdPrefix, transactionTimeout);
        if (alertmanager.configured()) {
            sinks = sinks.andThen(new AlertmanagerOutput(alertmanager.urls, alertmanager.dashboardTemplate));
        }
        new MonitorPipeline(campaigns, MonitorOptions.settings(config)).deadLetters(deadLetters).assemble(env,
                new KafkaInputs(bootstrapServers, kafka, groupId, topics), sinks);
        spec.commandLine().getOut().printf("Monitoring %d campaign(s) from %s; stats to %s, alerts to %s.%n",
                campaigns.all().size(), bootstrapServers, resultTopics.stats, resultTopics.alerts);
        spec.commandLine().getOut().flush();
        LOG.info(restorePoint.describe());
        env.execute("warroom monitor");
        return 0;
    }
}
