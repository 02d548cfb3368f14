package io.warroom.bench;

import io.warroom.demo.EmbeddedKafka;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.SaleSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark of issue 6, in one JVM and one run, on one generated input: replay throughput at parallelism 1 and
 * 2 against a single-thread floor and a Flink SQL peer, skew, live latency, memory and checkpoint cost. Every replay
 * report and the peer's totals are compared with the floor's exact numbers as they are produced; a difference stops
 * the run with a {@link BenchFailure} before any figure is reported.
 */
public final class Benchmark {
    static final int PARALLELISM = 2;
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    static final double HOT_SHARE = 0.5;
    static final double[] LATENCY_SHARES = {0.25, 0.50, 0.80};
    static final int[] MEMORY_ITEMS = {500, 2_000, 8_000};
    static final int[] MEMORY_USERS = {10_000, 50_000, 250_000};
    static final int[] SCALE_ITEMS = {2_000, 100_000, 1_000_000};
    static final int[] SCALE_USERS = {50_000, 1_000_000, 10_000_000};
    static final int DAY_ITEMS = 100_000;
    static final int DAY_USERS = 1_000_000;
    /** The day section's catalog and audience are this many times larger in its second and third runs. */
    static final int DAY_GROWTH = 4;
    static final String DAY_HEAP = "1g";
    static final Duration DAY_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private final BenchOptions options;
    private final PrintWriter log;
    private final BenchReport report = new BenchReport();
    private BenchInput input;
    private ContractTotals floorTotals;

    public Benchmark(BenchOptions options, PrintWriter log) {
        this.options = options;
        this.log = log;
    }

    /** Runs the selected sections and writes the table and the JSON; returns the Markdown. */
    public String run() throws Exception {
        long started = System.nanoTime();
        report.command = options.commandLine();
        report.startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        report.machine.putAll(MachineInfo.describe());

        boolean needsInput = options.runs(BenchSection.REPLAY) || options.runs(BenchSection.FLOOR)
                || options.runs(BenchSection.SQL) || options.runs(BenchSection.SKEW)
                || options.runs(BenchSection.CHECKPOINTS) || options.runs(BenchSection.YARDSTICKS)
                || options.runs(BenchSection.SCALE);
        if (needsInput) {
            prepareInput();
            if (options.warmUp()) {
                warmUp();
            }
            floor();
        }
        section(BenchSection.REPLAY, "replay", this::replay);
        section(BenchSection.SQL, "sql", this::sqlPeer);
        section(BenchSection.SKEW, "skew", this::skew);
        section(BenchSection.CHECKPOINTS, "checkpoints", this::checkpoints);
        section(BenchSection.YARDSTICKS, "yardsticks", this::yardsticks);
        section(BenchSection.SCALE, "scale", this::scale);
        section(BenchSection.DAY, "day", this::day);
        if (options.runs(BenchSection.LATENCY) || options.runs(BenchSection.MEMORY)) {
            live();
        } else {
            report.notMeasured.put("latency", "not selected (--only)");
            report.notMeasured.put("memory", "not selected (--only)");
        }
        Goals.evaluate(report);
        report.minutes = (System.nanoTime() - started) / 60e9;
        report.loadAtEnd = MachineInfo.loadAverage();
        report.write(options.out(), options.jsonOut());
        return report.markdown();
    }

    private interface Section {
        void run() throws Exception;
    }

    private void section(BenchSection section, String key, Section body) throws Exception {
        if (!options.runs(section)) {
            report.notMeasured.put(key, "not selected (--only)");
            return;
        }
        body.run();
    }

