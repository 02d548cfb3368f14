package io.warroom.bench;

import java.util.Locale;

/**
 * The goals of issue 6, judged from one run's figures. Throughput ratios are judged on both the whole-run and the
 * steady-state rates, and a goal counts as met only if both meet it. A goal whose figures were not measured says
 * so.
 */
final class Goals {
    static final String MET = "met";
    static final String MISSED = "**missed**";
    static final String NOT_MEASURED = "not measured";

    /** Any per-user entry (an id in a set or map) costs tens of bytes; a sketch's size does not grow per user. */
    static final double NO_PER_USER_BYTES = 2.0;

    private Goals() {}

    static void evaluate(BenchReport report) {
        BenchReport.Throughput floor = report.find("floor", "floor");
        BenchReport.Throughput p2 = lastReplay(report);
        BenchReport.Throughput sql = report.find("sql", "Flink SQL peer");
        ratio(report, "Replay throughput at parallelism 2 against the single-thread floor", 1.0, p2, floor);
        ratio(report, "Replay throughput at parallelism 2 against the Flink SQL peer", 3.0, p2, sql);
        BenchReport.Throughput uniform = null;
        BenchReport.Throughput hot = null;
        for (BenchReport.Throughput t : report.throughput) {
            if (t.section().equals("skew")) {
                if (t.run().startsWith("uniform")) {
                    uniform = t;
                } else {
                    hot = t;
                }
            }
        }
        ratio(report, "Hit item with 50% of traffic against uniform items", 0.85, hot, uniform);
        yardsticks(report);
        scale(report);
        latency(report);
        memory(report);
        day(report);
        ratio(report, "Exactly-once checkpoints every 10 s against none (at most 5% cost)", 0.95,
                report.find("checkpoints", "exactly-once every 10 s"),
                report.find("checkpoints", "no checkpoints"));
    }

    /** Issue 14's goals: the replay as a whole process against ../shared/peers, on the same files. */
    private static void yardsticks(BenchReport report) {
        Yardsticks.Result y = report.yardsticks;
        yardstick(report, "Replay, whole process, against the plain single-thread loop", 1.0, y,
                y == null ? null : y.plainLoop());
        yardstick(report, "Replay, whole process, against the tuned single-thread loop (stretch)", 1.0, y,
                y == null ? null : y.tunedLoop());
        yardstick(report, "Replay, whole process, against the Flink SQL peer", 3.0, y,
                y == null ? null : y.flinkSql());
    }

    private static void yardstick(BenchReport report, String goal, double target, Yardsticks.Result y,
            Yardsticks.Run against) {
        String targetText = String.format(Locale.ROOT, ">= %.2fx", target);
        if (y == null) {
            report.goals.add(new BenchReport.Goal(goal, targetText, "", NOT_MEASURED));
            return;
        }
        double ratio = y.ratio(against);
        report.goals.add(new BenchReport.Goal(goal, targetText, String.format(Locale.ROOT,
                "%.2fx (%.1f s against %.1f s)", ratio, y.replay().seconds(), against.seconds()),
                ratio >= target ? MET : MISSED));
    }

    /** The scale series: slowest against fastest run, at most 1.25. */
    private static void scale(BenchReport report) {
        String goal = "Scale series (items 2K / 100K / 1M, users 50K / 1M / 10M): slowest against fastest";
        if (report.scale.size() < 2) {
            report.goals.add(new BenchReport.Goal(goal, "<= 1.25", "", NOT_MEASURED));
            return;
        }
        double slowest = report.scale.stream().mapToDouble(s -> s.run().seconds()).max().orElseThrow();
        double fastest = report.scale.stream().mapToDouble(s -> s.run().seconds()).min().orElseThrow();
        double spread = slowest / fastest;
        report.goals.add(new BenchReport.Goal(goal, "<= 1.25", String.format(Locale.ROOT, "%.2f (%.1f s against "
                + "%.1f s)", spread, slowest, fastest), spread <= 1.25 ? MET : MISSED));
    }

    private static BenchReport.Throughput lastReplay(BenchReport report) {
        BenchReport.Throughput found = null;
        for (BenchReport.Throughput t : report.throughput) {
            if (t.section().equals("replay") && t.parallelism() == Benchmark.PARALLELISM) {
                found = t;
            }
        }
        return found;
    }

    private static void ratio(BenchReport report, String goal, double target, BenchReport.Throughput measured,
            BenchReport.Throughput against) {
        String targetText = String.format(Locale.ROOT, ">= %.2fx", target);
        if (measured == null || against == null) {
            report.goals.add(new BenchReport.Goal(goal, targetText, "", NOT_MEASURED));
            return;
        }
        double whole = measured.speed().wholeRate() / against.speed().wholeRate();
        double steady = measured.speed().steadyRate() / against.speed().steadyRate();
        boolean met = whole >= target && steady >= target;
        report.goals.add(new BenchReport.Goal(goal, targetText, "whole run " + BenchReport.ratio(whole)
                + ", steady " + BenchReport.ratio(steady), met ? MET : MISSED));
    }

