package io.warroom.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.serde.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results as one Markdown document (tables for people, docs/benchmarks.md quotes it) and one JSON
 * document with the same figures (for tools). Sections that did not run say "not measured" and why.
 */
final class BenchReport {
    /** One measured run of a throughput table. */
    record Throughput(String section, String run, int parallelism, RunMeasurement speed, String note) {}

    /** One offered rate of the latency section. */
    record Latency(double shareOfMax, LatencyRun.Result result) {}

    /** One run of the memory section. */
    record Memory(int items, int users, LiveDrain.Result result) {}

    /** One run of the day section: a day-long sale replayed on RocksDB in a JVM of its own. */
    record Day(String run, int items, int users, DayReplay.Outcome outcome) {
        /**
         * The state near the end of the day: the first checkpoint taken once 90% of the records were read (the last
         * one, if none was), in bytes.
         */
        long endStateBytes() {
            List<CheckpointWatcher.Completed> taken = outcome.checkpoints();
            for (CheckpointWatcher.Completed c : taken) {
                if (c.recordsRead() >= END_OF_DAY * outcome.records()) {
                    return c.bytes();
                }
            }
            return taken.isEmpty() ? 0 : taken.get(taken.size() - 1).bytes();
        }

        /** The largest checkpoint of the run. */
        long largestBytes() {
            return largestBytes(0, Double.POSITIVE_INFINITY);
        }

        /** The largest checkpoint taken while the records read were within {@code [from, to)} of the input. */
        long largestBytes(double from, double to) {
            long largest = 0;
            for (CheckpointWatcher.Completed c : outcome.checkpoints()) {
                double at = (double) c.recordsRead() / outcome.records();
                if (at >= from && at < to) {
                    largest = Math.max(largest, c.bytes());
                }
            }
            return largest;
        }
    }

    /** One run of the scale series: a whole-process replay of an input of the main one's size. */
    record Scale(int items, int users, long records, Yardsticks.Run run) {}

    static final double END_OF_DAY = 0.9;

    /** A goal of issue 6 and how the run fared. */
    record Goal(String goal, String target, String measured, String verdict) {}

    final Map<String, String> machine = new LinkedHashMap<>();
    final Map<String, String> input = new LinkedHashMap<>();
    final List<Throughput> throughput = new ArrayList<>();
    final List<String> checks = new ArrayList<>();
    final List<Latency> latency = new ArrayList<>();
    final List<Memory> memory = new ArrayList<>();
    final List<Day> day = new ArrayList<>();
    final List<Scale> scale = new ArrayList<>();
    final List<Goal> goals = new ArrayList<>();
    final Map<String, String> notMeasured = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    String command;
    String startedAt;
    double minutes;
    String loadAtEnd;
    LiveDrain.Result maxRate;
    double itemSlopeBytes = Double.NaN;
    double userSlopeBytes = Double.NaN;
    /** Between the two largest user populations: sketches fill and then stop growing, entries per user do not. */
    double userMarginalSlopeBytes = Double.NaN;
    double itemHeapSlopeBytes = Double.NaN;
    double userHeapSlopeBytes = Double.NaN;
    /** Growth of the day section's end-of-day state per added item and per added user (RocksDB checkpoints). */
    double dayItemSlopeBytes = Double.NaN;
    double dayUserSlopeBytes = Double.NaN;
    int checkpointsTaken;
    long largestCheckpointBytes;
    JfrProfile.Summary profile;
    Yardsticks.Result yardsticks;

    Throughput find(String section, String run) {
        for (Throughput t : throughput) {
            if (t.section().equals(section) && t.run().equals(run)) {
                return t;
            }
        }
        return null;
    }