    private void prepareInput() throws IOException {
        // A new name for the realistic shape: folders of the earlier default shape are not reused for it.
        Path folder = options.workDir().resolve("realistic-" + options.events() + "-seed" + options.seed());
        input = BenchInput.prepare(folder, BenchInput.realisticSaleOf(options.events(), options.seed(),
                BenchInput.REALISTIC_ITEMS, BenchInput.REALISTIC_USERS), log);
        SaleSettings s = input.settings();
        report.input.put("records", String.format(Locale.ROOT, "%,d", input.records()));
        report.input.put("folder", input.folder().toString());
        report.input.put("generator", String.format(Locale.ROOT, "warroom generate, seed %d: %s of sale, "
                        + "peak %.0f clicks/s decaying over %s to %.0f, %,d items (%d flash-sale hits with %.0f%% of "
                        + "clicks), %,d users, %.0f%% of timestamps ISO-8601, dirt: %.1f%% duplicates, %d s disorder, "
                        + "%.1f%% late, %.1f%% malformed",
                s.seed(), s.duration(), s.peakRate(), s.decay(), s.baseRate(), s.items(), s.hitItems(),
                s.hitShare() * 100, s.users(), s.isoTimestampShare() * 100, s.dirt().duplicates() * 100,
                s.dirt().disorderMillis() / 1000, s.dirt().late() * 100, s.dirt().malformed() * 100));
    }

    /** The floor, timed; its numbers are the reference for every check. */
    private void floor() throws IOException {
        log.println("Floor: one thread, Jackson, hash maps...");
        log.flush();
        FloorMonitor floor = new FloorMonitor(input.campaigns());
        RunMeasurement speed = null;
        FloorMonitor.Result result = null;
        for (int i = 0; i < options.repeat(); i++) {
            long start = System.nanoTime();
            result = floor.run(input.files().files());
            double seconds = (System.nanoTime() - start) / 1e9;
            RunMeasurement run = new RunMeasurement(result.records(), seconds, result.records() / seconds, 0);
            speed = speed == null || run.seconds() < speed.seconds() ? run : speed;
        }
        floorTotals = result.totals();
        report.throughput.add(new BenchReport.Throughput("floor", "floor", 1, speed,
                "whole = steady: no start-up to leave out"));
        log.printf("  %,d records in %.1f s: %,.0f records/s%n", speed.records(), speed.seconds(), speed.wholeRate());
        if (!options.runs(BenchSection.FLOOR)) {
            report.notes.add("The floor ran as the reference of the cross-checks; its figures are shown although "
                    + "its section was not selected.");
        }
    }

    /**
     * The floor and a replay over a small input first, so that the first measured runs do not pay for class
     * loading and JIT compilation.
     */
    private void warmUp() throws Exception {
        long events = Math.max(100_000, Math.min(200_000, options.events() / 20));
        BenchInput small = BenchInput.prepare(options.workDir().resolve("warm-up-" + events),
                BenchInput.realisticSaleOf(events, options.seed() + 1, BenchInput.REALISTIC_ITEMS,
                        BenchInput.REALISTIC_USERS), log);
        log.println("Warm-up: floor and replay of a small input...");
        log.flush();
        for (int i = 0; i < 3; i++) {
            new FloorMonitor(small.campaigns()).run(small.files().files());
        }
        ReplayRun.run(small, PARALLELISM, null, options.workDir().resolve("runs/warm-up"));
    }

    private void replay() throws Exception {
        for (int p = 1; p <= PARALLELISM; p++) {
            measuredReplay(input, "replay", "replay", p, null, floorTotals);
            checked("replay at parallelism " + p);
        }
        if (options.profile()) {
            // An extra run, outside the figures: under JFR's profile settings a replay ran up to three times slower.
            log.printf("replay: profiled run at parallelism %d (not in the figures)...%n", PARALLELISM);
            log.flush();
            JfrProfile profile = JfrProfile.start(
                    options.workDir().resolve("replay-p" + PARALLELISM + ".jfr").toAbsolutePath());
            ReplayRun.Result profiled = ReplayRun.run(input, PARALLELISM, null,
                    options.workDir().resolve("runs").resolve("replay-profiled-p" + PARALLELISM));
            report.profile = profile.stop();
            logSpeed(profiled.speed());
        }
    }