    private static void latency(BenchReport report) {
        String goal = "Live p99 from produce to campaign stats at 50% of the maximum rate";
        for (BenchReport.Latency l : report.latency) {
            if (Math.abs(l.shareOfMax() - 0.5) < 1e-9) {
                LatencyRun.Result r = l.result();
                boolean met = r.p99Written() <= 1000 && r.caughtUp();
                report.goals.add(new BenchReport.Goal(goal, "<= 1000 ms",
                        String.format(Locale.ROOT, "%.0f ms when written (%.0f ms when committed)",
                                r.p99Written(), r.p99Committed()),
                        met ? MET : MISSED));
                return;
            }
        }
        report.goals.add(new BenchReport.Goal(goal, "<= 1000 ms", "", NOT_MEASURED));
    }

    private static void memory(BenchReport report) {
        String perItem = "State per item (savepoint growth per added item)";
        String perUser = "No state per user (savepoint growth per user, between the two largest populations)";
        if (Double.isNaN(report.itemSlopeBytes)) {
            report.goals.add(new BenchReport.Goal(perItem, "<= 4096 B", "", NOT_MEASURED));
        } else {
            report.goals.add(new BenchReport.Goal(perItem, "<= 4096 B",
                    String.format(Locale.ROOT, "%.0f B per item (live heap %.0f B)", report.itemSlopeBytes,
                            report.itemHeapSlopeBytes),
                    report.itemSlopeBytes <= 4096 ? MET : MISSED));
            report.notes.add("State per item is the average over the items added between the smallest and the "
                    + "largest catalog, most of them seldom clicked. A busy item costs more: its uv sketch "
                    + "(HLL_8, lgK 14) is 16 KiB once dense, and its buyers sketch likewise. The seen click and "
                    + "cart ids are kept per traffic shard, not per item, for the campaign's dedup horizon: they "
                    + "grow with the events of the last horizon (an hour by default), not of the whole sale.");
        }
        if (Double.isNaN(report.userMarginalSlopeBytes)) {
            report.goals.add(new BenchReport.Goal(perUser, "< 2 B", "", NOT_MEASURED));
        } else {
            report.goals.add(new BenchReport.Goal(perUser, "< 2 B",
                    String.format(Locale.ROOT, "%.2f B per user (%.2f B from the smallest population)",
                            report.userMarginalSlopeBytes, report.userSlopeBytes),
                    report.userMarginalSlopeBytes < NO_PER_USER_BYTES ? MET : MISSED));
            report.notes.add("An entry per user (an id in a set or map) would add 40 B or more per user, at every "
                    + "population size; distinct-count sketches grow while they fill and then stop, so their "
                    + "growth per user falls as the population grows. The goal is judged on the growth between "
                    + "the two largest populations.");
        }
    }

    /** Issue 13: a day on RocksDB with a 1 GiB heap. */
    private static void day(BenchReport report) {
        String resident = "A day on RocksDB with -Xmx" + Benchmark.DAY_HEAP + ": peak resident memory";
        String flat = "A day on RocksDB: checkpoints do not grow with the events (largest in the second half of the "
                + "input against the first)";
        String perItem = "A day on RocksDB: end-of-day state per added item";
        String perUser = "A day on RocksDB: end-of-day state per added user";
        if (report.day.isEmpty()) {
            for (String goal : new String[] {resident, flat, perItem, perUser}) {
                report.goals.add(new BenchReport.Goal(goal, "", "", NOT_MEASURED));
            }
            return;
        }
        long peak = report.day.stream().mapToLong(d -> d.outcome().peakResidentBytes()).max().orElse(0);
        report.goals.add(new BenchReport.Goal(resident, "< 3072 MiB",
                String.format(Locale.ROOT, "%,d MiB (largest of %d runs)", peak >> 20, report.day.size()),
                peak < 3L << 30 ? MET : MISSED));
        BenchReport.Day base = report.day.get(0);
        long firstHalf = base.largestBytes(0, 0.5);
        long secondHalf = base.largestBytes(0.5, Double.POSITIVE_INFINITY);
        if (firstHalf == 0 || secondHalf == 0) {
            report.goals.add(new BenchReport.Goal(flat, "<= 1.10x", "no checkpoint in one half of the input (a "
                    + "larger --day-events spreads them)", NOT_MEASURED));
        } else {
            double growth = (double) secondHalf / firstHalf;
            report.goals.add(new BenchReport.Goal(flat, "<= 1.10x",
                    String.format(Locale.ROOT, "%.2fx (%s KiB, then %s KiB)", growth, BenchReport.kib(firstHalf),
                            BenchReport.kib(secondHalf)),
                    growth <= 1.10 ? MET : MISSED));
        }
        report.goals.add(new BenchReport.Goal(perItem, "<= 200 B",
                String.format(Locale.ROOT, "%.0f B", report.dayItemSlopeBytes),
                report.dayItemSlopeBytes <= 200 ? MET : MISSED));
        report.goals.add(new BenchReport.Goal(perUser, "< 2 B",
                String.format(Locale.ROOT, "%.2f B", report.dayUserSlopeBytes),
                report.dayUserSlopeBytes < NO_PER_USER_BYTES ? MET : MISSED));
    }
}
