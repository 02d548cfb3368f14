package io.warroom.functions;

import org.apache.flink.streaming.api.TimerService;

/**
 * State that changes on every event but is emitted at most once per interval of processing time (a Flink POJO base
 * class, for keyed state and for what a task holds in memory): the first change after an emission schedules the next.
 */
public class ThrottledEmission {
    public boolean dirty;
    /** The scheduled processing-time emission, or 0. */
    public long flushTimer;

    public ThrottledEmission() {}

    /** Marks the state changed and makes sure an emission is scheduled. */
    public void markChanged(TimerService timers, long intervalMillis) {
        dirty = true;
        if (flushTimer == 0) {
            flushTimer = timers.currentProcessingTime() + intervalMillis;
            timers.registerProcessingTimeTimer(flushTimer);
        }
    }

    /** For the scheduled emission: whether anything changed since the last one; clears the mark. */
    public boolean takeChanges() {
        flushTimer = 0;
        boolean changed = dirty;
        dirty = false;
        return changed;
    }

    /**
     * For an emission ahead of schedule (event-time triggers): whether anything changed; clears the mark but keeps
     * the scheduled emission, which then finds nothing or only later changes.
     */
    public boolean takeChangesNow() {
        boolean changed = dirty;
        dirty = false;
        return changed;
    }

    /** Drops the scheduled emission, when the state is released. */
    public void cancel(TimerService timers) {
        if (flushTimer != 0) {
            timers.deleteProcessingTimeTimer(flushTimer);
            flushTimer = 0;
        }
    }
}
