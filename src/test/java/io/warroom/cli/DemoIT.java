package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import io.warroom.demo.EmbeddedKafka;
import io.warroom.testkit.Await;
import io.warroom.testkit.DemoRun;
import io.warroom.testkit.GeneratedTopics;
import io.warroom.testkit.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a newcomer runs it, shortened: a simulated sale goes through Kafka and the monitor, and the campaign
 * gmv on the Prometheus endpoint equals the gmv computed here, independently, from the order events the generator
 * produced. No user id may appear on the endpoint.
 */
class DemoIT {
    private static final Pattern CAMPAIGN_GMV =
            Pattern.compile("(?m)^flink_taskmanager_job_task_operator_warroom_campaign_gmv_cents\\{[^}]*} (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void theEndpointShowsTheGmvOfTheGeneratedOrdersAndNoUserId() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            int metricsPort = Ports.free();
            DemoRun demo = DemoRun.start(kafka.bootstrapServers(), "--duration", "6min", "--speed", "20",
                    "--peak-rate", "40", "--metrics-port", Integer.toString(metricsPort), "--linger", "10min",
                    "--refresh", "1s", "--out", dir.toString());
            int exit;
            try {
                assertThat(demo.awaitSaleOver(Duration.ofSeconds(90))).as(demo.screen()).isTrue();
                CampaignDefinition campaign = CampaignLoader.parse("campaign.yaml",
                        Files.readAllBytes(dir.resolve("campaign.yaml")));
                long expectedGmvCents = GeneratedTopics.paidGmvCents(kafka.bootstrapServers(), campaign);
                assertThat(expectedGmvCents).isPositive();

                String[] scrape = {""};
                boolean matched = Await.until(Duration.ofSeconds(60), () -> {
                    scrape[0] = scrape(metricsPort);
                    Matcher gmv = CAMPAIGN_GMV.matcher(scrape[0]);
                    return gmv.find() && (long) Double.parseDouble(gmv.group(1)) == expectedGmvCents;
                });
                assertThat(matched).as("campaign gmv on the endpoint should be %d cents", expectedGmvCents)
                        .isTrue();
                // piped, not a terminal: one line per campaign at each redraw
                assertThat(demo.screen()).contains("demo: event time ", ", gmv ", "; incidents ");
                for (String userId : GeneratedTopics.clickUserIds(kafka.bootstrapServers())) {
                    assertThat(scrape[0]).doesNotContain("\"" + userId + "\"")
                            .doesNotContain("\"" + userId.replaceAll("[^A-Za-z0-9_:]", "_") + "\"");
                }
            } finally {
                exit = demo.stop();
            }
            assertThat(exit).as(demo.screen()).isZero();
            assertThat(demo.screen()).contains("Demo stopped.");
            assertThat(retention(kafka.bootstrapServers(), "rejected-events"))
                    .as("dead letters expire a week after they are written")
                    .isEqualTo(Duration.ofDays(7).toMillis());
        }
    }

    private static long retention(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource).get("retention.ms").value());
        }
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (Exception e) {
            return "";
        }
    }
}
