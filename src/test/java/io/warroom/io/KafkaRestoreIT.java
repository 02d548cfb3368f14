package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.io.LiveSale.Outgoing;
import io.warroom.io.LiveSale.Phase;
import io.warroom.io.LiveSale.Totals;
import io.warroom.testkit.WarroomProcess;
import io.warroom.testkit.WarroomProcess.Checkpoint;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash an operator recovers from (issue 11): {@code warroom run} in a JVM of its own over an in-process KRaft
 * broker, killed with SIGKILL mid-sale just after a checkpoint's output was committed, then started again with
 * {@code --restore} pointing at that retained checkpoint. The restored job re-commits the checkpoint's transactions,
 * which the broker has already committed: that must not be reported as a fenced producer and likely data loss, and the
 * committed output must still be exact. The job keeps its state in RocksDB with incremental checkpoints, so the
 * restore reads a retained checkpoint whose files are shared with earlier ones.
 *
 * <p>The sale is the one of {@link KafkaEndToEndIT}: a first part until its totals are committed, a second part sent
 * slowly so that stats change in every checkpoint while the job is killed, and a tail that moves event time on.
 */
class KafkaRestoreIT {
    private static final String PREFIX = "warroom-restore";
    /** Long enough that the kill lands between a checkpoint's commit and the next checkpoint on a loaded machine. */
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(3);
    /** How long the second part of the sale takes to send: several checkpoints, with the kill among them. */
    private static final Duration SECOND_PART_SPREAD = Duration.ofSeconds(20);
    private static final KafkaTopics TOPICS = KafkaTopics.defaults();

    private static final String HEAP = "1g";

    @TempDir
    static Path dir;

    private static KafkaClusterTestKit kafka;
    private static Admin admin;
    private static LiveSale sale;
    private static CommittedOutput output;
    private static WarroomProcess first;
    private static WarroomProcess restored;
    private static Path restoredCheckpoint;
    private static long restoredCheckpointId;
    /** The broker's view, after the kill, of the transactions the restored checkpoint holds. */
    private static Map<String, TransactionDescription> checkpointTransactions = Map.of();
    private static boolean firstPartCommitted;
    private static boolean everythingCommitted;

    @BeforeAll
    static void crashAndRestore() throws Exception {
        kafka = LiveKafka.startBroker();
        LiveKafka.createTopics(kafka.bootstrapServers(), TOPICS, LiveSale.INPUT_PARTITIONS);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        long start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(60)).toEpochMilli();
        sale = LiveSale.generate(start, 20261111L);
        Path campaign = Files.writeString(dir.resolve("restore.yaml"), sale.campaignYaml());
        Path checkpoints = dir.resolve("checkpoints");
        output = new CommittedOutput(kafka.bootstrapServers(), TOPICS, LiveSale.INPUT_PARTITIONS);

