package io.warroom.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When the soak hurts the job, as positions in the sale (records sent), drawn from a seed so that a failing run can
 * be repeated. Every schedule of three or more faults holds each kind at least once, and from four on a kill follows
 * a quiet spell; the rest are drawn, kills most often. Faults are spread over the middle of the sale, one slot each with a random place inside its slot, so none
 * lands before the job is up or after the sale is over.
 */
record FaultSchedule(List<Fault> faults) {
    enum Kind {
        /** SIGKILL the job, restart it from its newest retained checkpoint. */
        KILL,
        /** The same, then no input at all for longer than the idle timeout plus 25 s. */
        KILL_THEN_QUIET,
        /** Stop the broker, start it again on the same log directory and port, while the job runs. */
        BROKER_BOUNCE
    }

    record Fault(Kind kind, long atRecord) {}

    static FaultSchedule draw(long seed, int count, long records) {
        Random random = new Random(seed);
        List<Kind> kinds = new ArrayList<>(List.of(Kind.KILL, Kind.KILL_THEN_QUIET, Kind.BROKER_BOUNCE));
        while (kinds.size() < count) {
            double u = random.nextDouble();
            kinds.add(u < 0.55 ? Kind.KILL : u < 0.8 ? Kind.BROKER_BOUNCE : Kind.KILL_THEN_QUIET);
        }
        kinds = new ArrayList<>(kinds.subList(0, count));
        Collections.shuffle(kinds, random);
        if (count >= 4) {
            restoreAfterQuiet(kinds);
        }
        List<Fault> faults = new ArrayList<>();
        double from = 0.05;
        double width = 0.85 / Math.max(1, count);
        for (int i = 0; i < count; i++) {
            double at = from + width * (i + 0.2 + 0.6 * random.nextDouble());
            faults.add(new Fault(kinds.get(i), (long) (at * records)));
        }
        return new FaultSchedule(List.copyOf(faults));
    }

    /**
     * A restore from a checkpoint taken after a quiet spell is its own case (whatever the spell did to event time is
     * in that checkpoint), so a schedule with room for it has a kill after its first quiet spell: if none follows,
     * the quiet spell trades places with the first kill before it.
     */
    private static void restoreAfterQuiet(List<Kind> kinds) {
        int quiet = kinds.indexOf(Kind.KILL_THEN_QUIET);
        if (kinds.subList(quiet + 1, kinds.size()).contains(Kind.KILL)) {
            return;
        }
        int kill = kinds.indexOf(Kind.KILL);
        if (kill >= 0) {
            Collections.swap(kinds, quiet, kill);
        }
    }

    long count(Kind kind) {
        return faults.stream().filter(f -> f.kind() == kind).count();
    }
}
