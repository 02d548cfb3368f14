package io.warroom.generator;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Turns the sale's events (in event-time order) into deliveries as a real feed makes them. Each event gets an
 * arrival time: its {@code ts} plus a delay of up to the disorder bound, or, for late ones, a delay far beyond it.
 * Some events are sent twice (the copy arrives after the original, still within the bound unless the original is
 * late), and some are followed by a malformed record. Deliveries are released in arrival order.
 *
 * <p>Why disorder stays within the bound: a record {@code a} delivered before {@code b} has
 * {@code a.ts + a.delay <= b.ts + b.delay}, so {@code a.ts - b.ts <= b.delay - a.delay <= bound} for every
 * on-time {@code b}. Memory is bounded too: an event is held only until the sale's clock passes its arrival time,
 * so the buffer holds the records of one disorder bound plus the few late ones.
 */
final class ArrivalScheduler {
    private record Pending(Arrival arrival, long sequence) {}

    private final DirtSettings dirt;
    private final SplittableRandom random;
    private final PriorityQueue<Pending> buffer = new PriorityQueue<>((a, b) -> {
        int byTime = Long.compare(a.arrival.arrivalMillis(), b.arrival.arrivalMillis());
        return byTime != 0 ? byTime : Long.compare(a.sequence, b.sequence);
    });
    private long sequence;

    ArrivalScheduler(DirtSettings dirt, SplittableRandom random) {
        this.dirt = dirt;
        this.random = random;
    }

    /** Takes the sale's next event; its ts must not be before the previous one's. */
    void offer(SaleEvent event) {
        boolean late = dirt.late() > 0 && random.nextDouble() < dirt.late();
        long delay = late
                ? random.nextLong(dirt.lateMinMillis(), dirt.lateMaxMillis() + 1)
                : uniformUpTo(dirt.disorderMillis());
        long arrival = event.ts() + delay;
        add(new Arrival(event.stream(), event.key(), event.value(), arrival, event.ts(), Arrival.Kind.ORIGINAL,
                late));
        if (dirt.duplicates() > 0 && random.nextDouble() < dirt.duplicates()) {
            // The re-send follows shortly after the original; for on-time originals it stays within the bound.
            long copyDelay = late ? delay + uniformUpTo(2_000) : delay + uniformUpTo(dirt.disorderMillis() - delay);
            add(new Arrival(event.stream(), event.key(), event.value(), event.ts() + copyDelay, event.ts(),
                    Arrival.Kind.DUPLICATE, late));
        }
        if (dirt.malformed() > 0 && random.nextDouble() < dirt.malformed()) {
            add(new Arrival(event.stream(), event.key(), Malformer.corrupt(event, random),
                    event.ts() + uniformUpTo(dirt.disorderMillis()), event.ts(), Arrival.Kind.MALFORMED, false));
        }
    }

    /**
     * The next delivery that is due once the sale's clock reads {@code clockMillis}, or null. Every later event has
     * a ts (and so an arrival) at or after the clock, so what is due now can no longer be overtaken.
     */
    Arrival due(long clockMillis) {
        Pending head = buffer.peek();
        if (head == null || head.arrival.arrivalMillis() > clockMillis) {
            return null;
        }
        return buffer.poll().arrival;
    }

    /** Deliveries still held. */
    int buffered() {
        return buffer.size();
    }

    private void add(Arrival arrival) {
        buffer.add(new Pending(arrival, sequence++));
    }

    private long uniformUpTo(long bound) {
        return bound <= 0 ? 0 : random.nextLong(bound + 1);
    }
}
