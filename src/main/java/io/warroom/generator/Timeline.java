package io.warroom.generator;

import java.util.PriorityQueue;

/**
 * What is due to happen in simulated time, earliest first. Entries due at the same millisecond come out in the
 * order they were scheduled, so a run never depends on how the heap breaks ties: that keeps output deterministic.
 *
 * @param <T> what happens
 */
final class Timeline<T> {
    private record Entry<T>(long at, long sequence, T what) {}

    private final PriorityQueue<Entry<T>> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at)
            : Long.compare(a.sequence, b.sequence));
    private long scheduled;

    void schedule(long at, T what) {
        queue.add(new Entry<>(at, scheduled++, what));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** When the next entry is due; only valid when not empty. */
    long nextAt() {
        return queue.element().at;
    }

    T poll() {
        return queue.remove().what;
    }

    int size() {
        return queue.size();
    }
}
