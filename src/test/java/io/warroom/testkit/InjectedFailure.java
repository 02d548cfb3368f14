package io.warroom.testkit;

import io.warroom.model.InputRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Passes input through unchanged, and throws once per {@link #arm(long)}, on the {@code n}-th record after it, so a
 * test decides when the job fails: typically after it has seen output committed by a checkpoint.
 *
 * <p>The switches are static because a MiniCluster runs tasks in the test's JVM and a restarted task is a new
 * instance; that also means one test class at a time may use them.
 */
public final class InjectedFailure extends RichMapFunction<InputRecord, InputRecord> {
    private static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicLong FAIL_AT = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong FIRED = new AtomicLong();
    private static final AtomicBoolean RESTARTED = new AtomicBoolean();

    public static void reset() {
        SEEN.set(0);
        FAIL_AT.set(Long.MAX_VALUE);
        FIRED.set(0);
        RESTARTED.set(false);
    }

    /** Fails the job on the {@code n}-th record from now on, counted over all subtasks. */
    public static void arm(long n) {
        FAIL_AT.set(SEEN.get() + n);
    }

    public static boolean fired() {
        return FIRED.get() > 0;
    }

    /** How many armed failures have happened since {@link #reset()}. */
    public static long failures() {
        return FIRED.get();
    }

    /** Whether a task of the function has been started again after a failure. */
    public static boolean restarted() {
        return RESTARTED.get();
    }

    @Override
    public void open(OpenContext openContext) {
        if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
            RESTARTED.set(true);
        }
    }

    @Override
    public InputRecord map(InputRecord record) {
        long failAt = FAIL_AT.get();
        if (SEEN.incrementAndGet() >= failAt && FAIL_AT.compareAndSet(failAt, Long.MAX_VALUE)) {
            FIRED.incrementAndGet();
            throw new IllegalStateException("injected failure");
        }
        return record;
    }
}
