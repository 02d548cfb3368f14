package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.demo.EmbeddedKafka;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaTopics;
import io.warroom.metrics.PrometheusEndpoint;
import io.warroom.testkit.Await;
import io.warroom.testkit.Ports;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.test.util.MiniClusterPipelineExecutorServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warroom run} handed to a Flink cluster the way application mode does it (docker-compose.yml): main() runs
 * with a cluster-bound environment and a detached submit. It must return rather than exit the JVM, which on a cluster
 * is the JobManager's, and leave the metrics endpoint to the cluster's reporter, even on the port the CLI would use.
 */
class RunOnClusterIT {
    @TempDir
    Path checkpoints;

    @Test
    void mainSubmitsTheJobAndReturnsLeavingMetricsToTheClusterReporter() throws Exception {
        int reporterPort = Ports.free();
        Configuration clusterConfig = new Configuration();
        // As metrics.reporter.prom.* in the cluster's config.yaml.
        PrometheusEndpoint.enable(clusterConfig, InetAddress.getLoopbackAddress(), reporterPort);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConfig).setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        cluster.start();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            KafkaTopics topics = KafkaTopics.defaults();
            KafkaAdmin.createTopics(kafka.bootstrapServers(), List.of(topics.clicks(), topics.carts(),
                    topics.orders(), topics.inventory(), topics.stats(), topics.alerts(), topics.rejected()), 2);
            Configuration client = new Configuration();
            client.set(DeploymentOptions.TARGET, MiniClusterPipelineExecutorServiceLoader.NAME);
            client.set(DeploymentOptions.ATTACHED, false);
            StreamContextEnvironment.setAsContext(new MiniClusterPipelineExecutorServiceLoader(cluster), client,
                    getClass().getClassLoader(), false, false);
            try {
                // System.exit here would end this JVM and fail the build.
                WarroomCli.main(new String[] {"run", "--campaign", "jobs", "--bootstrap-servers",
                        kafka.bootstrapServers(), "--checkpoint-dir", checkpoints.toUri().toString(),
                        "--metrics-port", Integer.toString(reporterPort)});
            } finally {
                StreamContextEnvironment.unsetAsContext();
            }

            List<JobStatusMessage> jobs = List.copyOf(cluster.listJobs().get());
            assertThat(jobs).singleElement().satisfies(job -> {
                assertThat(job.getJobName()).isEqualTo("warroom monitor");
                assertThat(job.getJobState()).isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING);
            });
            String target = "flink_taskmanager_job_task_operator_warroom_campaign_gmv_target_cents";
            assertThat(Await.until(Duration.ofSeconds(60), () -> scrape(reporterPort).contains(target)))
                    .as("the cluster's reporter serves the job's business metrics").isTrue();
            cluster.cancelJob(jobs.get(0).getJobId()).get();
            // Down before the broker: a job left cancelling against a closed broker waits out Kafka's timeouts.
            cluster.requestJobResult(jobs.get(0).getJobId()).get();
        } finally {
            cluster.close();
        }
    }

    private static String scrape(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
