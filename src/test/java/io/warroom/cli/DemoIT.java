package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import io.warroom.demo.EmbeddedKafka;
import io.warroom.model.InputRecord;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderStatus;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
            int metricsPort = freePort();
            DemoCommand demo = new DemoCommand();
            StringWriter screen = new StringWriter();
            CommandLine cli = new CommandLine(demo);
            cli.setOut(new PrintWriter(screen, true));
            cli.setErr(new PrintWriter(screen, true));
            int[] exit = {-1};
            Thread run = new Thread(() -> exit[0] = cli.execute("--bootstrap-servers", kafka.bootstrapServers(),
                    "--duration", "6min", "--speed", "20", "--peak-rate", "40", "--metrics-port",
                    Integer.toString(metricsPort), "--linger", "10min", "--refresh", "1s", "--out", dir.toString()));
            run.start();
            try {
                assertThat(await(Duration.ofSeconds(90), () -> screen.toString().contains("simulated sale is over")))
                        .as(screen.toString()).isTrue();
                CampaignDefinition campaign = CampaignLoader.parse("campaign.yaml",
                        Files.readAllBytes(dir.resolve("campaign.yaml")));
                long expectedGmvCents = paidGmvCents(kafka.bootstrapServers(), campaign);
                assertThat(expectedGmvCents).isPositive();

                String[] scrape = {""};
                boolean matched = await(Duration.ofSeconds(60), () -> {
                    scrape[0] = scrape(metricsPort);
                    Matcher gmv = CAMPAIGN_GMV.matcher(scrape[0]);
                    return gmv.find() && (long) Double.parseDouble(gmv.group(1)) == expectedGmvCents;
                });
                assertThat(matched).as("campaign gmv on the endpoint should be %d cents", expectedGmvCents)
                        .isTrue();
                assertThat(screen.toString()).contains("GMV ", "top items by GMV");
                for (String userId : userIds(kafka.bootstrapServers())) {
                    assertThat(scrape[0]).doesNotContain("\"" + userId + "\"")
                            .doesNotContain("\"" + userId.replaceAll("[^A-Za-z0-9_:]", "_") + "\"");
                }
            } finally {
                demo.stop();
                run.join(60_000);
            }
            assertThat(exit[0]).as(screen.toString()).isZero();
            assertThat(screen.toString()).contains("Demo stopped.");
        }
    }

    /** The contract, the simple way: valid order events, first paid event per order, in the campaign's window. */
    private static long paidGmvCents(String brokers, CampaignDefinition campaign) {
        Set<String> counted = new HashSet<>();
        long gmv = 0;
        for (byte[] value : readAll(brokers, "orders")) {
            InputRecord record = EventParser.parse(StreamKind.ORDER, value, "test");
            OrderEvent order = record.order();
            if (order != null && order.status() == OrderStatus.PAID && campaign.contains(order.ts())
                    && counted.add(order.orderId())) {
                gmv += order.amountCents();
            }
        }
        return gmv;
    }

    private static Set<String> userIds(String brokers) {
        Set<String> users = new HashSet<>();
        for (byte[] value : readAll(brokers, "clicks")) {
            InputRecord record = EventParser.parse(StreamKind.CLICK, value, "test");
            if (record.click() != null) {
                users.add(record.click().userId());
            }
        }
        return users;
    }

    private static List<byte[]> readAll(String brokers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
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

    private static boolean await(Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(500);
        }
        return condition.getAsBoolean();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
