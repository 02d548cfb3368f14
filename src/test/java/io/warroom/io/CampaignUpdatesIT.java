package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.warroom.cli.WarroomCli;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignVersion;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.testkit.InjectedFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A campaign changed while the live job runs, over a real broker: a target raised with {@code warroom campaign push}
 * mid-stream changes pacing alerts from its effective time on, survives a crash and restore from a checkpoint, and
 * invalid updates become dead-letter records and change nothing.
 *
 * <p>The campaign has five whole-minute pacing checkpoints C1..C5 (shares 0.1..0.5 of a 10000.00 target, 10%
 * tolerance) and sells 1000.00 before each of C1, C2 and C3: on track at each of them with that target. Orders are
 * sent in parts, each ending with a record at one instant on every input partition, and no partition is ever
 * marked idle, so event time is exactly where the last part left it and the test decides what is evaluated when:
 * <ol>
 *   <li>Up to C1 + 3 min: C1 is evaluated (on track) while {@code campaign-config} exists but is empty.</li>
 *   <li>{@code campaign push} raises the target to 20000.00 from E = C2 + 2.5 min; then an invalid update (a pacing
 *       checkpoint off the whole minute, target back to 10000.00 from C2 + 3 min), which push refuses, goes on the
 *       topic from a plain producer. Its dead-letter record, once committed, is a fence: the job read it after the
 *       raise (one partition, one reader), so the checkpoint that committed it holds the raise in every operator's
 *       broadcast state, while event time is still before C2.</li>
 *   <li>Up to C3 - 1 min: C2 is evaluated knowing the raise and stays on track (the raise starts after it); the
 *       campaign stats show the new target.</li>
 *   <li>A failure is armed on the third record of the next part, which reaches event time past C4 (5000.00 more
 *       sold): the job fails before event time reaches C3, restores from a checkpoint taken after the raise, and
 *       judges C3 (behind the raised plan: TARGET_SHORTFALL) and C4 (on track again: resolved).</li>
 *   <li>A pushed update moving the campaign's start (valid as a file, refused by the job) is dead-lettered by the
 *       restored job; then C5 is still judged by the raised target (behind again).</li>
 * </ol>
 * With the original target no checkpoint would be behind; with the raise applied from its arrival C2 would be; with
 * either invalid update applied C3 or C5 would be on track.
 *
 * <p>The last tests run a second job whose inputs all fall idle, to check the control input's watermarks.
 */