    private void sqlPeer() throws Exception {
        log.printf("Flink SQL peer at parallelism %d...%n", PARALLELISM);
        log.flush();
        RunMeasurement best = null;
        for (int i = 0; i < options.repeat(); i++) {
            SqlPeer.Result result = SqlPeer.run(input, PARALLELISM);
            logSpeed(result.speed());
            failOn("the Flink SQL peer", TotalsCheck.exactAgainstExact(floorTotals, result.totals()));
            best = best == null || result.speed().seconds() < best.seconds() ? result.speed() : best;
        }
        report.throughput.add(new BenchReport.Throughput("sql", "Flink SQL peer", PARALLELISM, best,
                "DataStream of parsed rows to SQL; mini-batch 1 s / 5000, split distinct"));
        report.checks.add("Flink SQL peer (campaign and item totals, exact COUNT DISTINCT) = floor, exactly: ok");
    }

    /** The replay as a whole process against ../shared/peers on the same files, one run each. */
    private void yardsticks() throws Exception {
        if (!Files.isRegularFile(options.peers().resolve("run.sh"))) {
            report.notMeasured.put("yardsticks", "no run.sh in " + options.peers().toAbsolutePath() + " (--peers)");
            return;
        }
        report.yardsticks = Yardsticks.run(options.peers(), input, BenchInput.CAMPAIGN_ID,
                options.workDir().resolve("runs").resolve("yardsticks"), log);
        report.checks.add("whole-process replay = the plain loop of ../shared/peers, item by item (pv, carts, "
                + "orders, units, gmv exactly; uv and buyers within the sketch bound): ok");
    }

    /**
     * The scale series: whole-process replays of inputs of the main input's record count with the items and the
     * users scaled apart ({@link #SCALE_ITEMS}, {@link #SCALE_USERS}), each checked against its floor.
     */
    private void scale() throws Exception {
        List<int[]> shapes = new ArrayList<>();
        for (int items : SCALE_ITEMS) {
            shapes.add(new int[] {items, BenchInput.REALISTIC_USERS});
        }
        for (int users : SCALE_USERS) {
            if (users != BenchInput.REALISTIC_USERS) {
                shapes.add(new int[] {BenchInput.REALISTIC_ITEMS, users});
            }
        }
        for (int[] shape : shapes) {
            BenchInput in = input;
            ContractTotals exact = floorTotals;
            if (shape[0] != BenchInput.REALISTIC_ITEMS || shape[1] != BenchInput.REALISTIC_USERS) {
                in = BenchInput.prepare(options.workDir().resolve("realistic-" + options.events() + "-items"
                                + shape[0] + "-users" + shape[1] + "-seed" + options.seed()),
                        BenchInput.realisticSaleOf(options.events(), options.seed(), shape[0], shape[1]), log);
                log.printf("scale: the floor of %,d items and %,d users...%n", shape[0], shape[1]);
                log.flush();
                exact = new FloorMonitor(in.campaigns()).run(in.files().files()).totals();
            }
            Path dir = options.workDir().resolve("runs").resolve("scale-items" + shape[0] + "-users" + shape[1]);
            Yardsticks.Run run = Yardsticks.replay(in, dir, log);
            failOn("the scale run of " + shape[0] + " items and " + shape[1] + " users",
                    TotalsCheck.reportAgainstExact(exact, ReportTotals.read(dir.resolve("report.json"))));
            report.scale.add(new BenchReport.Scale(shape[0], shape[1], in.records(), run));
        }
        report.checks.add("every scale run = its floor (exact; uv and buyers within the sketch bounds): ok");
    }

    private void skew() throws Exception {
        int items = input.settings().items();
        String hotItem = input.hitItems().isEmpty() ? "sku-1" : input.hitItems().get(0);
        Path base = input.folder();
        BenchInput uniform = ItemReassignment.uniform(items)
                .rewrite(input, base.resolveSibling(base.getFileName() + "-uniform"));
        BenchInput hot = ItemReassignment.hot(items, hotItem, HOT_SHARE)
                .rewrite(input, base.resolveSibling(base.getFileName() + "-hot"));
        for (BenchInput variant : List.of(uniform, hot)) {
            boolean isHot = variant == hot;
            ContractTotals exact = new FloorMonitor(variant.campaigns()).run(variant.files().files()).totals();
            String run = isHot ? "hot item (" + hotItem + ") " + Math.round(HOT_SHARE * 100) + "%" : "uniform items";
            measuredReplay(variant, "skew", run, PARALLELISM, null, exact);
            report.checks.add("replay of the " + run + " input at parallelism " + PARALLELISM
                    + " = its floor (exact; uv and buyers within the sketch bounds): ok");
        }
    }

