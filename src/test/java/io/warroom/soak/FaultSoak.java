package io.warroom.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.MonitorOptions;
import io.warroom.generator.SaleSettings;
import io.warroom.io.KafkaTopics;
import io.warroom.model.StreamKind;
import io.warroom.soak.FaultSchedule.Fault;
import io.warroom.testkit.CommittedRecords;
import io.warroom.testkit.CommittedRecords.Committed;
import io.warroom.testkit.WarroomProcess;
import io.warroom.testkit.WarroomProcess.Checkpoint;
import io.warroom.testkit.Ports;
import io.warroom.testkit.RestartableKafka;
import io.warroom.testkit.SoakSale;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs one fault soak: a real broker in this JVM, {@code warroom run} as its own process, a generated sale with
 * poison sent at a steady rate, and faults injected on a seeded schedule (SIGKILL and restore from the newest
 * retained checkpoint, a quiet spell after a restore, a broker restart). At the end it moves event time past the
 * campaign's end plus retention, waits until the job has read and committed everything, and keeps what a
 * {@code read_committed} consumer saw. Every fault is logged with its time, to the console and to
 * {@code faults.log} beside the job's log.
 */
final class FaultSoak implements AutoCloseable {
    static final KafkaTopics TOPICS = KafkaTopics.defaults();
    static final int PARTITIONS = 2;
    /** {@code warroom run}'s default consumer group: the soak starts the job with its defaults where it can. */
    static final String GROUP = "warroom";
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    static final Duration RETENTION = Duration.ofMinutes(1);
    static final Duration IDLE_TIMEOUT = MonitorOptions.IDLE_TIMEOUT.defaultValue();
    /** Longer than the idle timeout plus 25 s: every partition idle, long enough for anything idleness triggers. */
    static final Duration QUIET = IDLE_TIMEOUT.plusSeconds(30);
    /** The longest any one step may take on a loaded two-core machine; a bound, never a measurement. */
    static final Duration PATIENCE = Duration.ofMinutes(3);
    static final String HEAP = "1g";

    /** What a run does; the defaults are the short version CI runs. */
    record Settings(long seed, int saleMinutes, int faults, Duration sendTime, double peakRate) {
        static Settings fromSystemProperties() {
            int minutes = Integer.getInteger("warroom.soak.minutes", 10);
            int faults = Integer.getInteger("warroom.soak.faults", 4);
            long sendSeconds = Long.getLong("warroom.soak.send-seconds", Math.max(60L, 15L * faults));
            return new Settings(Long.getLong("warroom.soak.seed", 11L), minutes, faults,
                    Duration.ofSeconds(sendSeconds),
                    Double.parseDouble(System.getProperty("warroom.soak.peak-rate", "60")));
        }
    }

    final Settings settings;
    final SoakSale sale;
    final FaultSchedule schedule;
    final Path runDir;
    final Path jobLog;
    final List<String> faultLog = new ArrayList<>();
    final List<Integer> killExitCodes = new ArrayList<>();
    int faultsDone;
    int jobStarts;
    long tailTs;
    long tailRecords;
    boolean inputConsumed;
    boolean campaignClosedSeen;
    Integer jobExitCode;

    private final Path work;
    private final Path checkpoints;
    private final Path campaignFile;
    private final Random random;
    private final long startedNanos = System.nanoTime();
    private RestartableKafka kafka;
    private Admin admin;
    private WarroomProcess job;
    private long jobStartCheckpoint;
    private SteadySender sender;
    CommittedRecords output;

