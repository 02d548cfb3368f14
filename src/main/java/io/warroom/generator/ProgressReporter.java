package io.warroom.generator;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.LongSupplier;

/**
 * Tells the person running the generator how far it got: every few wall-clock seconds, one line with the records
 * written, the recent rate and the simulated time reached. Only the console sees it; it never touches the output.
 */
public final class ProgressReporter {
    private final PrintWriter out;
    private final DateTimeFormatter simTime;
    private final LongSupplier clock;
    private final long intervalNanos;
    private long lastNanos;
    private long lastWritten;
    private boolean started;

    public ProgressReporter(PrintWriter out, ZoneOffset offset, long intervalNanos, LongSupplier nanoClock) {
        this.out = out;
        this.simTime = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX").withZone(offset);
        this.clock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    /** Reports nothing; for tests and embedded use. */
    public static ProgressReporter silent() {
        return new ProgressReporter(null, ZoneOffset.UTC, Long.MAX_VALUE, () -> 0L);
    }

    /** Called after each record; prints when an interval has passed since the last line. */
    void written(long records, long simMillis) {
        if (out == null) {
            return;
        }
        long now = clock.getAsLong();
        if (!started) {
            started = true;
            lastNanos = now;
            return;
        }
        long elapsed = now - lastNanos;
        if (elapsed < intervalNanos) {
            return;
        }
        long perSecond = (records - lastWritten) * 1_000_000_000L / Math.max(1, elapsed);
        out.printf("generate: %,d records written, %,d records/s, simulated time %s%n", records, perSecond,
                simTime.format(Instant.ofEpochMilli(simMillis)));
        out.flush();
        lastNanos = now;
        lastWritten = records;
    }
}