    private void checkpoints() throws Exception {
        measuredReplay(input, "checkpoints", "no checkpoints", PARALLELISM, null, floorTotals);
        checked("replay without checkpoints");
        ReplayRun.Result with = measuredReplay(input, "checkpoints", "exactly-once every 10 s", PARALLELISM,
                CHECKPOINT_INTERVAL, floorTotals);
        checked("replay with exactly-once checkpoints every 10 s");
        report.checkpointsTaken = with.checkpoints().size();
        report.largestCheckpointBytes = with.largestCheckpointBytes();
    }

    /**
     * A day-long sale on RocksDB with a small heap, three times: the base catalog (every item configured) and
     * audience, then each grown {@link #DAY_GROWTH}-fold at the same record count. Resident memory and checkpoint size are followed through the
     * day; the growth of the end-of-day state gives the bytes per item and per user. Every report is checked against
     * the floor.
     */
    private void day() throws Exception {
        log.printf("Day: %,d records over 24 hours on RocksDB, -Xmx%s...%n", options.dayEvents(), DAY_HEAP);
        log.flush();
        dayRun("base", DAY_ITEMS, DAY_USERS);
        dayRun(DAY_GROWTH + "x items", DAY_ITEMS * DAY_GROWTH, DAY_USERS);
        dayRun(DAY_GROWTH + "x users", DAY_ITEMS, DAY_USERS * DAY_GROWTH);
        long base = report.day.get(0).endStateBytes();
        report.dayItemSlopeBytes = (report.day.get(1).endStateBytes() - base) / (double) (DAY_ITEMS * (DAY_GROWTH - 1));
        report.dayUserSlopeBytes = (report.day.get(2).endStateBytes() - base) / (double) (DAY_USERS * (DAY_GROWTH - 1));
    }

    private void dayRun(String run, int items, int users) throws Exception {
        BenchInput in = BenchInput.prepare(
                options.workDir().resolve("day-" + options.dayEvents() + "-" + items + "-" + users + "-seed"
                        + options.seed()),
                BenchInput.daySaleOf(options.dayEvents(), options.seed(), items, users), log).withFullCatalog();
        ContractTotals exact = new FloorMonitor(in.campaigns()).run(in.files().files()).totals();
        log.printf(Locale.ROOT, "  %s: %,d items, %,d users, %,d records...%n", run, items, users, in.records());
        log.flush();
        DayReplay.Outcome o = DayReplay.inChildJvm(in, options.workDir().resolve("runs/day-" + run.replace(' ', '-')),
                DAY_HEAP, PARALLELISM, DAY_CHECKPOINT_INTERVAL, log);
        failOn("the day run '" + run + "'", TotalsCheck.reportAgainstExact(exact, ReportTotals.read(o.report())));
        report.checks.add("day run '" + run + "' on RocksDB = its floor (exact; uv and buyers within the sketch "
                + "bounds): ok");
        report.day.add(new BenchReport.Day(run, items, users, o));
        log.printf(Locale.ROOT, "  %.0f s, peak resident %,d MiB, %d checkpoints%n", o.seconds(),
                o.peakResidentBytes() >> 20, o.checkpoints().size());
    }

