package io.warroom.functions;

import java.util.Arrays;

/**
 * Counts per event-time minute, for the few minutes a shard holds between flushes (usually one or two, so a
 * linear scan beats a map).
 */
final class MinuteCounts {
    private long[] minutes = new long[2];
    private long[] counts = new long[2];
    private int size;

    void add(long minuteStart, long count) {
        for (int i = 0; i < size; i++) {
            if (minutes[i] == minuteStart) {
                counts[i] += count;
                return;
            }
        }
        if (size == minutes.length) {
            minutes = Arrays.copyOf(minutes, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        minutes[size] = minuteStart;
        counts[size] = count;
        size++;
    }

    int size() {
        return size;
    }

    long minuteAt(int index) {
        return minutes[index];
    }

    long countAt(int index) {
        return counts[index];
    }

    long[] minutes() {
        return Arrays.copyOf(minutes, size);
    }

    long[] counts() {
        return Arrays.copyOf(counts, size);
    }

    MinuteCounts copy() {
        MinuteCounts copy = new MinuteCounts();
        copy.minutes = minutes.clone();
        copy.counts = counts.clone();
        copy.size = size;
        return copy;
    }
}
