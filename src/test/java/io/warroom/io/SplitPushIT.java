package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.cli.WarroomCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A catalog too large for one Kafka record, pushed to a running job over a real broker: {@code campaign push} sends
 * it as item parts and a head under {@code --max-record-bytes}, and the job puts them back together and applies the
 * whole update. The pushed catalog adds 3,000 items with stock 50; an order of the last one is counted against its
 * pushed stock.
 */
class SplitPushIT {
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final long MINUTE = 60_000L;
    private static final String CAMPAIGN = "split-push";
    private static final int ITEMS = 3000;
    private static final String LAST_ITEM = "sku-" + (ITEMS - 1);
    private static final int MAX_RECORD_BYTES = 16_384;
    private static final KafkaTopics TOPICS = KafkaTopics.defaults();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .build());

    @TempDir
    static Path files;

    private static final long START =
            Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(40)).toEpochMilli();
    private static final long END = START + 60 * MINUTE;

    private static KafkaClusterTestKit kafka;
    private static String bootstrap;
    private static JobClient job;
    private static CommittedOutput output;
    private static int pushExit;
    private static String pushOut;
    private static boolean stockShown;

    @BeforeAll
    static void pushALargeCatalogToARunningJob(@InjectMiniCluster MiniCluster flink) throws Exception {
        kafka = LiveKafka.startBroker();
        bootstrap = kafka.bootstrapServers();
        LiveKafka.createTopics(bootstrap, TOPICS, PARTITIONS);
        job = LiveKafka.startMonitor(flink, PARALLELISM, Duration.ofMillis(500), Duration.ofMinutes(10),
                "split-push.yaml", campaignYaml(), bootstrap, TOPICS, "warroom-split-push");
        output = new CommittedOutput(bootstrap, TOPICS, PARTITIONS);

        StringBuilder catalog = new StringBuilder(campaignYaml()).append("items:\n");
        for (int i = 0; i < ITEMS; i++) {
            catalog.append("  - { item_id: sku-").append(i).append(", stock: 50 }\n");
        }
        Path file = Files.writeString(files.resolve("catalog.yaml"), catalog.toString());
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new WarroomCli());
        cli.setOut(new PrintWriter(out, true));
        pushExit = cli.execute("campaign", "push", file.toString(), "--bootstrap-servers", bootstrap,
                "--effective-from", iso(START + 5 * MINUTE), "--max-record-bytes", String.valueOf(MAX_RECORD_BYTES));
        pushOut = out.toString();

        try (KafkaProducer<String, String> producer = LiveKafka.producer(bootstrap)) {
            LiveKafka.send(producer, List.of(new ProducerRecord<>(TOPICS.orders(), 0, "o-1",
                    LiveKafka.order("o-1", START + 10 * MINUTE, "paid", LAST_ITEM, "10.00"))));
            LiveKafka.send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "1", START + 12 * MINUTE));
            stockShown = output.awaitWhileRunning(job, Duration.ofSeconds(60), () -> output
                    .latestItem(CAMPAIGN, LAST_ITEM)
                    .filter(item -> item.path("stock_remaining").asLong() == 49)
                    .isPresent());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        LiveKafka.stop(job, output, kafka);
    }

    @Test
    void pushSendsPartsUnderTheLimitAndTheJobAppliesTheWholeCatalog() {
        assertThat(pushExit).as(pushOut).isZero();
        List<ConsumerRecord<String, String>> records = LiveKafka.readAll(bootstrap, TOPICS.campaignConfig(), 0);
        assertThat(records.size()).isGreaterThan(3);
        assertThat(records).allSatisfy(r -> assertThat(r.serializedValueSize()).isLessThanOrEqualTo(MAX_RECORD_BYTES));
        assertThat(records.get(records.size() - 1).key()).isEqualTo(CAMPAIGN);
        assertThat(pushOut).contains("(" + (records.size() - 1) + " item parts and a head)");

        assertThat(stockShown).as("%s's stock from the pushed catalog, less the order: %s", LAST_ITEM,
                output.latestItem(CAMPAIGN, LAST_ITEM)).isTrue();
        assertThat(output.rejected).isEmpty();
    }

    private static String campaignYaml() {
        return String.join("\n",
                "campaign_id: " + CAMPAIGN,
                "start: \"" + iso(START) + "\"",
                "end: \"" + iso(END) + "\"",
                "gmv_target: \"10000.00\"",
                "");
    }

    private static String iso(long ts) {
        return Instant.ofEpochMilli(ts).atOffset(ZoneOffset.ofHours(8)).toString();
    }
}