    FaultSoak(Settings settings) throws IOException {
        this.settings = settings;
        this.random = new Random(settings.seed());
        OffsetDateTime start = SaleSettings.DEFAULT_START;
        Instant latestUsable = Instant.now().minus(Duration.ofDays(1));
        if (start.toInstant().isAfter(latestUsable)) {
            // Historical events are the point of --no-wall-clock-watermark; keep the sale in the past.
            start = latestUsable.truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.ofHours(8));
        }
        this.sale = SoakSale.generate(settings.seed(), start, Duration.ofMinutes(settings.saleMinutes()),
                settings.peakRate(), 0.01, settings.saleMinutes());
        this.schedule = FaultSchedule.draw(settings.seed(), settings.faults(), sale.records.size());
        this.runDir = Path.of("target", "soak",
                DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()))
                .toAbsolutePath();
        Files.createDirectories(runDir);
        this.jobLog = runDir.resolve("job.log");
        this.work = Files.createTempDirectory("warroom-soak-");
        this.checkpoints = work.resolve("checkpoints");
        this.campaignFile = work.resolve("campaigns").resolve("soak.yaml");
        Files.createDirectories(campaignFile.getParent());
        Files.writeString(campaignFile, sale.campaignYaml);
    }

    /** The whole soak; throws only when the harness cannot go on (the job died by itself, a step never came). */
    void run() throws Exception {
        log("setup", String.format("seed %d; sale %s..%s (%d min), %,d records of which %,d poison %s; "
                        + "faults %s; sending over %ds; job log %s",
                settings.seed(), Instant.ofEpochMilli(sale.start), Instant.ofEpochMilli(sale.end),
                settings.saleMinutes(), sale.records.size(), sale.poison().size(), sale.poisonByKind(),
                schedule.faults(), settings.sendTime().toSeconds(), jobLog));
        kafka = RestartableKafka.startFresh(work);
        createTopics();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        admin = Admin.create(props);
        output = new CommittedRecords(kafka.bootstrapServers(),
                List.of(TOPICS.stats(), TOPICS.alerts(), TOPICS.rejected()), PARTITIONS);
        startJob(null);
        sender = new SteadySender(kafka.bootstrapServers(), sale.records, TOPICS.topicByStream(),
                settings.sendTime());
        List<Fault> faults = schedule.faults();
        sender.holdAt(faults.isEmpty() ? Long.MAX_VALUE : faults.get(0).atRecord());
        sender.start();
        log("sending", "the sale starts");

        for (int i = 0; i < faults.size(); i++) {
            Fault fault = faults.get(i);
            long nextFault = i + 1 < faults.size() ? faults.get(i + 1).atRecord() : Long.MAX_VALUE;
            await(settings.sendTime().multipliedBy(3).plus(PATIENCE),
                    "the feed to reach record " + fault.atRecord(), () -> sender.sent() >= fault.atRecord());
            switch (fault.kind()) {
                case KILL -> {
                    awaitCheckpointBeforeKill();
                    sender.holdAt(nextFault);
                    killAndRestore();
                }
                case KILL_THEN_QUIET -> {
                    // The feed stays held through the restore and the quiet spell.
                    awaitCheckpointBeforeKill();
                    killAndRestore();
                    quietSpell();
                    sender.holdAt(nextFault);
                    log("quiet-over", "the feed resumes");
                }
                case BROKER_BOUNCE -> {
                    sender.holdAt(nextFault);
                    bounceBroker();
                }
            }
            faultsDone++;
        }
        await(settings.sendTime().multipliedBy(3).plus(PATIENCE), "the feed to send the whole sale", sender::done);
        if (!sender.awaitDone(PATIENCE)) {
            throw new IllegalStateException("the feed did not finish; " + context());
        }
        log("sent", String.format("%,d records handed over, %,d acknowledged", sender.sent(),
                sender.acknowledged()));
        sendTail();
        awaitCompletion();
    }

    private void createTopics() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin a = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : List.of(TOPICS.clicks(), TOPICS.carts(), TOPICS.orders(), TOPICS.inventory(),
                    TOPICS.stats(), TOPICS.alerts(), TOPICS.rejected())) {
                topics.add(new NewTopic(topic, PARTITIONS, (short) 1));
            }
            topics.add(new NewTopic(TOPICS.campaignConfig(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")));
            a.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private void startJob(Checkpoint restore) throws IOException {
        jobStarts++;
        jobStartCheckpoint = WarroomProcess.newestCheckpoint(checkpoints).map(Checkpoint::id).orElse(-1L);
        List<String> args = new ArrayList<>(List.of("run",
                "--campaign", campaignFile.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--checkpoint-dir", checkpoints.toUri().toString(),
                "--checkpoint-interval", CHECKPOINT_INTERVAL.toMillis() + "ms",
                "--retention", RETENTION.toSeconds() + "s",
                "--no-wall-clock-watermark",
                "--metrics-port", Integer.toString(Ports.free())));
        if (restore != null) {
            // As ops restart it: the job finds its newest checkpoint itself.
            args.add("--restore");
            args.add("latest");
        }
        job = WarroomProcess.start(args, HEAP, jobLog, "job #" + jobStarts
                + (restore == null ? ", fresh start" : ", restoring the latest checkpoint, chk-" + restore.id()));
        log("job-start", "job #" + jobStarts + " pid " + job.pid()
                + (restore == null ? " (fresh)" : " with --restore latest, the newest being " + restore.directory()));
        if (restore != null) {
            String restoring = "Restoring from checkpoint " + restore.id() + " at ";
            await(PATIENCE, "job #" + jobStarts + " to say it restores chk-" + restore.id(),
                    () -> !job.logLines(restoring).isEmpty() || !job.logLines("Restoring from").isEmpty());
            if (job.logLines(restoring).isEmpty()) {
                throw new IllegalStateException("job #" + jobStarts + " with --restore latest did not restore chk-"
                        + restore.id() + ", the newest complete checkpoint: " + job.logLines("Restoring from")
                        + "; " + context());
            }
        }
    }

    /**
     * A kill needs a checkpoint of the running job to restore. A restored job can take longer to get there than the
     * feed takes to reach the next fault; the feed then waits at the fault's record, so the fault lands there.
     */
    private void awaitCheckpointBeforeKill() {
        if (newestCheckpointId() > jobStartCheckpoint) {
            return;
        }
        log("feed-held", String.format("at record %,d until job #%d completes a checkpoint", sender.sent(),
                jobStarts));
        await(PATIENCE, "job #" + jobStarts + " to complete a checkpoint before it is killed",
                () -> newestCheckpointId() > jobStartCheckpoint);
    }

    private void killAndRestore() throws Exception {
        // A random moment between checkpoints, so some kills land mid-checkpoint and mid-transaction.
        pollFor(Duration.ofMillis(random.nextInt(2 * (int) CHECKPOINT_INTERVAL.toMillis())));
        long pid = job.pid();
        int exit = job.kill();
        killExitCodes.add(exit);
        if (exit != WarroomProcess.SIGKILL_EXIT) {
            throw new IllegalStateException("job pid " + pid + " ended with exit code " + exit + ", not by SIGKILL ("
                    + WarroomProcess.SIGKILL_EXIT + "); " + context());
        }
        Checkpoint newest = WarroomProcess.newestCheckpoint(checkpoints)
                .orElseThrow(() -> new IllegalStateException("no complete checkpoint to restore; " + context()));
        log("SIGKILL", String.format("job #%d pid %d killed (exit %d) with the feed at record %,d, event time %s; "
                        + "newest complete checkpoint chk-%d", jobStarts, pid, exit, sender.sent(),
                Instant.ofEpochMilli(sender.eventTime()), newest.id()));
        startJob(newest);
    }

    /** The feed is held; the restored job catches up, then gets no input at all for {@link #QUIET}. */
    private void quietSpell() throws Exception {
        await(PATIENCE, "the feed to stand still", sender::parked);
        sender.flush();
        long handedOver = sender.sent();
        await(PATIENCE, "restored job #" + jobStarts + " to complete a checkpoint",
                () -> newestCheckpointId() > jobStartCheckpoint);
        await(PATIENCE, "restored job #" + jobStarts + " to read everything sent before the quiet spell",
                this::inputConsumed);
        log("quiet", String.format("no input for %ds from now (feed stopped at record %,d, event time %s)",
                QUIET.toSeconds(), handedOver, Instant.ofEpochMilli(sender.eventTime())));
        pollFor(QUIET);
    }

    private void bounceBroker() throws Exception {
        long before = newestCheckpointId();
        log("broker-stop", String.format("with the feed at record %,d, event time %s", sender.sent(),
                Instant.ofEpochMilli(sender.eventTime())));
        kafka.stop();
        long downMillis = 3_000 + random.nextInt(6_000);
        Thread.sleep(downMillis);
        kafka.start();
        log("broker-start", "same log directory and port, after " + downMillis + " ms down");
        await(PATIENCE, "job #" + jobStarts + " to complete a checkpoint after the broker restart",
                () -> newestCheckpointId() > Math.max(before, jobStartCheckpoint));
        log("broker-ok", "the job completed checkpoint chk-" + newestCheckpointId() + " after the restart");
    }

    /**
     * One valid record per input partition, well after the campaign's end plus retention and outside the campaign:
     * watermarks are per partition, so every one must move for event time to pass the end and release the campaign.
     */
    private void sendTail() throws Exception {
        tailTs = sale.end + RETENTION.toMillis() + Duration.ofMinutes(2).toMillis();
        for (int p = 0; p < PARTITIONS; p++) {
            Map<StreamKind, String> json = new HashMap<>();
            json.put(StreamKind.CLICK, "{\"event_id\":\"tail-click-" + p + "\",\"ts\":" + tailTs
                    + ",\"user_id\":\"u-tail\",\"item_id\":\"tail-item\",\"channel\":\"app\"}");
            json.put(StreamKind.CART, "{\"event_id\":\"tail-cart-" + p + "\",\"ts\":" + tailTs
                    + ",\"user_id\":\"u-tail\",\"item_id\":\"tail-item\",\"quantity\":1}");
            json.put(StreamKind.ORDER, "{\"order_id\":\"tail-order-" + p + "\",\"ts\":" + tailTs
                    + ",\"user_id\":\"u-tail\",\"status\":\"created\",\"lines\":[{\"item_id\":\"tail-item\","
                    + "\"quantity\":1,\"unit_price\":\"1.00\"}]}");
            json.put(StreamKind.INVENTORY, "{\"ts\":" + tailTs + ",\"item_id\":\"tail-item\",\"stock\":1}");
            for (Map.Entry<StreamKind, String> e : json.entrySet()) {
                sender.sendNow(new ProducerRecord<>(TOPICS.topicByStream().get(e.getKey()), p, "tail",
                        e.getValue().getBytes(StandardCharsets.UTF_8)));
                tailRecords++;
            }
        }
        log("tail", "one record per input partition at " + Instant.ofEpochMilli(tailTs)
                + " (campaign end + retention + 2 min)");
    }

    private void awaitCompletion() throws Exception {
        inputConsumed = await(PATIENCE.multipliedBy(2), null, this::inputConsumed);
        log("consumed", inputConsumed ? "the job committed offsets at the end of every input partition"
                : "the job did NOT commit the end of every input partition within " + PATIENCE.multipliedBy(2));
        campaignClosedSeen = await(PATIENCE, null, () -> latestCampaign().map(c -> c.path("closed").asBoolean())
                .orElse(false));
        log("closed", campaignClosedSeen ? "the campaign's closed record is committed"
                : "no closed campaign record within " + PATIENCE);
        // Anything committed late, a duplicate above all, gets some checkpoints' time to show.
        pollFor(CHECKPOINT_INTERVAL.multipliedBy(5));
        jobExitCode = job.exitCode();
        dumpOutputs();
        log("done", String.format("%,d stats, %,d alerts, %,d dead letters committed", stats().size(),
                output.of(TOPICS.alerts()).size(), output.of(TOPICS.rejected()).size()));
    }

    /** What the consumer saw, one file per topic beside the logs, for a look after a failure. */
    private void dumpOutputs() throws IOException {
        for (String topic : List.of(TOPICS.stats(), TOPICS.alerts(), TOPICS.rejected())) {
            StringBuilder lines = new StringBuilder();
            for (Committed c : output.of(topic)) {
                lines.append(c.partition()).append('\t').append(c.offset()).append('\t').append(c.value())
                        .append('\n');
            }
            Files.writeString(runDir.resolve(topic + ".tsv"), lines, StandardCharsets.UTF_8);
        }
    }

    List<Committed> stats() {
        return output.of(TOPICS.stats());
    }

    Optional<JsonNode> latestCampaign() {
        JsonNode latest = null;
        for (Committed c : stats()) {
            if (c.json() != null && c.json().path("scope").asText().equals("campaign")) {
                latest = c.json();
            }
        }
        return Optional.ofNullable(latest);
    }

    /** Whether the job's group has committed, for every input partition, the offset at its end. */
    private boolean inputConsumed() {
        try {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (String topic : TOPICS.inputs().keySet()) {
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(partitions).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(e.getKey());
                long offset = at == null ? 0 : at.offset();
                if (offset < e.getValue().offset()) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false; // the broker is restarting, or busy; ask again
        }
    }

    /** How many records the input topics hold; after a broker restart, everything acknowledged must be there. */
    long inputRecordsOnBroker() throws Exception {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (String topic : TOPICS.inputs().keySet()) {
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        return admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(ListOffsetsResultInfo::offset).sum();
    }

    long acknowledged() {
        return sender == null ? 0 : sender.acknowledged();
    }

    Exception sendFailure() {
        return sender == null ? null : sender.failure();
    }

    private long newestCheckpointId() {
        return WarroomProcess.newestCheckpoint(checkpoints).map(Checkpoint::id).orElse(-1L);
    }

    /**
     * Reads committed output until {@code condition} holds; stops the soak if the job exits by itself or the feed
     * fails. {@code what} non-null makes a timeout fatal (a step of the soak that must happen); null returns false.
     */
    private boolean await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            requireHealthy();
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                if (what != null) {
                    throw new IllegalStateException("gave up waiting " + timeout.toSeconds() + " s for " + what
                            + "; " + context());
                }
                return false;
            }
            output.poll(Duration.ofMillis(200));
        }
    }

    private void pollFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            requireHealthy();
            output.poll(Duration.ofMillis(Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000))));
        }
    }

    private void requireHealthy() {
        if (!job.alive()) {
            throw new IllegalStateException("job #" + jobStarts + " (pid " + job.pid() + ") exited by itself with code "
                    + job.exitCode() + "; " + context());
        }
        if (sender != null && sender.failure() != null) {
            throw new IllegalStateException("the feed failed to send: " + sender.failure() + "; " + context(),
                    sender.failure());
        }
    }

    private void log(String event, String detail) {
        String line = String.format("%s +%6.1fs %-12s %s", Instant.now(), (System.nanoTime() - startedNanos) / 1e9,
                event, detail);
        faultLog.add(line);
        System.out.println("[soak] " + line);
        try {
            Files.writeString(runDir.resolve("faults.log"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a failure message needs to be followed up: the seed, the job's log and what happened when. */
    String context() {
        return "seed " + settings.seed() + ", job log " + jobLog + ", faults:\n  " + String.join("\n  ", faultLog);
    }

    /** The job's log lines at ERROR level. */
    List<String> jobErrors() throws IOException {
        if (!Files.exists(jobLog)) {
            return List.of();
        }
        return Files.readAllLines(jobLog, StandardCharsets.UTF_8).stream()
                .filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR .*"))
                .toList();
    }

    @Override
    public void close() throws Exception {
        try {
            if (sender != null) {
                sender.close();
            }
        } finally {
            try {
                if (job != null) {
                    job.close();
                }
            } finally {
                try {
                    if (output != null) {
                        output.close();
                    }
                    if (admin != null) {
                        admin.close(Duration.ofSeconds(10));
                    }
                } finally {
                    try {
                        if (kafka != null) {
                            kafka.close();
                        }
                    } finally {
                        FileUtils.deleteDirectory(work.toFile());
                    }
                }
            }
        }
    }
}
