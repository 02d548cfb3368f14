package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.KafkaSink;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.io.KafkaTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Live latency at one offered rate: a generated sale (a flat click rate, no dirt, starting at the wall clock) is
 * produced into fresh topics at a fixed number of records per second while the live monitor runs on them. The
 * generator's traffic needs a few simulated minutes to reach its full mix (sessions, then carts, then orders), so it
 * is paced by records, not by simulated time; event time then runs near, not at, the wall clock. The job keeps the
 * wall-clock watermark on, as {@code run} does by default: without it, inputs idle before the sale starts would let
 * the control input's final watermark close every campaign. The k-th click handed to the producer
 * is taken as reflected by the first campaign stats record whose pv reaches k ({@link ClickClock}); its latency is
 * that record's time minus the click's send time. Two times per record: when the monitor's sink wrote it (its Kafka
 * timestamp, seen with read_uncommitted) and when a read_committed consumer got it (after the checkpoint that
 * commits it). Clicks of the first seconds (the job's warm-up) are left out.
 *
 * <p>The pairing by count is exact when clicks are counted in the order they were sent; the monitor reads two
 * partitions per topic, so it is approximate by the lag between partitions.
 */
final class LatencyRun {
    static final Duration WARM_UP = Duration.ofSeconds(10);

    /** Latency percentiles (ms) at an offered rate; NaN where there was nothing to measure. */
    record Result(double offeredRate, double sentRate, long clicks, double p50Written, double p99Written,
            double p50Committed, double p99Committed, boolean caughtUp) {}

    private LatencyRun() {}

    static Result run(String brokers, String name, double recordsPerSecond, double recordsPerClick,
            Duration length, long seed, int parallelism, Path workDir, PrintWriter log) throws Exception {
        KafkaTopics topics = LiveJob.createTopics(brokers, name);
        // The job starts first; the sale starts on a whole second after it runs, in event time at the wall clock.
        long startSecond = Instant.now().getEpochSecond() + 30;
        OffsetDateTime start = OffsetDateTime.ofInstant(Instant.ofEpochSecond(startSecond), ZoneOffset.ofHours(8));
        SaleSettings defaults = SaleSettings.defaults(seed);
        double clicksPerSecond = recordsPerSecond / recordsPerClick;
        // Longer than needed: production stops after `length`, at the offered rate.
        SaleSettings sale = new SaleSettings(seed, start, length.multipliedBy(3), clicksPerSecond, clicksPerSecond,
                defaults.decay(), defaults.items(), defaults.hitItems(), defaults.hitShare(), defaults.users(),
                defaults.inventoryInterval(), DirtSettings.CLEAN);
        TrafficGenerator generator = new TrafficGenerator(sale, LiveDrain.CAMPAIGN_ID);
        CampaignCatalog campaigns = LiveDrain.catalogOf(generator);
        try (StatsFollower written = new StatsFollower(brokers, topics.stats(), LiveDrain.CAMPAIGN_ID, false);
                StatsFollower committed = new StatsFollower(brokers, topics.stats(), LiveDrain.CAMPAIGN_ID, true);
                LiveJob job = LiveJob.start(brokers, topics, name, campaigns, parallelism, Duration.ofSeconds(10),
                        workDir.resolve(name).resolve("checkpoints"), true)) {
            long wait = startSecond * 1000 - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            log.printf("  %s: producing %.0f records/s for %d s...%n", name, recordsPerSecond, length.toSeconds());
            log.flush();
            ClickClock clock = new ClickClock(new KafkaSink(brokers, topics.topicByStream()), Long.MAX_VALUE,
                    System.currentTimeMillis() + length.toMillis());
            try (clock) {
                generator.run(clock, Pacer.atRate(recordsPerSecond), ProgressReporter.silent());
            } catch (ClickClock.Stop timeUp) {
                // The offered rate was kept for `length`.
            }
            boolean caughtUp = written.awaitPv(clock.clicks(), Duration.ofMinutes(3))
                    & committed.awaitPv(clock.clicks(), Duration.ofMinutes(1));
            long measuredFrom = clock.firstRecordAt() + WARM_UP.toMillis();
            double[] byWrite = latencies(clock, written.seen(), measuredFrom, true);
            double[] byCommit = latencies(clock, committed.seen(), measuredFrom, false);
            return new Result(recordsPerSecond, clock.recordRate(), clock.clicks(), percentile(byWrite, 0.50),
                    percentile(byWrite, 0.99), percentile(byCommit, 0.50), percentile(byCommit, 0.99), caughtUp);
        }
    }

    private static double[] latencies(ClickClock clock, List<StatsFollower.Seen> stats, long measuredFrom,
            boolean byWriteTime) {
        List<Long> result = new ArrayList<>();
        long matched = 0;
        for (StatsFollower.Seen s : stats) {
            long reflected = Math.min(s.pv(), clock.clicks());
            long at = byWriteTime ? s.writtenAt() : s.receivedAt();
            for (long k = matched + 1; k <= reflected; k++) {
                long sent = clock.clickSentAt(k);
                if (sent >= measuredFrom) {
                    result.add(at - sent);
                }
            }
            matched = Math.max(matched, reflected);
        }
        return result.stream().mapToDouble(Long::doubleValue).toArray();
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