    /**
     * Replays {@code repeat} times and keeps the fastest run (on a shared machine the others lost time to other
     * work); every run's report is checked against {@code exact} first.
     */
    private ReplayRun.Result measuredReplay(BenchInput in, String section, String run, int parallelism,
            Duration checkpoints, ContractTotals exact) throws Exception {
        ReplayRun.Result best = null;
        String dir = (section + "-" + run + "-p" + parallelism).replaceAll("[^A-Za-z0-9.-]+", "-");
        for (int i = 0; i < options.repeat(); i++) {
            log.printf("%s: %s at parallelism %d%s...%n", section, run, parallelism,
                    options.repeat() > 1 ? " (" + (i + 1) + " of " + options.repeat() + ")" : "");
            log.flush();
            ReplayRun.Result result = ReplayRun.run(in, parallelism, checkpoints,
                    options.workDir().resolve("runs").resolve(dir));
            logSpeed(result.speed());
            failOn("the " + section + " run '" + run + "' at parallelism " + parallelism,
                    TotalsCheck.reportAgainstExact(exact, ReportTotals.read(result.report())));
            best = best == null || result.speed().seconds() < best.speed().seconds() ? result : best;
        }
        int taken = best.checkpoints().size();
        String note = checkpoints == null ? null : taken + (taken == 1 ? " checkpoint" : " checkpoints");
        if (options.repeat() > 1) {
            note = (note == null ? "" : note + "; ") + "fastest of " + options.repeat();
        }
        report.throughput.add(new BenchReport.Throughput(section, run, parallelism, best.speed(), note));
        return best;
    }

    private void checked(String what) {
        report.checks.add(what + ": report = floor (gmv, refunded, orders, units, pv, carts, per-minute series and "
                + "rejected count exactly; uv and buyers within the sketch bounds): ok");
    }

    private static void failOn(String what, List<String> differences) {
        if (!differences.isEmpty()) {
            throw new BenchFailure(what + " differs from the floor's exact numbers:\n  "
                    + String.join("\n  ", differences));
        }
    }

    private void logSpeed(RunMeasurement speed) {
        log.printf(Locale.ROOT, "  %,d records in %.1f s: %,.0f records/s whole run, %,.0f steady%n",
                speed.records(), speed.seconds(), speed.wholeRate(), speed.steadyRate());
        log.flush();
    }

