package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.config.MonitorOptions;
import io.warroom.config.StateBackendChoice;
import io.warroom.io.LiveSale.Outgoing;
import io.warroom.io.LiveSale.Phase;
import io.warroom.io.LiveSale.Totals;
import io.warroom.pipeline.MonitorPipeline;
import io.warroom.testkit.InjectedFailure;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The live job as {@code warroom run} wires it (Kafka in, Kafka out, exactly-once checkpoints), over an in-process
 * KRaft broker, crashed once mid-sale and restored from its last checkpoint. A sale is sent in three parts: the
 * first until its totals show up in committed output, the second with a failure armed inside it, and a tail that
 * moves event time past the pacing checkpoint and the last stock changes. The tests then read the committed output
 * as a downstream consumer would. The sale's job keeps its state in ForSt, so the Kafka connector's offsets and
 * transactions are restored from that backend too (RocksDB: {@link KafkaRestoreIT}; the heap: the other ITs).
 */
class KafkaEndToEndIT {
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = LiveSale.INPUT_PARTITIONS;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    /** Far enough into the second part that some of it is processed, and uncommitted, when the job fails. */
    private static final int RECORDS_BEFORE_FAILURE = 25;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            // The sale's job and the idle-input job run side by side.
            .setNumberSlotsPerTaskManager(2 * PARALLELISM)
            .build());

    private static final KafkaTopics TOPICS = KafkaTopics.defaults();

    private static KafkaClusterTestKit kafka;
    private static MiniCluster FLINK_CLUSTER;
    private static JobClient job;
    private static CommittedOutput output;
    private static LiveSale sale;
    private static boolean firstPartCommittedBeforeFailure;

    @BeforeAll
    static void runSaleThroughFailure(@InjectMiniCluster MiniCluster flink) throws Exception {
        InjectedFailure.reset();
        FLINK_CLUSTER = flink;
        kafka = LiveKafka.startBroker();
        LiveKafka.createTopics(kafka.bootstrapServers(), TOPICS, PARTITIONS);
        // Event time within the last hour, as live traffic would have it.
        long start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(60)).toEpochMilli();
        sale = LiveSale.generate(start, 20261111L);
        // The sale squeezes 40 minutes of event time into seconds: the tail moves event time, not the wall clock.
        job = LiveKafka.startMonitor(flink, PARALLELISM, CHECKPOINT_INTERVAL, null, StateBackendChoice.FORST,
                "e2e-live.yaml",
                sale.campaignYaml(), kafka.bootstrapServers(), TOPICS, "warroom-e2e");
        output = new CommittedOutput(kafka.bootstrapServers(), TOPICS, PARTITIONS);

        try (KafkaProducer<String, String> producer = LiveKafka.producer(kafka.bootstrapServers())) {
            send(producer, Phase.BEFORE_FAILURE);
            Totals first = sale.expectedTotals(Phase.BEFORE_FAILURE);
            // Committed output implies a completed checkpoint holding the first part in state.
            firstPartCommittedBeforeFailure = await(Duration.ofSeconds(60), () -> output
                    .latestCampaign(LiveSale.CAMPAIGN)
                    .filter(c -> LiveSale.shows(c, first.gmvCents(), first.orders(), first.pv()))
                    .isPresent());

            InjectedFailure.arm(RECORDS_BEFORE_FAILURE);
            send(producer, Phase.AROUND_FAILURE);
            await(Duration.ofSeconds(30), InjectedFailure::restarted);
            send(producer, Phase.TAIL);
        }
        await(Duration.ofSeconds(90), KafkaEndToEndIT::allResultsCommitted);
        // A duplicate would be committed after the totals already looked right; give it time to show.
        output.pollFor(CHECKPOINT_INTERVAL.multipliedBy(6));
    }

    @AfterAll
    static void stop() throws Exception {
        LiveKafka.stop(job, output, kafka);
    }

    @Test
    void campaignTotalsAreExactAfterFailureAndRestore() {
        assertThat(firstPartCommittedBeforeFailure)
                .as("totals of the first part committed before the failure was armed")
                .isTrue();
        assertThat(InjectedFailure.fired()).as("the injected failure happened").isTrue();
        assertThat(InjectedFailure.restarted()).as("the job restarted after the failure").isTrue();

        Totals expected = sale.expectedTotals();
        JsonNode campaign = output.latestCampaign(LiveSale.CAMPAIGN).orElseThrow();
        assertThat(campaign.path("gmv").asText()).as("gmv").isEqualTo(LiveSale.money(expected.gmvCents()));
        assertThat(campaign.path("orders").asLong()).as("orders").isEqualTo(expected.orders());
        assertThat(campaign.path("pv").asLong()).as("pv").isEqualTo(expected.pv());
        assertThat(campaign.path("refunded").asText()).as("refunded").isEqualTo(LiveSale.money(expected.refundedCents()));

        JsonNode checkpoint = campaign.path("pacing").path(0);
        assertThat(checkpoint.path("evaluated").asBoolean()).as("pacing checkpoint evaluated").isTrue();
        assertThat(checkpoint.path("behind").asBoolean()).as("pacing checkpoint behind").isTrue();
        assertThat(checkpoint.path("gmv_before").asText())
                .as("gmv before the pacing checkpoint")
                .isEqualTo(LiveSale.money(expected.gmvBeforeCheckpointCents()));
    }

    @Test
    void committedCampaignTotalsNeverGoBack() {
        List<JsonNode> records = output.campaignRecords(LiveSale.CAMPAIGN);
        assertThat(records).isNotEmpty();
        // Counters only grow; a restore that exposed rolled-back or doubled output would show as a step back.
        for (String field : List.of("gmv", "refunded", "orders", "pv", "carts")) {
            List<BigDecimal> values = records.stream().map(r -> new BigDecimal(r.path(field).asText())).toList();
            assertThat(values).as(field).isSortedAccordingTo(BigDecimal::compareTo);
        }
    }

    @Test
    void stockRunsOutAndEveryAlertFiresOnce() {
        long expectedStock = sale.expectedStock(LiveSale.HOT_ITEM, LiveSale.HOT_STOCK, sale.tailTs - 1);
        JsonNode hot = output.latestItem(LiveSale.CAMPAIGN, LiveSale.HOT_ITEM).orElseThrow();
        assertThat(hot.path("stock_remaining").asLong()).as("stock of " + LiveSale.HOT_ITEM).isEqualTo(expectedStock);

        List<JsonNode> fired = output.alerts.stream().filter(a -> a.path("state").asText().equals("FIRED")).toList();
        assertThat(fired)
                .extracting(a -> a.path("type").asText(), a -> a.path("item_id").asText(null))
                .contains(
                        tuple("STOCK_LOW", LiveSale.HOT_ITEM),
                        tuple("STOCK_OUT", LiveSale.HOT_ITEM),
                        tuple("TARGET_SHORTFALL", null),
                        tuple("ITEM_TARGET_SHORTFALL", LiveSale.TARGET_ITEM));
        assertThat(fired).extracting(a -> a.path("id").asText()).doesNotHaveDuplicates();
        List<JsonNode> resolved =
                output.alerts.stream().filter(a -> a.path("state").asText().equals("RESOLVED")).toList();
        assertThat(resolved).extracting(a -> a.path("id").asText()).doesNotHaveDuplicates();
    }

    /**
     * Each malformed record once, with its user ids replaced by their HMAC under the monitor's key and a keyed hash
     * of the record as it was sent (both computed here with the JDK); a payload that is not JSON to its end is kept
     * only up to where it stops being JSON.
     */
    @Test
    void malformedRecordsAreDeadLetteredExactlyOnceWithoutUserIds() {
        List<Map<String, String>> expected = new ArrayList<>();
        for (Outgoing o : sale.malformed()) {
            expected.add(Map.of("stream", o.topic(), "reason", o.rejectReason(),
                    "payload_hmac", hmac(o.value()), "redacted", withUserIdsHashed(o.value())));
        }
        List<Map<String, String>> actual = new ArrayList<>();
        for (JsonNode r : output.rejected) {
            String payload = r.path("payload").asText();
            String redaction = r.path("payload_redaction").asText();
            Map<String, String> match = expected.stream()
                    .filter(e -> e.get("payload_hmac").equals(r.path("payload_hmac").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no record sent hashes as " + r));
            if (redaction.equals("user_ids")) {
                assertThat(payload).isEqualTo(match.get("redacted"));
            } else {
                assertThat(redaction).isEqualTo("cut");
                assertThat(match.get("redacted")).startsWith(payload);
            }
            assertThat(r.has("payload_base64")).isFalse();
            actual.add(Map.of("stream", r.path("stream").asText(), "reason", r.path("reason").asText(),
                    "payload_hmac", r.path("payload_hmac").asText(), "redacted", match.get("redacted")));
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(output.rejected).extracting(r -> r.path("origin").asText()).doesNotHaveDuplicates();
        assertThat(output.rejected).extracting(JsonNode::toString).noneMatch(r -> r.contains("\"u-1\""));
    }

    private static String withUserIdsHashed(String payload) {
        Matcher userId = Pattern.compile("\"user_id\":\"([^\"]*)\"").matcher(payload);
        StringBuilder replaced = new StringBuilder();
        while (userId.find()) {
            userId.appendReplacement(replaced,
                    Matcher.quoteReplacement("\"user_id\":\"hmac-sha256:" + hmac(userId.group(1)) + "\""));
        }
        return userId.appendTail(replaced).toString();
    }

    private static String hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(LiveKafka.DEAD_LETTER_KEY, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads output until {@code condition} holds, {@code timeout} passes or the job has ended. */
    private static boolean await(Duration timeout, BooleanSupplier condition) {
        return output.awaitWhileRunning(job, timeout, condition);
    }

    /** What the polling waits for: final totals, the sold-out stock and the expected alerts. */
    private static boolean allResultsCommitted() {
        Totals expected = sale.expectedTotals();
        boolean totals = output.latestCampaign(LiveSale.CAMPAIGN)
                .filter(c -> LiveSale.shows(c, expected.gmvCents(), expected.orders(), expected.pv()))
                .filter(c -> c.path("refunded").asText().equals(LiveSale.money(expected.refundedCents())))
                .filter(c -> c.path("pacing").path(0).path("evaluated").asBoolean())
                .isPresent();
        long stock = sale.expectedStock(LiveSale.HOT_ITEM, LiveSale.HOT_STOCK, sale.tailTs - 1);
        boolean stockApplied = output.latestItem(LiveSale.CAMPAIGN, LiveSale.HOT_ITEM)
                .filter(i -> i.path("stock_remaining").asLong() == stock)
                .isPresent();
        List<String> firedTypes = output.alerts.stream()
                .filter(a -> a.path("state").asText().equals("FIRED"))
                .map(a -> a.path("type").asText())
                .toList();
        boolean alerts = firedTypes.containsAll(
                List.of("STOCK_LOW", "STOCK_OUT", "TARGET_SHORTFALL", "ITEM_TARGET_SHORTFALL"));
        return totals && stockApplied && alerts;
    }


    /**
     * Live, traffic can stop; a pacing checkpoint must still be evaluated. A few orders arrive, then nothing: every
     * partition goes idle, and only the wall-clock watermark can carry event time past the checkpoint 15 s ahead
     * (the campaign's end, as checkpoints off the whole minute must be).
     */
    @Test
    void aCheckpointIsEvaluatedWhenEveryInputHasGoneQuiet() throws Exception {
        KafkaTopics topics = new KafkaTopics("idle-clicks", "idle-carts", "idle-orders", "idle-inventory",
                "idle-stats", "idle-alerts", "idle-rejected", "idle-campaign-config");
        LiveKafka.createTopics(kafka.bootstrapServers(), topics, PARTITIONS);
        Instant now = Instant.now();
        Instant checkpoint = now.plusSeconds(15).truncatedTo(ChronoUnit.SECONDS);
        String campaignYaml = """
                campaign_id: quiet
                start: "%s"
                end: "%s"
                gmv_target: "1000000.00"
                pacing:
                  - { at: "%s", share: 0.5 }
                """.formatted(now.minus(Duration.ofMinutes(10)), checkpoint, checkpoint);
        Configuration config = new Configuration();
        config.set(MonitorOptions.IDLE_TIMEOUT, Duration.ofSeconds(2));
        StreamExecutionEnvironment env = new TestStreamEnvironment(
                FLINK_CLUSTER, config, PARALLELISM, List.of(), List.of());
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        String bootstrap = kafka.bootstrapServers();
        new MonitorPipeline(new CampaignCatalog(List.of(CampaignLoader.parse("quiet.yaml",
                        campaignYaml.getBytes(StandardCharsets.UTF_8)))), MonitorOptions.settings(config))
                .assemble(env, new KafkaInputs(bootstrap, "warroom-idle", topics),
                        new KafkaOutputs(bootstrap, topics, "warroom-idle", Duration.ofMinutes(1)));
        JobClient idleJob = env.executeAsync("warroom idle inputs");
        try (KafkaProducer<String, String> producer = LiveKafka.producer(kafka.bootstrapServers());
                CommittedOutput idleOutput = new CommittedOutput(bootstrap, topics, PARTITIONS)) {
            long paidAt = now.minusSeconds(30).toEpochMilli();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("idle-orders", i % PARTITIONS, "o" + i, """
                        {"order_id":"o%d","ts":%d,"user_id":"u%d","status":"paid",                        "lines":[{"item_id":"sku-1","quantity":1,"unit_price":"10.00"}]}"""
                        .formatted(i, paidAt, i))).get();
            }

            boolean evaluated = idleOutput.awaitUntil(Duration.ofSeconds(90), () -> idleOutput.alerts.stream()
                    .anyMatch(a -> a.path("type").asText().equals("TARGET_SHORTFALL")));

            assertThat(evaluated).as("TARGET_SHORTFALL at the checkpoint while no input moves; now %d, latest %s",
                    System.currentTimeMillis(), idleOutput.latestCampaign("quiet")).isTrue();
            JsonNode alert = idleOutput.alerts.get(0);
            assertThat(alert.path("fired_at").asLong()).isEqualTo(checkpoint.toEpochMilli());
            assertThat(alert.path("observed").asText()).isEqualTo("30.00");
        } finally {
            idleJob.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void send(KafkaProducer<String, String> producer, Phase phase) throws Exception {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (Outgoing o : sale.phase(phase)) {
            records.add(new ProducerRecord<>(o.topic(), o.partition(), o.key(), o.value()));
        }
        LiveKafka.send(producer, records);
    }
}