    void write(Path markdown, Path json) throws IOException {
        Path parent = markdown.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(markdown, markdown(), StandardCharsets.UTF_8);
        Files.writeString(json, Json.toPrettyString(json()) + "\n", StandardCharsets.UTF_8);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# warroom benchmark\n\n");
        md.append("Command: `").append(command).append("`  \n");
        md.append("Started ").append(startedAt).append(", took ").append(format(minutes, 1))
                .append(" min; load average at the end ").append(loadAtEnd).append(".\n\n");
        md.append("| machine | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n| input | |\n|---|---|\n");
        input.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));

        md.append("\n## Goals\n\n| goal | target | measured | verdict |\n|---|---|---|---|\n");
        for (Goal g : goals) {
            md.append("| ").append(g.goal()).append(" | ").append(g.target()).append(" | ").append(g.measured())
                    .append(" | ").append(g.verdict()).append(" |\n");
        }

        md.append("\n## Throughput\n\nRecords per second (every record of the input files, malformed and duplicate "
                + "ones included). Whole run: from building the job to its last output, embedded Flink start "
                + "included. Steady: between 20% and 80% of the input read. Load: the machine's one-minute load "
                + "average as the run ended.\n\n");
        md.append("| section | run | p | records | whole run (s) | whole-run rate | steady rate | to first record (s)"
                + " | whole / floor | steady / floor | load | note |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Throughput floor = find("floor", "floor");
        for (Throughput t : throughput) {
            RunMeasurement s = t.speed();
            md.append("| ").append(t.section()).append(" | ").append(t.run()).append(" | ").append(t.parallelism())
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", s.records()))
                    .append(" | ").append(format(s.seconds(), 1))
                    .append(" | ").append(rate(s.wholeRate()))
                    .append(" | ").append(rate(s.steadyRate()))
                    .append(" | ").append(format(s.secondsToFirstRecord(), 1))
                    .append(" | ").append(floor == null ? "" : ratio(s.wholeRate() / floor.speed().wholeRate()))
                    .append(" | ").append(floor == null ? "" : ratio(s.steadyRate() / floor.speed().steadyRate()))
                    .append(" | ").append(format(s.loadAverage(), 1))
                    .append(" | ").append(t.note() == null ? "" : t.note()).append(" |\n");
        }
        if (checkpointsTaken > 0) {
            md.append("\nCheckpoints: ").append(checkpointsTaken).append(" completed during the checkpointed run, "
                    + "the largest ").append(kib(largestCheckpointBytes)).append(" KiB.\n");
        }

        if (yardsticks != null) {
            md.append("\n## Against the yardsticks (../shared/peers)\n\nEach a whole process, JVM start to exit, "
                    + "one run, -Xmx" + Yardsticks.HEAP + ", on the same files; the replay as ops start it ("
                    + "`java -Xmx" + Yardsticks.HEAP + " -jar warroom.jar replay`, parallelism 2).\n\n");
            md.append("| run | seconds | peak resident (MiB) | replay's speed against it |\n|---|---|---|---|\n");
            Yardsticks.Result y = yardsticks;
            for (Yardsticks.Run r : y.runs()) {
                md.append("| ").append(r.name()).append(" | ").append(format(r.seconds(), 1)).append(" | ")
                        .append(r.peakResidentKb() < 0 ? "" : String.format(Locale.ROOT, "%,d",
                                r.peakResidentKb() >> 10))
                        .append(" | ").append(r == y.replay() ? "" : format(y.ratio(r), 2) + "x").append(" |\n");
            }
        }

        if (!scale.isEmpty()) {
            md.append("\n## Scale series\n\nWhole-process replays (as above) of inputs of the same shape and record "
                    + "count, with the items or the users scaled.\n\n");
            md.append("| items | users | records | seconds | records/s | peak resident (MiB) |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (Scale s : scale) {
                md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %.1f | %,.0f | %,d |%n", s.items(),
                        s.users(), s.records(), s.run().seconds(), s.records() / s.run().seconds(),
                        s.run().peakResidentKb() >> 10));
            }
        }

        md.append("\n## Live latency\n\n");
        if (maxRate != null) {
            md.append("Maximum live rate (a backlog of ").append(String.format(Locale.ROOT, "%,d", maxRate.records()))
                    .append(" records drained from Kafka): ").append(rate(maxRate.recordRate()))
                    .append(" records/s (").append(rate(maxRate.clickRate())).append(" clicks/s over the middle of "
                    + "the backlog).\n\n");
        }
        if (!latency.isEmpty()) {
            md.append("| offered | offered rate | sent rate | clicks | p50 written (ms) | p99 written (ms) "
                    + "| p50 committed (ms) | p99 committed (ms) | caught up | note |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (Latency l : latency) {
                LatencyRun.Result r = l.result();
                md.append("| ").append(Math.round(l.shareOfMax() * 100)).append("% | ").append(rate(r.offeredRate()))
                        .append(" | ").append(rate(r.sentRate()))
                        .append(" | ").append(String.format(Locale.ROOT, "%,d", r.clicks()))
                        .append(" | ").append(format(r.p50Written(), 0)).append(" | ").append(format(r.p99Written(), 0))
                        .append(" | ").append(format(r.p50Committed(), 0)).append(" | ")
                        .append(format(r.p99Committed(), 0)).append(" | ").append(r.caughtUp() ? "yes" : "no")
                        .append(" | ").append(r.sentRate() < 0.95 * r.offeredRate()
                                ? "the producer sent only " + Math.round(100 * r.sentRate() / r.offeredRate())
                                        + "% of the offered rate (one generator thread, sharing the cores)"
                                : "")
                        .append(" |\n");
            }
            md.append("\n\"Written\": the stats record's Kafka timestamp (when the monitor's sink wrote it, visible to "
                    + "read_uncommitted readers). \"Committed\": when a read_committed reader received it, after the "
                    + "exactly-once checkpoint (every 10 s) that commits it.\n");
        }

        md.append("\n## Memory and state\n\n");
        if (!memory.isEmpty()) {
            md.append("| items | users | records | live heap of the job (MiB) | savepoint (KiB) |\n"
                    + "|---|---|---|---|---|\n");
            for (Memory m : memory) {
                md.append("| ").append(String.format(Locale.ROOT, "%,d", m.items())).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", m.users())).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", m.result().records())).append(" | ")
                        .append(format(m.result().heapBytes() / (1024.0 * 1024), 1)).append(" | ")
                        .append(kib(m.result().savepointBytes())).append(" |\n");
            }
            md.append("\nGrowth: state (savepoint) ").append(format(itemSlopeBytes, 0)).append(" B per item and ")
                    .append(format(userSlopeBytes, 2)).append(" B per user (")
                    .append(format(userMarginalSlopeBytes, 2)).append(" B per user between the two largest "
                    + "populations); live heap ")
                    .append(format(itemHeapSlopeBytes, 0)).append(" B per item and ")
                    .append(format(userHeapSlopeBytes, 2)).append(" B per user.\n");
        }

        if (!day.isEmpty()) {
            md.append("\n## A day on RocksDB\n\nEach run replays a day-long sale at parallelism 2 in a JVM of its own "
                    + "(`-Xmx").append(Benchmark.DAY_HEAP).append("`, RocksDB, incremental exactly-once checkpoints every ")
                    .append(Benchmark.DAY_CHECKPOINT_INTERVAL.toSeconds()).append(" s). End-of-day state: the first "
                    + "checkpoint once 90% of the records were read; a checkpoint's size is its folder plus the shared files "
                    + "it may refer to (an upper bound).\n\n")
                    .append("| run | items | users | records | seconds | peak resident (MiB) | checkpoints | largest "
                            + "(KiB) | end-of-day state (KiB) |\n|---|---|---|---|---|---|---|---|---|\n");
            for (Day d : day) {
                DayReplay.Outcome o = d.outcome();
                md.append("| ").append(d.run()).append(" | ").append(String.format(Locale.ROOT, "%,d", d.items()))
                        .append(" | ").append(String.format(Locale.ROOT, "%,d", d.users())).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", o.records())).append(" | ")
                        .append(format(o.seconds(), 0)).append(" | ")
                        .append(format(o.peakResidentBytes() / (1024.0 * 1024), 0)).append(" | ")
                        .append(o.checkpoints().size()).append(" | ")
                        .append(kib(d.largestBytes()))
                        .append(" | ").append(kib(d.endStateBytes())).append(" |\n");
            }
            Day first = day.get(0);
            md.append("\nCheckpoints of the ").append(first.run()).append(" run as the day went by:\n\n"
                    + "| checkpoint | seconds | records read | share of the input | size (KiB) | resident (MiB) |\n"
                    + "|---|---|---|---|---|---|\n");
            for (CheckpointWatcher.Completed c : first.outcome().checkpoints()) {
                md.append("| ").append(c.id()).append(" | ").append(format(c.seconds(), 0)).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", c.recordsRead())).append(" | ")
                        .append(format(100.0 * c.recordsRead() / first.outcome().records(), 0)).append("% | ")
                        .append(kib(c.bytes())).append(" | ")
                        .append(format(c.residentBytes() / (1024.0 * 1024), 0)).append(" |\n");
            }
            md.append("\nGrowth of the end-of-day state: ").append(format(dayItemSlopeBytes, 0))
                    .append(" B per added item, ").append(format(dayUserSlopeBytes, 2)).append(" B per added user.\n");
        }

        md.append("\n## Cross-checks\n\n");
        for (String c : checks) {
            md.append("- ").append(c).append('\n');
        }
        if (profile != null) {
            md.append("\n## Profile of an extra replay at parallelism 2 (not in the figures)\n\n")
                    .append(profile.samples())
                    .append(" execution samples in `").append(profile.file()).append("`.\n\n");
            shares(md, "top method (self time)", profile.methods());
            shares(md, "thread (Flink task: chained operators)", profile.threads());
            shares(md, "library (first frame of warroom, Jackson, DataSketches, Kafka, Flink from the top)",
                    profile.libraries());
        }
        if (!notMeasured.isEmpty()) {
            md.append("\n## Not measured\n\n");
            notMeasured.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static void shares(StringBuilder md, String title, List<JfrProfile.Share> shares) {
        md.append("| ").append(title).append(" | samples | share |\n|---|---|---|\n");
        for (JfrProfile.Share s : shares) {
            md.append("| `").append(s.name()).append("` | ").append(s.samples()).append(" | ")
                    .append(format(s.share() * 100, 1)).append("% |\n");
        }
        md.append('\n');
    }

    ObjectNode json() {
        ObjectNode root = Json.object();
        root.put("command", command);
        root.put("started_at", startedAt);
        root.put("minutes", minutes);
        ObjectNode m = root.putObject("machine");
        machine.forEach(m::put);
        m.put("load average at the end", loadAtEnd);
        ObjectNode in = root.putObject("input");
        input.forEach(in::put);
        ArrayNode scaleRuns = root.putArray("scale");
        for (Scale s : scale) {
            ObjectNode run = scaleRuns.addObject();
            run.put("items", s.items());
            run.put("users", s.users());
            run.put("records", s.records());
            run.put("seconds", s.run().seconds());
            run.put("peak_resident_kb", s.run().peakResidentKb());
        }
        if (yardsticks != null) {
            ArrayNode runs = root.putArray("yardsticks");
            Yardsticks.Result y = yardsticks;
            for (Yardsticks.Run r : y.runs()) {
                ObjectNode run = runs.addObject();
                run.put("run", r.name());
                run.put("seconds", r.seconds());
                run.put("peak_resident_kb", r.peakResidentKb());
                if (r != y.replay()) {
                    run.put("replay_speed_against_it", y.ratio(r));
                }
            }
        }
        ArrayNode goalArray = root.putArray("goals");
        for (Goal g : goals) {
            goalArray.addObject().put("goal", g.goal()).put("target", g.target()).put("measured", g.measured())
                    .put("verdict", g.verdict());
        }
        ArrayNode runs = root.putArray("throughput");
        for (Throughput t : throughput) {
            ObjectNode o = runs.addObject();
            o.put("section", t.section()).put("run", t.run()).put("parallelism", t.parallelism())
                    .put("records", t.speed().records()).put("seconds", t.speed().seconds())
                    .put("whole_rate", t.speed().wholeRate()).put("steady_rate", t.speed().steadyRate())
                    .put("seconds_to_first_record", t.speed().secondsToFirstRecord())
                    .put("load_average", t.speed().loadAverage());
            if (t.note() != null) {
                o.put("note", t.note());
            }
        }
        root.put("checkpoints_taken", checkpointsTaken);
        root.put("largest_checkpoint_bytes", largestCheckpointBytes);
        ObjectNode live = root.putObject("latency");
        if (maxRate != null) {
            live.put("max_record_rate", maxRate.recordRate());
            live.put("max_click_rate", maxRate.clickRate());
            live.put("backlog_records", maxRate.records());
        }
        ArrayNode levels = live.putArray("levels");
        for (Latency l : latency) {
            LatencyRun.Result r = l.result();
            levels.addObject().put("share_of_max", l.shareOfMax()).put("offered_rate", r.offeredRate())
                    .put("sent_rate", r.sentRate()).put("clicks", r.clicks())
                    .put("p50_written_ms", r.p50Written()).put("p99_written_ms", r.p99Written())
                    .put("p50_committed_ms", r.p50Committed()).put("p99_committed_ms", r.p99Committed())
                    .put("caught_up", r.caughtUp());
        }
        ObjectNode mem = root.putObject("memory");
        ArrayNode points = mem.putArray("runs");
        for (Memory p : memory) {
            points.addObject().put("items", p.items()).put("users", p.users()).put("records", p.result().records())
                    .put("heap_bytes", p.result().heapBytes()).put("savepoint_bytes", p.result().savepointBytes());
        }
        mem.put("state_bytes_per_item", itemSlopeBytes);
        mem.put("state_bytes_per_user", userSlopeBytes);
        mem.put("state_bytes_per_user_marginal", userMarginalSlopeBytes);
        mem.put("heap_bytes_per_item", itemHeapSlopeBytes);
        mem.put("heap_bytes_per_user", userHeapSlopeBytes);
        ObjectNode dayNode = root.putObject("day");
        ArrayNode dayRuns = dayNode.putArray("runs");
        for (Day d : day) {
            DayReplay.Outcome o = d.outcome();
            ObjectNode run = dayRuns.addObject().put("run", d.run()).put("items", d.items()).put("users", d.users())
                    .put("records", o.records()).put("seconds", o.seconds())
                    .put("peak_resident_bytes", o.peakResidentBytes()).put("end_state_bytes", d.endStateBytes());
            ArrayNode cps = run.putArray("checkpoints");
            o.checkpoints().forEach(c -> c.writeTo(cps.addObject()));
        }
        dayNode.put("state_bytes_per_item", dayItemSlopeBytes);
        dayNode.put("state_bytes_per_user", dayUserSlopeBytes);
        ArrayNode checkArray = root.putArray("cross_checks");
        checks.forEach(checkArray::add);
        if (profile != null) {
            ObjectNode p = root.putObject("profile");
            p.put("file", profile.file().toString());
            p.put("samples", profile.samples());
            shares(p.putArray("methods"), profile.methods());
            shares(p.putArray("threads"), profile.threads());
            shares(p.putArray("libraries"), profile.libraries());
        }
        ObjectNode missing = root.putObject("not_measured");
        notMeasured.forEach(missing::put);
        ArrayNode noteArray = root.putArray("notes");
        notes.forEach(noteArray::add);
        return root;
    }

    private static void shares(ArrayNode array, List<JfrProfile.Share> shares) {
        for (JfrProfile.Share s : shares) {
            array.addObject().put("name", s.name()).put("samples", s.samples()).put("share", s.share());
        }
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", value);
    }

    static String format(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f", bytes / 1024.0);
    }
}