    /** Latency and memory: the live job on an embedded Kafka broker in this JVM. */
    private void live() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            String brokers = kafka.bootstrapServers();
            Path liveDir = options.workDir().resolve("live");
            if (options.runs(BenchSection.LATENCY)) {
                try {
                    latency(brokers, liveDir);
                } catch (Exception e) {
                    report.notMeasured.put("latency", "failed: " + e);
                }
            } else {
                report.notMeasured.put("latency", "not selected (--only)");
            }
            if (options.runs(BenchSection.MEMORY)) {
                try {
                    memory(brokers, liveDir);
                } catch (Exception e) {
                    report.notMeasured.put("memory", "failed: " + e);
                }
            } else {
                report.notMeasured.put("memory", "not selected (--only)");
            }
        }
    }

    private void latency(String brokers, Path liveDir) throws Exception {
        log.println("Live latency: the maximum rate first (a backlog drained from Kafka)...");
        log.flush();
        Duration length = options.latencyLength();
        // A flat, clean sale as the measured ones, cut at the backlog's size; it spans a few simulated minutes, so
        // carts and orders have caught up with the clicks as they do in a running sale.
        Duration span = Duration.ofMinutes(4);
        double clicksPerSecond = options.latencyBacklog() / 1.2 / span.toSeconds();
        SaleSettings backlog = flatSale(clicksPerSecond, span.multipliedBy(2), recentPast(span.multipliedBy(2)),
                DirtSettings.CLEAN);
        LiveDrain.Result max = LiveDrain.run(brokers, "max-" + runId(), backlog, options.latencyBacklog(),
                PARALLELISM, liveDir, false, log);
        report.maxRate = max;
        log.printf(Locale.ROOT, "  maximum: %,.0f records/s%n", max.recordRate());
        for (double share : LATENCY_SHARES) {
            LatencyRun.Result r = LatencyRun.run(brokers, "lat" + Math.round(share * 100) + "-" + runId(),
                    share * max.recordRate(), max.recordsPerClick(), length, options.seed(), PARALLELISM, liveDir,
                    log);
            log.printf(Locale.ROOT, "  %.0f%%: sent %,.0f records/s; p50/p99 written %.0f/%.0f ms, committed "
                    + "%.0f/%.0f ms%n", share * 100, r.sentRate(), r.p50Written(), r.p99Written(),
                    r.p50Committed(), r.p99Committed());
            report.latency.add(new BenchReport.Latency(share, r));
        }
    }

    private void memory(String brokers, Path liveDir) throws Exception {
        log.println("Memory: live heap and savepoint size against items and users...");
        log.flush();
        SaleSettings base = BenchInput.saleOf(options.memoryEvents(), options.seed());
        int defaultItems = base.items();
        int defaultUsers = base.users();
        for (int items : MEMORY_ITEMS) {
            memoryRun(brokers, liveDir, base, items, defaultUsers);
        }
        for (int users : MEMORY_USERS) {
            if (users != defaultUsers) {
                memoryRun(brokers, liveDir, base, defaultItems, users);
            }
        }
        report.itemSlopeBytes = slope(true, defaultUsers, false, false);
        report.userSlopeBytes = slope(false, defaultItems, false, false);
        report.userMarginalSlopeBytes = slope(false, defaultItems, false, true);
        report.itemHeapSlopeBytes = slope(true, defaultUsers, true, false);
        report.userHeapSlopeBytes = slope(false, defaultItems, true, false);
    }

    private void memoryRun(String brokers, Path liveDir, SaleSettings base, int items, int users) throws Exception {
        SaleSettings sale = new SaleSettings(base.seed(), recentPast(base.duration()), base.duration(),
                base.peakRate(), base.baseRate(), base.decay(), items, base.hitItems(), base.hitShare(), users,
                base.inventoryInterval(), base.dirt());
        LiveDrain.Result r = LiveDrain.run(brokers, "mem-" + items + "-" + users + "-" + runId(), sale,
                Long.MAX_VALUE, PARALLELISM, liveDir, true, log);
        log.printf(Locale.ROOT, "  %,d items, %,d users: heap %.1f MiB, savepoint %,d KiB%n", items, users,
                r.heapBytes() / 1048576.0, r.savepointBytes() / 1024);
        report.memory.add(new BenchReport.Memory(items, users, r));
    }

    /**
     * Bytes per item (users fixed) or per user (items fixed): between the smallest and the largest run, or, with
     * {@code marginal}, between the two largest.
     */
    private double slope(boolean perItem, int fixed, boolean heap, boolean marginal) {
        List<BenchReport.Memory> runs = new ArrayList<>();
        for (BenchReport.Memory m : report.memory) {
            if ((perItem ? m.users() : m.items()) == fixed) {
                runs.add(m);
            }
        }
        runs.sort(Comparator.comparingInt(m -> perItem ? m.items() : m.users()));
        if (runs.size() < 2) {
            return Double.NaN;
        }
        BenchReport.Memory low = marginal ? runs.get(runs.size() - 2) : runs.get(0);
        BenchReport.Memory high = runs.get(runs.size() - 1);
        double dx = perItem ? high.items() - low.items() : high.users() - low.users();
        double dy = heap ? high.result().heapBytes() - low.result().heapBytes()
                : high.result().savepointBytes() - low.result().savepointBytes();
        return dy / dx;
    }

    /** A sale with a constant click rate (peak = base). */
    private SaleSettings flatSale(double clicksPerSecond, Duration length, OffsetDateTime start, DirtSettings dirt) {
        SaleSettings d = SaleSettings.defaults(options.seed());
        return new SaleSettings(options.seed(), start, length, clicksPerSecond, clicksPerSecond, d.decay(),
                d.items(), d.hitItems(), d.hitShare(), d.users(), d.inventoryInterval(), dirt);
    }

    /**
     * A start such that the sale ended a minute ago: replayed live, every event is applied, the campaign is over
     * and its state is still retained (for an hour).
     */
    private static OffsetDateTime recentPast(Duration length) {
        Instant start = Instant.now().minus(length).minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        return OffsetDateTime.ofInstant(start, ZoneOffset.ofHours(8));
    }

    private static String runId() {
        return Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    }
}
