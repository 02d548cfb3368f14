package io.warroom.generator;

import java.util.function.LongSupplier;

/**
 * Decides when each record may be sent, in wall-clock time since the first record. Three modes:
 * <ul>
 *   <li>unpaced: at once, as fast as the machine allows (the default);</li>
 *   <li>a fixed record rate: record {@code n} (counting from 0) is due at {@code n / rate} seconds;</li>
 *   <li>a simulation speed: a record arriving at simulated instant {@code s} is due at
 *       {@code (s - start) / speed} wall seconds, so {@code 1.0} replays the sale in real time.</li>
 * </ul>
 * Due times are absolute, not gaps, so rounding and oversleeping never accumulate into drift. Waits shorter than
 * {@link #MIN_SLEEP_NANOS} are skipped: the next longer wait makes up for them.
 */
public final class Pacer {
    /** Sleeps of a few microseconds cost more than they pace; they are batched into the next longer one. */
    public static final long MIN_SLEEP_NANOS = 1_000_000L;

    /** Waits for the given time; tests substitute a recorder. */
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double nanosPerRecord;
    private final double wallNanosPerSimMilli;
    private final long simStartMillis;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long startedNanos;
    private boolean started;

    private Pacer(double nanosPerRecord, double wallNanosPerSimMilli, long simStartMillis, LongSupplier clock,
            Sleeper sleeper) {
        this.nanosPerRecord = nanosPerRecord;
        this.wallNanosPerSimMilli = wallNanosPerSimMilli;
        this.simStartMillis = simStartMillis;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public static Pacer unpaced() {
        return new Pacer(0, 0, 0, System::nanoTime, Pacer::sleep);
    }

    /** @param recordsPerSecond wall-clock records per second, positive */
    public static Pacer atRate(double recordsPerSecond) {
        if (!(recordsPerSecond > 0) || Double.isInfinite(recordsPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of records per second");
        }
        return new Pacer(1e9 / recordsPerSecond, 0, 0, System::nanoTime, Pacer::sleep);
    }

    /** @param simSecondsPerWallSecond how many simulated seconds pass per wall second; 1.0 is real time */
    public static Pacer atSpeed(double simSecondsPerWallSecond, long simStartMillis) {
        if (!(simSecondsPerWallSecond > 0) || Double.isInfinite(simSecondsPerWallSecond)) {
            throw new IllegalArgumentException("speed must be a positive number");
        }
        return new Pacer(0, 1e6 / simSecondsPerWallSecond, simStartMillis, System::nanoTime, Pacer::sleep);
    }

    /** The same pacing on another clock; for tests. */
    public Pacer withClock(LongSupplier nanoClock, Sleeper newSleeper) {
        return new Pacer(nanosPerRecord, wallNanosPerSimMilli, simStartMillis, nanoClock, newSleeper);
    }

    /**
     * When a record may be sent, in wall nanoseconds since the first record.
     *
     * @param index the record's position in the output, from 0
     * @param arrivalMillis the simulated instant the record arrives
     */
    public long dueNanos(long index, long arrivalMillis) {
        double byRate = index * nanosPerRecord;
        double bySpeed = Math.max(0, arrivalMillis - simStartMillis) * wallNanosPerSimMilli;
        return (long) Math.max(byRate, bySpeed);
    }

    /** Blocks until the record is due; the first call starts the clock. */
    public void await(long index, long arrivalMillis) throws InterruptedException {
        if (nanosPerRecord == 0 && wallNanosPerSimMilli == 0) {
            return;
        }
        long now = clock.getAsLong();
        if (!started) {
            started = true;
            startedNanos = now;
        }
        long wait = dueNanos(index, arrivalMillis) - (now - startedNanos);
        if (wait >= MIN_SLEEP_NANOS) {
            sleeper.sleepNanos(wait);
        }
    }

    private static void sleep(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    }
}
