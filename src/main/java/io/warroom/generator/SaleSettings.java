package io.warroom.generator;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Everything that shapes a generated sale. The same settings (seed included) always produce the same records,
 * byte for byte.
 *
 * @param start the sale's first instant; its offset is also the offset of ISO timestamps in the output
 * @param duration the simulated period: every event has {@code start <= ts < start + duration}
 * @param peakRate clicks per simulated second at {@code start} (the midnight spike)
 * @param baseRate clicks per simulated second the spike decays toward
 * @param decay time constant of the exponential decay from peak to base
 * @param items number of items; {@code hitItems} of them are flash-sale hits taking {@code hitShare} of all clicks
 * @param users size of the user population
 * @param inventoryInterval how often the warehouse reports the stock of each watched item
 * @param incidents what goes wrong during the sale, if anything
 * @param isoTimestampShare share of click, cart and order records whose {@code ts} is ISO-8601 with the sale's offset
 *     rather than epoch milliseconds (inventory records always use ISO-8601), as feeds of mixed producers have it
 */
public record SaleSettings(
        long seed,
        OffsetDateTime start,
        Duration duration,
        double peakRate,
        double baseRate,
        Duration decay,
        int items,
        int hitItems,
        double hitShare,
        int users,
        Duration inventoryInterval,
        DirtSettings dirt,
        List<Incident> incidents,
        double isoTimestampShare) {

    public static final OffsetDateTime DEFAULT_START = OffsetDateTime.parse("2026-11-11T00:00:00+08:00");

    /** A sale whose clicks, carts and orders carry epoch-millisecond timestamps. */
    public SaleSettings(long seed, OffsetDateTime start, Duration duration, double peakRate, double baseRate,
            Duration decay, int items, int hitItems, double hitShare, int users, Duration inventoryInterval,
            DirtSettings dirt, List<Incident> incidents) {
        this(seed, start, duration, peakRate, baseRate, decay, items, hitItems, hitShare, users, inventoryInterval,
                dirt, incidents, 0);
    }

    /** A sale without incidents. */
    public SaleSettings(long seed, OffsetDateTime start, Duration duration, double peakRate, double baseRate,
            Duration decay, int items, int hitItems, double hitShare, int users, Duration inventoryInterval,
            DirtSettings dirt) {
        this(seed, start, duration, peakRate, baseRate, decay, items, hitItems, hitShare, users, inventoryInterval,
                dirt, List.of());
    }

    public SaleSettings {
        incidents = List.copyOf(incidents);
        if (duration.toMillis() < 1000) {
            throw new IllegalArgumentException("duration must be at least 1s");
        }
        if (!(peakRate > 0) || !(baseRate >= 0) || baseRate > peakRate) {
            throw new IllegalArgumentException("rates must satisfy 0 <= base rate <= peak rate and peak rate > 0");
        }
        if (decay.toMillis() <= 0) {
            throw new IllegalArgumentException("decay must be positive");
        }
        if (items < 1 || hitItems < 0 || hitItems >= items) {
            throw new IllegalArgumentException("need at least one item, and fewer hit items than items");
        }
        if (!(hitShare >= 0 && hitShare < 1)) {
            throw new IllegalArgumentException("hit share must be in [0, 1)");
        }
        if (users < 1) {
            throw new IllegalArgumentException("need at least one user");
        }
        if (!(isoTimestampShare >= 0 && isoTimestampShare <= 1)) {
            throw new IllegalArgumentException("ISO timestamp share must be in [0, 1]");
        }
        if (inventoryInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("inventory interval must be positive");
        }
        for (Incident incident : incidents) {
            // An incident that cannot happen would make a rehearsal look like a missed alert.
            if (incident.from().compareTo(duration) >= 0) {
                throw new IllegalArgumentException("incident " + incident + " starts after the sale ends");
            }
            if (incident instanceof Incident.ChannelOutage outage && !Audience.CHANNELS.contains(outage.channel())) {
                throw new IllegalArgumentException("incident channel '" + outage.channel() + "' is not one of "
                        + Audience.CHANNELS);
            }
        }
    }

    /** The defaults of {@code warroom generate}: a 30-minute Double 11 midnight spike. */
    public static SaleSettings defaults(long seed) {
        return new SaleSettings(seed, DEFAULT_START, Duration.ofMinutes(30), 2000, 200, Duration.ofMinutes(5), 2000,
                2, 0.3, 50_000, Duration.ofMinutes(2), DirtSettings.of(0.01, 3_000, 0.001, 0.002));
    }

    public long startMillis() {
        return start.toInstant().toEpochMilli();
    }

    public long endMillis() {
        return startMillis() + duration.toMillis();
    }

    public SaleSettings withDirt(DirtSettings newDirt) {
        return new SaleSettings(seed, start, duration, peakRate, baseRate, decay, items, hitItems, hitShare, users,
                inventoryInterval, newDirt, incidents, isoTimestampShare);
    }

    public SaleSettings withIsoTimestampShare(double share) {
        return new SaleSettings(seed, start, duration, peakRate, baseRate, decay, items, hitItems, hitShare, users,
                inventoryInterval, dirt, incidents, share);
    }
}