class CampaignUpdatesIT {
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    private static final long MINUTE = 60_000L;
    private static final String CAMPAIGN = "e2e-updates";
    private static final String ITEM = "sku-a";
    private static final KafkaTopics TOPICS = KafkaTopics.defaults();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            // The updated campaign's job and a job whose inputs all fall quiet run side by side.
            .setNumberSlotsPerTaskManager(2 * PARALLELISM)
            .build());

    @TempDir
    static Path files;

    // Event time within the last hour, whole minutes, as live traffic would have it.
    private static final long START =
            Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(40)).toEpochMilli();
    private static final long END = START + 60 * MINUTE;
    private static final long C1 = START + 5 * MINUTE;
    private static final long C2 = START + 10 * MINUTE;
    private static final long C3 = START + 15 * MINUTE;
    private static final long C4 = START + 20 * MINUTE;
    private static final long C5 = START + 25 * MINUTE;
    /** When the raised target is in force: between C2 and C3. */
    private static final long RAISE_FROM = C2 + 150_000L;
    /** As an operator types it: ISO-8601 with the sale's +08:00 offset. */
    private static final String RAISE_FROM_TEXT =
            Instant.ofEpochMilli(RAISE_FROM).atOffset(ZoneOffset.ofHours(8)).toString();
    /** The invalid updates' effective times: before C3 and before C5, so applying them would change those. */
    private static final long OFF_MINUTE_FROM = C2 + 3 * MINUTE;
    private static final long START_MOVED_FROM = C4 + 2 * MINUTE;

    private static KafkaClusterTestKit kafka;
    private static MiniCluster flinkCluster;
    private static String bootstrap;
    private static JobClient job;
    private static CommittedOutput output;

    private static Path raiseFile;
    private static Path offMinuteFile;
    private static Path startMovedFile;

    // What the scenario saw on its way, for the tests to judge.
    private static boolean firstCheckpointCommitted;
    private static JsonNode statsAtFirstCheckpoint;
    private static long updatesWhenFirstCheckpointEvaluated = -1;
    private static CliRun raisePush;
    private static CliRun refusedPush;
    private static long updatesBeforeRefusedPush = -1;
    private static long updatesAfterRefusedPush = -1;
    private static boolean offMinuteFenceCommitted;
    private static boolean raiseShownInStats;
    private static JsonNode statsWhenArmed;
    private static boolean restoredJobJudgedC3AndC4;
    private static CliRun startMovedPush;
    private static boolean startMovedFenceCommitted;
    private static boolean c5Judged;

    private record CliRun(int exit, String out, String err) {}

    @BeforeAll
    static void runCampaignThroughUpdatesAndFailure(@InjectMiniCluster MiniCluster flink) throws Exception {
        InjectedFailure.reset();
        flinkCluster = flink;
        kafka = LiveKafka.startBroker();
        bootstrap = kafka.bootstrapServers();
        LiveKafka.createTopics(bootstrap, TOPICS, PARTITIONS);
        raiseFile = Files.writeString(files.resolve("raise.yaml"), campaignYaml(START, "20000.00", C5));
        offMinuteFile = Files.writeString(files.resolve("off-minute.yaml"),
                campaignYaml(START, "10000.00", C5 + 30_000L) + "effective_from: \"" + iso(OFF_MINUTE_FROM) + "\"\n");
        startMovedFile = Files.writeString(files.resolve("start-moved.yaml"),
                campaignYaml(START - MINUTE, "10000.00", C5) + "effective_from: \"" + iso(START_MOVED_FROM) + "\"\n");

        // No input partition is marked idle while the test runs, and every part ends with a record on each of them:
        // event time is exactly what the records say, whatever the pauses between parts. (Idle inputs are the
        // business of the tests at the end.)
        job = LiveKafka.startMonitor(flink, PARALLELISM, CHECKPOINT_INTERVAL, Duration.ofMinutes(10),
                "e2e-updates.yaml", campaignYaml(START, "10000.00", C5), bootstrap, TOPICS, "warroom-updates");
        output = new CommittedOutput(bootstrap, TOPICS, PARTITIONS);

        try (KafkaProducer<String, String> producer = LiveKafka.producer(bootstrap)) {
            // 1. C1 evaluated while campaign-config is empty: the control input must not hold back event time.
            send(producer, paid("o-1", START + MINUTE, "1000.00"), paid("o-2", START + 6 * MINUTE, "1000.00"));
            send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "1", START + 8 * MINUTE));
            firstCheckpointCommitted = await(Duration.ofSeconds(60), () -> latestCampaign()
                    .filter(c -> evaluated(c, 0) && c.path("gmv").asText().equals("2000.00"))
                    .isPresent());
            statsAtFirstCheckpoint = latestCampaign().orElse(null);
            updatesWhenFirstCheckpointEvaluated = LiveKafka.endOffset(bootstrap, TOPICS.campaignConfig(), 0);

            // 2. The raise, then the invalid update that push refuses, published by hand as a fence.
            raisePush = cli("campaign", "push", raiseFile.toString(), "--bootstrap-servers", bootstrap,
                    "--effective-from", RAISE_FROM_TEXT);
            updatesBeforeRefusedPush = LiveKafka.endOffset(bootstrap, TOPICS.campaignConfig(), 0);
            refusedPush = cli("campaign", "push", offMinuteFile.toString(), "--bootstrap-servers", bootstrap);
            updatesAfterRefusedPush = LiveKafka.endOffset(bootstrap, TOPICS.campaignConfig(), 0);
            send(producer, new ProducerRecord<>(TOPICS.campaignConfig(), CAMPAIGN, Files.readString(offMinuteFile)));
            offMinuteFenceCommitted = await(Duration.ofSeconds(30), () -> deadLettered(1));

            // 3. C2 evaluated with the raise known; event time passes the raise's effective time, not C3.
            send(producer, paid("o-3", START + 11 * MINUTE, "1000.00"));
            send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "2", START + 14 * MINUTE));
            raiseShownInStats = await(Duration.ofSeconds(30), () -> latestCampaign()
                    .filter(c -> evaluated(c, 1) && c.path("gmv").asText().equals("3000.00")
                            && c.path("gmv_target").asText().equals("20000.00"))
                    .isPresent());
            statsWhenArmed = latestCampaign().orElse(null);

            // 4. The job fails on the third record of this part: two records at most have passed, each among the
            //    first two of its partition, so event time has not reached C3. After the restore, the part takes
            //    event time past C4 (5000.00 more sold); every partition still has records to give it.
            InjectedFailure.arm(3);
            send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "3", START + 14 * MINUTE + 10_000L));
            send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "4", START + 14 * MINUTE + 20_000L));
            send(producer, paid("o-4", START + 16 * MINUTE, "5000.00"));
            send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "5", START + 21 * MINUTE));
            restoredJobJudgedC3AndC4 = await(Duration.ofSeconds(60), () -> InjectedFailure.restarted()
                    && hasAlert("RESOLVED", C3)
                    && latestCampaign().filter(c -> evaluated(c, 3)).isPresent());

            // 5. An update the job must refuse (start moved), then C5.
            startMovedPush = cli("campaign", "push", startMovedFile.toString(), "--bootstrap-servers", bootstrap);
            startMovedFenceCommitted = await(Duration.ofSeconds(30), () -> deadLettered(2));
            send(producer, paid("o-5", START + 23 * MINUTE, "500.00"));
            send(producer, LiveKafka.ticks(TOPICS, PARTITIONS, "6", START + 26 * MINUTE));
            c5Judged = await(Duration.ofSeconds(30), () -> hasAlert("FIRED", C5)
                    && latestCampaign().filter(c -> evaluated(c, 4)).isPresent());
        }
        // A duplicate would be committed after the results already looked right; give it time to show.
        output.pollFor(CHECKPOINT_INTERVAL.multipliedBy(6));
    }

    @AfterAll
    static void stop() throws Exception {
        LiveKafka.stop(job, output, kafka);
    }

    @Test
    void aTargetRaisedMidStreamChangesPacingAlertsFromItsEffectiveTimeOn() {
        assertThat(firstCheckpointCommitted)
                .as("C1 evaluated while campaign-config is empty; latest stats %s", statsAtFirstCheckpoint)
                .isTrue();
        assertThat(updatesWhenFirstCheckpointEvaluated).as("records on campaign-config when C1 was evaluated")
                .isZero();
        assertThat(statsAtFirstCheckpoint.path("gmv_target").asText()).isEqualTo("10000.00");
        assertThat(pacing(statsAtFirstCheckpoint)).as("pacing when C1 was evaluated").containsExactly(
                tuple(C1, "1000.00", "1000.00", true, false),
                tuple(C2, "2000.00", "2000.00", false, false),
                tuple(C3, "3000.00", "2000.00", false, false),
                tuple(C4, "4000.00", "2000.00", false, false),
                tuple(C5, "5000.00", "2000.00", false, false));

        assertThat(raisePush.exit()).as("push exit code; %s", raisePush).isZero();
        assertThat(offMinuteFenceCommitted).as("the update after the raise dead-lettered, before C2").isTrue();
        assertThat(raiseShownInStats).as("stats show the raised target once event time passes its effective time; "
                + "latest %s", latestCampaign()).isTrue();
        // The raise was in every operator's state before C2 was due, and C2 lies before its effective time.
        assertThat(statsWhenArmed.path("watermark").asLong()).isBetween(RAISE_FROM, C3 - 2);
        assertThat(pacing(statsWhenArmed)).as("pacing with the raise in force at the watermark").containsExactly(
                // evaluated before the raise: they keep the plan they were judged against
                tuple(C1, "1000.00", "1000.00", true, false),
                tuple(C2, "2000.00", "2000.00", true, false),
                tuple(C3, "6000.00", "3000.00", false, false),
                tuple(C4, "8000.00", "3000.00", false, false),
                tuple(C5, "10000.00", "3000.00", false, false));

        // Every committed record shows the target in force at its watermark: the original one before the raise's
        // effective time, the raised one after it (before and after the restore, and never an invalid update's).
        List<JsonNode> records = output.campaignRecords(CAMPAIGN);
        assertThat(records).isNotEmpty();
        assertThat(records).anyMatch(r -> r.path("watermark").asLong() < RAISE_FROM);
        for (JsonNode record : records) {
            String expected = record.path("watermark").asLong() >= RAISE_FROM ? "20000.00" : "10000.00";
            assertThat(record.path("gmv_target").asText()).as("gmv_target of %s", record).isEqualTo(expected);
        }

        // TARGET_SHORTFALL first fires at C3, the first checkpoint at or after the raise's effective time.
        List<Long> firedAt = output.alerts.stream()
                .filter(CampaignUpdatesIT::isFired)
                .map(a -> a.path("fired_at").asLong())
                .toList();
        assertThat(firedAt).as("fired TARGET_SHORTFALL alerts").isNotEmpty();
        assertThat(Collections.min(firedAt)).as("first fired_at").isEqualTo(C3);
    }

    @Test
    void theRestoredJobKeepsTheRaisedTargetAndFiresEachAlertOnce() {
        assertThat(InjectedFailure.fired()).as("the injected failure happened").isTrue();
        assertThat(InjectedFailure.restarted()).as("the job restarted after the failure").isTrue();
        assertThat(restoredJobJudgedC3AndC4).as("C3 and C4 judged after the restore; latest %s, alerts %s",
                latestCampaign(), output.alerts).isTrue();
        // Armed with event time before C3 and failing before any order at or past it: the restored job judged C3.
        assertThat(statsWhenArmed.path("watermark").asLong()).isLessThan(C3 - 1);
        assertThat(c5Judged).as("C5 judged; latest %s, alerts %s", latestCampaign(), output.alerts).isTrue();

        String id3 = AlertEvent.idOf(CAMPAIGN, AlertType.TARGET_SHORTFALL, null, null, C3);
        String id5 = AlertEvent.idOf(CAMPAIGN, AlertType.TARGET_SHORTFALL, null, null, C5);
        assertThat(output.alerts)
                .extracting(a -> a.path("id").asText(), a -> a.path("type").asText(), a -> a.path("state").asText(),
                        a -> a.path("campaign_id").asText(), a -> a.path("item_id").isNull(),
                        a -> a.path("fired_at").asLong(), a -> a.path("resolved_at").isNull()
                                ? null : a.path("resolved_at").asLong(),
                        a -> a.path("observed").asText(), a -> a.path("threshold").asText())
                .containsExactlyInAnyOrder(
                        tuple(id3, "TARGET_SHORTFALL", "FIRED", CAMPAIGN, true, C3, null, "3000.00", "5400.00"),
                        tuple(id3, "TARGET_SHORTFALL", "RESOLVED", CAMPAIGN, true, C3, C4, "8000.00", "7200.00"),
                        tuple(id5, "TARGET_SHORTFALL", "FIRED", CAMPAIGN, true, C5, null, "8500.00", "9000.00"));
        assertThat(output.alerts).filteredOn(a -> a.path("fired_at").asLong() == C3 && isFired(a))
                .extracting(a -> a.path("summary").asText())
                .containsExactly(CAMPAIGN + ": gmv 3000.00 by " + iso(C3)
                        + " against a plan of 6000.00 (shortfall below 5400.00)");

        JsonNode last = latestCampaign().orElseThrow();
        assertThat(last.path("gmv").asText()).isEqualTo("8500.00");
        assertThat(last.path("orders").asLong()).isEqualTo(5);
        assertThat(last.path("gmv_target").asText()).isEqualTo("20000.00");
        assertThat(pacing(last)).as("pacing at the end").containsExactly(
                // evaluated before the raise: they keep the plan they were judged against
                tuple(C1, "1000.00", "1000.00", true, false),
                tuple(C2, "2000.00", "2000.00", true, false),
                tuple(C3, "6000.00", "3000.00", true, true),
                tuple(C4, "8000.00", "8000.00", true, false),
                tuple(C5, "10000.00", "8500.00", true, true));

        // Output rolled back or doubled by the restore would show as a step back.
        List<BigDecimal> gmv = output.campaignRecords(CAMPAIGN).stream()
                .map(r -> new BigDecimal(r.path("gmv").asText()))
                .toList();
        assertThat(gmv).isSortedAccordingTo(BigDecimal::compareTo);
    }

    @Test
    void invalidUpdatesAreDeadLetteredAndChangeNothing() throws Exception {
        // push validates as strictly as the job and publishes nothing it refuses.
        assertThat(refusedPush.exit()).as("exit code of a refused push; %s", refusedPush).isEqualTo(2);
        assertThat(refusedPush.out()).isEmpty();
        assertThat(refusedPush.err().lines().toList()).containsExactly(
                "Campaign update refused:",
                "  " + offMinuteFile + ": pacing[4].at: must be on a whole minute (or be the campaign's end)");
        assertThat(updatesAfterRefusedPush).as("records on campaign-config after the refused push")
                .isEqualTo(updatesBeforeRefusedPush)
                .isEqualTo(1);
        // A moved start is valid on its own; only the job knows what was published before.
        assertThat(startMovedPush.exit()).as("push of a file that moves the start; %s", startMovedPush).isZero();

        assertThat(offMinuteFenceCommitted).as("off-minute update dead-lettered").isTrue();
        assertThat(startMovedFenceCommitted).as("start-moving update dead-lettered").isTrue();
        String startMovedJson = LiveKafka.readAll(bootstrap, TOPICS.campaignConfig(), 0).get(2).value();
        // Exactly one record each: the restored job did not read the topic again.
        assertThat(output.rejected)
                .extracting(r -> r.path("stream").asText(), r -> r.path("origin").asText(),
                        r -> r.path("reason").asText(), r -> r.path("detail").asText(),
                        r -> r.path("payload").asText())
                .containsExactlyInAnyOrder(
                        tuple("campaign-config", "campaign-config/0@1", "invalid_campaign",
                                "campaign-config/0@1: pacing[4].at: must be on a whole minute (or be the campaign's "
                                        + "end)",
                                Files.readString(offMinuteFile)),
                        tuple("campaign-config", "campaign-config/0@2", "invalid_campaign",
                                "campaign " + CAMPAIGN + ": start and end cannot change once published (publish a "
                                        + "new campaign_id instead)",
                                startMovedJson));

        // Applied, the first would have put C3 on track against 10000.00, the second C5.
        assertThat(output.alerts).filteredOn(CampaignUpdatesIT::isFired)
                .extracting(a -> a.path("fired_at").asLong(), a -> a.path("threshold").asText())
                .containsExactlyInAnyOrder(tuple(C3, "5400.00"), tuple(C5, "9000.00"));
        assertThat(latestCampaign().orElseThrow().path("gmv_target").asText()).isEqualTo("20000.00");
    }

    @Test
    void pushPublishesTheValidatedUpdateKeyedByCampaignWithItsEffectiveTime() throws Exception {
        assertThat(raisePush.exit()).as("%s", raisePush).isZero();
        assertThat(raisePush.err()).isEmpty();
        assertThat(raisePush.out().strip()).isEqualTo("Published " + CAMPAIGN + ", in force from " + iso(RAISE_FROM)
                + ", to " + TOPICS.campaignConfig() + "/0@0.");
        assertThat(startMovedPush.out().strip()).isEqualTo("Published " + CAMPAIGN + ", in force from "
                + iso(START_MOVED_FROM) + ", to " + TOPICS.campaignConfig() + "/0@2.");

        List<ConsumerRecord<String, String>> updates = LiveKafka.readAll(bootstrap, TOPICS.campaignConfig(), 0);
        assertThat(updates).extracting(ConsumerRecord::key).containsExactly(CAMPAIGN, CAMPAIGN, CAMPAIGN);
        JsonNode published = JSON.readTree(updates.get(0).value());
        assertThat(published).isEqualTo(expectedUpdate(raiseFile, RAISE_FROM_TEXT));
        CampaignVersion version = CampaignLoader.parseUpdate("published",
                updates.get(0).value().getBytes(StandardCharsets.UTF_8));
        assertThat(version.effectiveFrom()).isEqualTo(RAISE_FROM);
        assertThat(version.definition().gmvTargetCents()).isEqualTo(2_000_000L);
        // The file's own effective_from when no --effective-from is given.
        assertThat(JSON.readTree(updates.get(2).value()).path("effective_from").asText())
                .isEqualTo(iso(START_MOVED_FROM));
    }

    @Test
    void dryRunPrintsTheUpdateAndPublishesNothing() throws Exception {
        long before = LiveKafka.endOffset(bootstrap, TOPICS.campaignConfig(), 0);

        CliRun withFlag = cli("campaign", "push", raiseFile.toString(), "--bootstrap-servers", bootstrap,
                "--effective-from", RAISE_FROM_TEXT, "--dry-run");
        CliRun fromFile = cli("campaign", "push", startMovedFile.toString(), "--bootstrap-servers", bootstrap,
                "--dry-run");

        assertThat(withFlag.exit()).as("%s", withFlag).isZero();
        assertThat(withFlag.err()).isEmpty();
        assertThat(withFlag.out().lines().toList()).hasSize(1);
        assertThat(JSON.readTree(withFlag.out())).isEqualTo(expectedUpdate(raiseFile, RAISE_FROM_TEXT));
        // What push publishes is exactly what the dry run shows.
        assertThat(withFlag.out().strip())
                .isEqualTo(LiveKafka.readAll(bootstrap, TOPICS.campaignConfig(), 0).get(0).value());
        assertThat(fromFile.exit()).as("%s", fromFile).isZero();
        assertThat(JSON.readTree(fromFile.out())).isEqualTo(expectedUpdate(startMovedFile, iso(START_MOVED_FROM)));
        assertThat(LiveKafka.endOffset(bootstrap, TOPICS.campaignConfig(), 0)).as("records on campaign-config")
                .isEqualTo(before)
                .isEqualTo(3);
    }

    /**
     * Live traffic stops, and the job runs without the wall-clock watermark ({@code --no-wall-clock-watermark}, as
     * for historical events): every input partition is marked idle, and event time must stand still until events
     * come again. The control input is idle too, so it must not carry the operators it feeds anywhere: standing at
     * the final watermark, it made every operator jump to the end of time, closing every item and campaign.
     */
    @Test
    void whileEveryInputIsIdleTheControlInputDoesNotMoveEventTime() throws Exception {
        QuietRun run = pauseEveryInput("quiet-items", false,
                out -> latestItem(out).filter(i -> i.path("orders").asLong() == 2).isPresent());

        assertThat(run.firstCounted()).as("the first order counted; item %s", run.item()).isTrue();
        assertThat(run.secondCounted()).as("the order after the pause counted; item %s", run.item()).isTrue();
        assertThat(run.item().path("gmv").asText()).isEqualTo("2000.00");
        assertThat(run.item().path("closed").asBoolean()).as("item closed").isFalse();
        assertThat(run.item().path("watermark").asLong()).as("item watermark").isLessThan(C1);
    }

    /** The same for the campaign, whose stats also take the bootstrap input that opens every campaign. */
    @Test
    void whileEveryInputIsIdleCampaignEventTimeStandsStill() throws Exception {
        QuietRun run = pauseEveryInput("quiet-campaign", false, out -> out.latestCampaign(QUIET)
                .filter(c -> c.path("orders").asLong() == 2)
                .isPresent());

        assertThat(run.secondCounted()).as("the order after the pause counted; campaign %s", run.campaign())
                .isTrue();
        assertThat(run.campaign().path("gmv").asText()).isEqualTo("2000.00");
        assertThat(run.campaign().path("closed").asBoolean()).as("campaign closed").isFalse();
        assertThat(run.campaign().path("pacing").path(0).path("evaluated").asBoolean())
                .as("pacing checkpoint at %s evaluated", iso(C1))
                .isFalse();
        assertThat(run.alerts()).isEmpty();
    }

    /**
     * The same after a restore. The inputs that open the campaign and its items at start have done their work long
     * before the checkpoint the job restores from; a finished input is restored finished and at the end of time,
     * so once every live partition fell idle it carried event time there: the campaign closed, its checkpoint was
     * judged, and every order after the pause was dropped.
     */
    @Test
    void afterARestoreWhileEveryInputIsIdleEventTimeStandsStill() throws Exception {
        long failuresBefore = InjectedFailure.failures();
        QuietRun run = pauseEveryInput("quiet-restored", true, out -> out.latestCampaign(QUIET)
                .filter(c -> c.path("orders").asLong() == 3)
                .isPresent());

        assertThat(InjectedFailure.failures()).as("the job failed once and restored").isEqualTo(failuresBefore + 1);
        assertThat(run.secondCounted()).as("the order after the pause counted; campaign %s", run.campaign())
                .isTrue();
        assertThat(run.campaign().path("gmv").asText()).isEqualTo("3000.00");
        assertThat(run.campaign().path("closed").asBoolean()).as("campaign closed").isFalse();
        assertThat(run.campaign().path("watermark").asLong()).as("campaign watermark").isLessThan(C1);
        assertThat(run.campaign().path("pacing").path(0).path("evaluated").asBoolean())
                .as("pacing checkpoint at %s evaluated", iso(C1))
                .isFalse();
        assertThat(run.item().path("closed").asBoolean()).as("item closed").isFalse();
        assertThat(run.alerts()).isEmpty();
    }

    private static final String QUIET = "quiet";

    private record QuietRun(boolean firstCounted, boolean secondCounted, JsonNode item, JsonNode campaign,
            List<JsonNode> alerts) {}

    /**
     * A campaign (one item listed with a stock of 100, one pacing checkpoint at C1) with an order at START + 1 min,
     * then a pause long enough for every input partition to be marked idle (after 1 s), then an order at
     * START + 2 min. With {@code restore}, the job first fails on an order at START + 90 s and restores from the
     * checkpoint that committed the first order, so the pause comes right after a restore.
     */
    private static QuietRun pauseEveryInput(String name, boolean restore, Predicate<CommittedOutput> secondCounted)
            throws Exception {
        KafkaTopics topics = new KafkaTopics(name + "-clicks", name + "-carts", name + "-orders",
                name + "-inventory", name + "-stats", name + "-alerts", name + "-rejected",
                name + "-campaign-config");
        LiveKafka.createTopics(bootstrap, topics, PARTITIONS);
        String campaign = String.join("\n",
                "campaign_id: " + QUIET,
                "start: \"" + iso(START) + "\"",
                "end: \"" + iso(END) + "\"",
                "gmv_target: \"10000.00\"",
                "pacing:",
                "  - { at: \"" + iso(C1) + "\", share: 0.1 }",
                "items:",
                "  - { item_id: " + ITEM + ", stock: 100 }",
                "");
        JobClient quietJob = LiveKafka.startMonitor(flinkCluster, PARALLELISM, CHECKPOINT_INTERVAL,
                Duration.ofSeconds(1), QUIET + ".yaml", campaign, bootstrap, topics, "warroom-" + name);
        try (KafkaProducer<String, String> producer = LiveKafka.producer(bootstrap);
                CommittedOutput out = new CommittedOutput(bootstrap, topics, PARTITIONS)) {
            producer.send(new ProducerRecord<>(topics.orders(), 0, "q-1",
                    LiveKafka.order("q-1", START + MINUTE, "paid", ITEM, "1000.00"))).get();
            boolean first = out.awaitWhileRunning(quietJob, Duration.ofSeconds(60), () -> latestItem(out)
                    .filter(i -> i.path("orders").asLong() == 1)
                    .isPresent());
            if (restore) {
                InjectedFailure.arm(1);
                producer.send(new ProducerRecord<>(topics.orders(), 0, "q-restore",
                        LiveKafka.order("q-restore", START + 90_000L, "paid", ITEM, "1000.00"))).get();
                out.awaitWhileRunning(quietJob, Duration.ofSeconds(60), () -> latestItem(out)
                        .filter(i -> i.path("orders").asLong() == 2)
                        .isPresent());
            }
            // The precondition, not an assertion: long enough for every partition to have been idle for a while.
            out.pollFor(Duration.ofSeconds(4));
            producer.send(new ProducerRecord<>(topics.orders(), 0, "q-2",
                    LiveKafka.order("q-2", START + 2 * MINUTE, "paid", ITEM, "1000.00"))).get();
            boolean second = out.awaitWhileRunning(quietJob, Duration.ofSeconds(30), () -> secondCounted.test(out));
            return new QuietRun(first, second, latestItem(out).orElse(null), out.latestCampaign(QUIET).orElse(null),
                    List.copyOf(out.alerts));
        } finally {
            quietJob.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static Optional<JsonNode> latestItem(CommittedOutput out) {
        return out.latestItem(QUIET, ITEM);
    }

    /** The campaign file with its fields in order and effective_from last, as JSON. */
    private static JsonNode expectedUpdate(Path file, String effectiveFrom) throws Exception {
        ObjectNode expected = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        expected.put(CampaignLoader.EFFECTIVE_FROM, effectiveFrom);
        return JSON.readTree(expected.toString());
    }

    private static String campaignYaml(long start, String target, long fifthCheckpoint) {
        return String.join("\n",
                "campaign_id: " + CAMPAIGN,
                "name: Campaign updates end-to-end",
                "start: \"" + iso(start) + "\"",
                "end: \"" + iso(END) + "\"",
                "gmv_target: \"" + target + "\"",
                "shortfall_tolerance: 0.10",
                "pacing:",
                "  - { at: \"" + iso(C1) + "\", share: 0.1 }",
                "  - { at: \"" + iso(C2) + "\", share: 0.2 }",
                "  - { at: \"" + iso(C3) + "\", share: 0.3 }",
                "  - { at: \"" + iso(C4) + "\", share: 0.4 }",
                "  - { at: \"" + iso(fifthCheckpoint) + "\", share: 0.5 }",
                "");
    }

    /** A paid order of one line, on orders partition 0 (every order in event-time order). */
    private static ProducerRecord<String, String> paid(String orderId, long ts, String unitPrice) {
        return new ProducerRecord<>(TOPICS.orders(), 0, orderId, LiveKafka.order(orderId, ts, "paid", ITEM, unitPrice));
    }

    @SafeVarargs
    private static void send(KafkaProducer<String, String> producer, ProducerRecord<String, String>... records)
            throws Exception {
        LiveKafka.send(producer, List.of(records));
    }

    private static void send(KafkaProducer<String, String> producer, List<ProducerRecord<String, String>> records)
            throws Exception {
        LiveKafka.send(producer, records);
    }

    private static CliRun cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new WarroomCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    private static boolean await(Duration timeout, BooleanSupplier condition) {
        return output.awaitWhileRunning(job, timeout, condition);
    }

    private static Optional<JsonNode> latestCampaign() {
        return output.latestCampaign(CAMPAIGN);
    }

    private static boolean evaluated(JsonNode campaign, int checkpoint) {
        return campaign.path("pacing").path(checkpoint).path("evaluated").asBoolean();
    }

    private static boolean deadLettered(int offset) {
        return output.rejected.stream()
                .anyMatch(r -> r.path("origin").asText().equals(TOPICS.campaignConfig() + "/0@" + offset));
    }

    private static boolean hasAlert(String state, long firedAt) {
        Predicate<JsonNode> matches = a -> a.path("state").asText().equals(state)
                && a.path("fired_at").asLong() == firedAt;
        return output.alerts.stream().anyMatch(matches);
    }

    private static boolean isFired(JsonNode alert) {
        return alert.path("state").asText().equals("FIRED");
    }

    /** Each checkpoint as (at, planned_gmv, gmv_before, evaluated, behind). */
    private static List<Tuple> pacing(JsonNode campaign) {
        List<Tuple> checkpoints = new ArrayList<>();
        for (JsonNode p : campaign.path("pacing")) {
            checkpoints.add(tuple(p.path("at").asLong(), p.path("planned_gmv").asText(),
                    p.path("gmv_before").asText(), p.path("evaluated").asBoolean(), p.path("behind").asBoolean()));
        }
        return checkpoints;
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
