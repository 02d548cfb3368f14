package io.warroom.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples a growing count (records read) on its own thread, to tell the steady-state rate from the whole run's:
 * the steady rate is taken over the middle of the input, from the sample where 20% of it had been read to the one
 * where 80% had, so job start-up, JIT warm-up and the final flush (report, last watermark) stay out of it.
 */
final class ProgressSampler implements AutoCloseable {
    static final long INTERVAL_MILLIS = 100;
    static final double STEADY_FROM = 0.2;
    static final double STEADY_TO = 0.8;

    private record Sample(long nanos, long count) {}

    private final LongSupplier counter;
    private final long startNanos;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling; {@code startNanos} is the run's start, for the time to the first record. */
    ProgressSampler(LongSupplier counter, long startNanos) {
        this.counter = counter;
        this.startNanos = startNanos;
        this.thread = new Thread(this::sample, "warroom-bench-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            long count = counter.getAsLong();
            synchronized (samples) {
                samples.add(new Sample(System.nanoTime(), count));
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }

    /** Records per second over the middle of the input; NaN when the run was too short to see it. */
    double steadyRate(long total) {
        Sample from = null;
        Sample to = null;
        synchronized (samples) {
            for (Sample s : samples) {
                if (from == null && s.count() >= STEADY_FROM * total) {
                    from = s;
                }
                if (to == null && s.count() >= STEADY_TO * total) {
                    to = s;
                }
            }
        }
        if (from == null || to == null || to.nanos() <= from.nanos()) {
            return Double.NaN;
        }
        return (to.count() - from.count()) / ((to.nanos() - from.nanos()) / 1e9);
    }

    /** Seconds from the run's start to the first record read; NaN if none was seen. */
    double secondsToFirstRecord() {
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.count() > 0) {
                    return (s.nanos() - startNanos) / 1e9;
                }
            }
        }
        return Double.NaN;
    }
}