        first = WarroomProcess.start(runArgs(campaign, checkpoints, List.of()), HEAP, dir.resolve("first.log"),
                "first job");
        try (KafkaProducer<String, String> producer = LiveKafka.producer(kafka.bootstrapServers())) {
            LiveKafka.send(producer, records(sale.phase(Phase.BEFORE_FAILURE)));
            Totals firstPart = sale.expectedTotals(Phase.BEFORE_FAILURE);
            firstPartCommitted = output.awaitUntil(Duration.ofSeconds(120), () -> first.alive()
                    && output.latestCampaign(LiveSale.CAMPAIGN)
                            .filter(c -> LiveSale.shows(c, firstPart.gmvCents(), firstPart.orders(), firstPart.pv()))
                            .isPresent());
            if (!firstPartCommitted) {
                return;
            }

            long beforeSecondPart = WarroomProcess.newestCheckpoint(checkpoints).map(Checkpoint::id).orElse(0L);
            Thread secondPart = new Thread(() -> sendSlowly(sale.phase(Phase.AROUND_FAILURE)), "second-part");
            secondPart.start();
            killRightAfterACommit(checkpoints, beforeSecondPart);

            Checkpoint newest = WarroomProcess.newestCheckpoint(checkpoints).orElseThrow();
            restoredCheckpoint = newest.directory();
            restoredCheckpointId = newest.id();
            checkpointTransactions = transactionsOfCheckpoint(restoredCheckpointId);
            System.out.printf("Killed the job; restoring %s. Its transactions on the broker: %s%n",
                    restoredCheckpoint, checkpointTransactions);

            restored = WarroomProcess.start(runArgs(campaign, checkpoints,
                    List.of("--restore", restoredCheckpoint.toUri().toString())), HEAP, dir.resolve("restored.log"),
                    "restored job");
            secondPart.join();
            LiveKafka.send(producer, records(sale.phase(Phase.TAIL)));
        }
        everythingCommitted = output.awaitUntil(Duration.ofSeconds(120),
                () -> !restored.alive() || allResultsCommitted()) && allResultsCommitted();
        // A duplicate would be committed after the totals already looked right; give it time to show.
        output.pollFor(CHECKPOINT_INTERVAL.multipliedBy(3));
    }

    @AfterAll
    static void stop() throws Exception {
        for (WarroomProcess process : new WarroomProcess[] {first, restored}) {
            if (process != null) {
                process.close();
            }
        }
        if (first != null) {
            System.out.println("---- log of the killed job ----\n" + first.logText());
        }
        if (restored != null) {
            System.out.println("---- log of the restored job ----\n" + restored.logText());
        }
        if (admin != null) {
            admin.close();
        }
        LiveKafka.stop(null, output, kafka);
    }

    @Test
    void theRestoredCheckpointHeldTransactionsCommittedBeforeTheKill() {
        assertThat(firstPartCommitted).as("the first part of the sale was committed; log:%n%s", log(first)).isTrue();
        assertThat(checkpointTransactions.values())
                .as("transactions of checkpoint %d, committed before the kill", restoredCheckpointId)
                .extracting(TransactionDescription::state)
                .contains(TransactionState.COMPLETE_COMMIT);
    }

    @Test
    void theRestoredJobLogsNoFencedProducerAndNoError() {
        assertThat(restored).as("the job was restored").isNotNull();
        assertThat(restored.logLines("fenced")).as("fenced-producer lines of the restored job").isEmpty();
        assertThat(restored.logLines("ERROR")).as("ERROR lines of the restored job").isEmpty();
    }

    @Test
    void eachTransactionCommittedBeforeTheKillIsReportedOnceAsAlreadyCommitted() {
        List<String> committed = checkpointTransactions.entrySet().stream()
                .filter(t -> t.getValue().state() == TransactionState.COMPLETE_COMMIT)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(committed).isNotEmpty();
        for (String transactionalId : committed) {
            assertThat(restored.logLines("already committed before the restore"))
                    .as("INFO lines on %s", transactionalId)
                    .filteredOn(line -> line.contains(" INFO ") && line.contains(transactionalId + " ")
                            && line.contains("checkpoint " + restoredCheckpointId))
                    .hasSize(1);
        }
    }

    @Test
    void eachStartSaysWhatItRestored() {
        assertThat(first.logLines("Starting fresh")).singleElement().asString()
                .contains(" INFO ").endsWith("Starting fresh: no checkpoint to restore");
        String jobId = restoredCheckpoint.getParent().getFileName().toString();
        assertThat(restored.logLines("Restoring from checkpoint")).singleElement().asString()
                .contains(" INFO ")
                .contains("Restoring from checkpoint " + restoredCheckpointId + " at file:")
                .contains(restoredCheckpoint.getParent().toString() + "/chk-" + restoredCheckpointId + " ")
                .endsWith(" (job " + jobId + ")");
    }

    @Test
    void committedOutputIsExactAfterTheCrashAndRestore() {
        assertThat(everythingCommitted).as("final results committed; log of the restored job:%n%s", log(restored))
                .isTrue();
        Totals expected = sale.expectedTotals();
        JsonNode campaign = output.latestCampaign(LiveSale.CAMPAIGN).orElseThrow();
        assertThat(campaign.path("gmv").asText()).as("gmv").isEqualTo(LiveSale.money(expected.gmvCents()));
        assertThat(campaign.path("orders").asLong()).as("orders").isEqualTo(expected.orders());
        assertThat(campaign.path("pv").asLong()).as("pv").isEqualTo(expected.pv());
        assertThat(campaign.path("refunded").asText()).as("refunded").isEqualTo(LiveSale.money(expected.refundedCents()));
        assertThat(campaign.path("pacing").path(0).path("gmv_before").asText())
                .as("gmv before the pacing checkpoint")
                .isEqualTo(LiveSale.money(expected.gmvBeforeCheckpointCents()));

        // Counters only grow; output of the killed job exposed after the restore, or doubled, would step back.
        List<JsonNode> records = output.campaignRecords(LiveSale.CAMPAIGN);
        for (String field : List.of("gmv", "refunded", "orders", "pv", "carts")) {
            assertThat(records.stream().map(r -> new BigDecimal(r.path(field).asText())).toList())
                    .as(field).isSortedAccordingTo(BigDecimal::compareTo);
        }

        List<JsonNode> fired = output.alerts.stream().filter(a -> a.path("state").asText().equals("FIRED")).toList();
        assertThat(fired)
                .extracting(a -> a.path("type").asText(), a -> a.path("item_id").asText(null))
                .contains(tuple("STOCK_OUT", LiveSale.HOT_ITEM), tuple("TARGET_SHORTFALL", null));
        assertThat(fired).extracting(a -> a.path("id").asText()).doesNotHaveDuplicates();
        // One dead letter per malformed record sent, with its reason (payloads are redacted: KafkaEndToEndIT checks
        // them against their keyed hashes).
        assertThat(output.rejected).extracting(r -> r.path("reason").asText())
                .containsExactlyInAnyOrderElementsOf(sale.malformed().stream().map(Outgoing::rejectReason).toList());
    }

    private static List<String> runArgs(Path campaign, Path checkpoints, List<String> more) {
        List<String> args = new ArrayList<>(List.of("run",
                "--campaign", campaign.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--group-id", PREFIX,
                "--transactional-id-prefix", PREFIX,
                "--checkpoint-dir", checkpoints.toUri().toString(),
                "--checkpoint-interval", CHECKPOINT_INTERVAL.toMillis() + "ms",
                // The sale squeezes 40 minutes of event time into seconds: its events move event time, not the clock.
                "--no-wall-clock-watermark",
                "--state-backend", "rocksdb",
                "--metrics-port", "0"));
        args.addAll(more);
        return args;
    }

    /**
     * Waits for a checkpoint taken while the second part flows whose transactions the broker has committed, and kills
     * the job at once: before the next checkpoint completes, so that this one is the checkpoint retained.
     */
    private static void killRightAfterACommit(Path checkpoints, long before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && first.alive()) {
            Optional<Long> newest = WarroomProcess.newestCheckpoint(checkpoints).map(Checkpoint::id);
            if (newest.isPresent() && newest.get() > before + 1) {
                Map<String, TransactionDescription> transactions = transactionsOfCheckpoint(newest.get());
                boolean committed = transactions.values().stream()
                        .anyMatch(t -> t.state() == TransactionState.COMPLETE_COMMIT);
                boolean open = transactions.values().stream().anyMatch(t -> t.state() == TransactionState.ONGOING
                        || t.state() == TransactionState.PREPARE_COMMIT);
                if (committed && !open) {
                    first.kill();
                    return;
                }
            }
            Thread.sleep(20);
        }
        first.kill();
    }

    /** The newest complete checkpoint ({@code chk-N} with its {@code _metadata}) under the checkpoint folder. */
    /**
     * The transactions the sink opened for one checkpoint. The connector names them {@code prefix-subtask-checkpoint}
     * (its default naming strategy); the test relies on that only to show the broker's view.
     */
    private static Map<String, TransactionDescription> transactionsOfCheckpoint(long checkpointId) throws Exception {
        Pattern name = Pattern.compile(Pattern.quote(PREFIX) + "-\\w+-\\d+-(\\d+)");
        List<String> ids = new ArrayList<>();
        for (TransactionListing listing : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
            Matcher m = name.matcher(listing.transactionalId());
            if (m.matches() && Long.parseLong(m.group(1)) == checkpointId) {
                ids.add(listing.transactionalId());
            }
        }
        return ids.isEmpty() ? Map.of()
                : new TreeMap<>(admin.describeTransactions(ids).all().get(30, TimeUnit.SECONDS));
    }

    private static void sendSlowly(List<Outgoing> outgoing) {
        long pauseNanos = SECOND_PART_SPREAD.toNanos() / Math.max(1, outgoing.size());
        try (KafkaProducer<String, String> producer = LiveKafka.producer(kafka.bootstrapServers())) {
            for (ProducerRecord<String, String> record : records(outgoing)) {
                producer.send(record).get();
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send the second part of the sale", e);
        }
    }

    private static List<ProducerRecord<String, String>> records(List<Outgoing> outgoing) {
        return outgoing.stream()
                .map(o -> new ProducerRecord<>(o.topic(), o.partition(), o.key(), o.value()))
                .toList();
    }

    /** Final totals, the sold-out stock and the pacing checkpoint's evaluation, all committed. */
    private static boolean allResultsCommitted() {
        Totals expected = sale.expectedTotals();
        long stock = sale.expectedStock(LiveSale.HOT_ITEM, LiveSale.HOT_STOCK, sale.tailTs - 1);
        return output.latestCampaign(LiveSale.CAMPAIGN)
                        .filter(c -> LiveSale.shows(c, expected.gmvCents(), expected.orders(), expected.pv()))
                        .filter(c -> c.path("refunded").asText().equals(LiveSale.money(expected.refundedCents())))
                        .filter(c -> c.path("pacing").path(0).path("evaluated").asBoolean())
                        .isPresent()
                && output.latestItem(LiveSale.CAMPAIGN, LiveSale.HOT_ITEM)
                        .filter(i -> i.path("stock_remaining").asLong() == stock)
                        .isPresent();
    }


    private static String log(WarroomProcess process) {
        return process == null ? "(not started)" : process.logText();
    }
}
