package io.warroom.generator;

/**
 * How much the generated feed misbehaves, as real at-least-once producers and flaky clients do. Every kind of dirt
 * is drawn per valid event with its own probability. Duplicates, disorder and lateness only change when a record
 * arrives (its event time stays true); malformed records are extra records, so the valid sale is the same with or
 * without dirt.
 *
 * @param duplicates probability that an event is sent a second time, byte for byte, shortly after the first copy
 * @param disorderMillis every on-time record arrives up to this much event time after its {@code ts}, so a stream is
 *     out of order by at most this bound
 * @param late probability that an event arrives between {@code lateMinMillis} and {@code lateMaxMillis} after its
 *     {@code ts}, far beyond the disorder bound
 * @param malformed probability that an event is followed by a record that breaks the event contract
 */
public record DirtSettings(
        double duplicates, long disorderMillis, double late, long lateMinMillis, long lateMaxMillis,
        double malformed) {

    public static final long DEFAULT_LATE_MIN_MILLIS = 30_000L;
    public static final long DEFAULT_LATE_MAX_MILLIS = 5 * 60_000L;

    /** No dirt at all: every record once, in event-time order, all valid. */
    public static final DirtSettings CLEAN = new DirtSettings(0, 0, 0, DEFAULT_LATE_MIN_MILLIS,
            DEFAULT_LATE_MAX_MILLIS, 0);

    public DirtSettings {
        requireProbability("duplicates", duplicates);
        requireProbability("late", late);
        requireProbability("malformed", malformed);
        if (disorderMillis < 0) {
            throw new IllegalArgumentException("disorder must not be negative");
        }
        if (lateMinMillis <= disorderMillis || lateMaxMillis < lateMinMillis) {
            throw new IllegalArgumentException("late records must arrive later than the disorder bound ("
                    + disorderMillis + " ms)");
        }
    }

    /**
     * The given rates; late records arrive 30 s to 5 min after their ts, or, for a disorder bound above 15 s,
     * between twice the bound and ten times it, so "late" always means well beyond the bound.
     */
    public static DirtSettings of(double duplicates, long disorderMillis, double late, double malformed) {
        long lateMin = Math.max(DEFAULT_LATE_MIN_MILLIS, 2 * disorderMillis);
        long lateMax = Math.max(DEFAULT_LATE_MAX_MILLIS, 10 * disorderMillis);
        return new DirtSettings(duplicates, disorderMillis, late, lateMin, lateMax, malformed);
    }

    private static void requireProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a fraction between 0 and 1, not " + value);
        }
    }
}
