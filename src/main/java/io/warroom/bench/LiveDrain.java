package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.GenerationSummary;
import io.warroom.generator.KafkaSink;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.io.KafkaTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * The live job catching up with a backlog: a generated sale is written to fresh topics first, then the monitor
 * starts on them and reads as fast as it can, until the campaign's pv shows every click. The rate it catches up at
 * is the live job's maximum rate (over the middle of the backlog, in clicks, scaled to records by the backlog's mix).
 * With the sale in the recent past, event time then stands after the sale, every event applied and nothing buffered,
 * so the job's heap and a savepoint of its state show what a finished sale costs while its state is retained.
 */
final class LiveDrain {
    static final String CAMPAIGN_ID = "bench-live";

    /** What a drain measured; heap and savepoint sizes are 0 unless asked for. */
    record Result(long records, long clicks, double seconds, double clickRate, double recordRate, long heapBytes,
            long savepointBytes) {
        double recordsPerClick() {
            return (double) records / clicks;
        }
    }

    private LiveDrain() {}

    /**
     * Drains a sale from fresh topics.
     *
     * @param maxRecords cut the sale after this many records (then it must be clean: every click counts once), or
     *     {@code Long.MAX_VALUE} for the whole sale (its valid clicks are known from the generator, dirt or not)
     */
    static Result run(String brokers, String name, SaleSettings sale, long maxRecords, int parallelism,
            Path workDir, boolean measureMemory, PrintWriter log) throws Exception {
        if (maxRecords != Long.MAX_VALUE && !sale.dirt().equals(DirtSettings.CLEAN)) {
            throw new IllegalArgumentException("a cut sale must be clean, so that every click counts");
        }
        KafkaTopics topics = LiveJob.createTopics(brokers, name);
        TrafficGenerator generator = new TrafficGenerator(sale, CAMPAIGN_ID);
        CampaignCatalog campaigns = catalogOf(generator);
        long clicks;
        long records;
        try (ClickClock sink = new ClickClock(new KafkaSink(brokers, topics.topicByStream()), maxRecords,
                Long.MAX_VALUE)) {
            try {
                GenerationSummary summary = generator.run(sink, Pacer.unpaced(), ProgressReporter.silent());
                clicks = summary.sale().clicks();
            } catch (ClickClock.Stop cut) {
                clicks = sink.clicks();
            }
            records = sink.records();
        }
        log.printf("  %s: %,d records (%,d clicks) in Kafka; draining them...%n", name, records, clicks);
        log.flush();
        long heapBefore = measureMemory ? liveHeap() : 0;
        Path runDir = workDir.resolve(name);
        Files.createDirectories(runDir);
        try (StatsFollower stats = new StatsFollower(brokers, topics.stats(), CAMPAIGN_ID, false)) {
            long start = System.nanoTime();
            try (LiveJob job = LiveJob.start(brokers, topics, name, campaigns, parallelism, Duration.ofSeconds(10),
                    runDir.resolve("checkpoints"), true);
                    ProgressSampler sampler = new ProgressSampler(stats::pv, start)) {
                if (!stats.awaitPv(clicks, Duration.ofMinutes(15))) {
                    throw new BenchFailure(name + ": the live job did not count all " + clicks + " clicks within "
                            + "15 minutes (pv " + stats.pv() + ")");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double clickRate = sampler.steadyRate(clicks);
                long heap = 0;
                long savepoint = 0;
                if (measureMemory) {
                    Thread.sleep(2_000); // the last stats and timers settle
                    heap = liveHeap() - heapBefore;
                    String path = job.client().triggerSavepoint(runDir.resolve("savepoint").toUri().toString(),
                            SavepointFormatType.NATIVE).get(5, TimeUnit.MINUTES);
                    savepoint = CheckpointWatcher.sizeOf(Path.of(java.net.URI.create(path)));
                }
                return new Result(records, clicks, seconds, clickRate, clickRate * records / clicks, heap,
                        savepoint);
            }
        }
    }

    static CampaignCatalog catalogOf(TrafficGenerator generator) throws IOException {
        try {
            return new CampaignCatalog(List.of(CampaignLoader.parse("generated campaign",
                    generator.campaign().yaml().getBytes(StandardCharsets.UTF_8))));
        } catch (CampaignConfigException e) {
            throw new IOException("generated campaign refused: " + e.problems(), e);
        }
    }

    /** Heap in use after full collections: what is reachable, not what garbage happens to be around. */
    static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            ManagementFactory.getMemoryMXBean().gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
