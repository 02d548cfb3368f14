package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.StreamKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Delivery order: disorder within the bound, late records far beyond it, re-sends after their originals. */
class ArrivalSchedulerTest {
    private static final long BOUND = 3_000;

    /** 100,000 events, 20 per second of event time, through the scheduler. */
    private static List<Arrival> deliver(DirtSettings dirt) {
        ArrivalScheduler scheduler = new ArrivalScheduler(dirt, new SplittableRandom(1));
        SplittableRandom random = new SplittableRandom(2);
        List<Arrival> out = new ArrayList<>();
        long ts = 0;
        for (int i = 0; i < 100_000; i++) {
            ts += random.nextInt(100);
            byte[] value = ("{\"event_id\":\"c-" + i + "\"}").getBytes(StandardCharsets.UTF_8);
            drain(scheduler, ts, out);
            scheduler.offer(new SaleEvent(StreamKind.CLICK, ts, "sku-1", value));
        }
        drain(scheduler, Long.MAX_VALUE, out);
        return out;
    }

    private static void drain(ArrivalScheduler scheduler, long clock, List<Arrival> out) {
        Arrival a;
        while ((a = scheduler.due(clock)) != null) {
            out.add(a);
        }
    }

    @Test
    void withoutDirtEverythingArrivesOnceInEventTimeOrder() {
        List<Arrival> arrivals = deliver(DirtSettings.CLEAN);

        assertThat(arrivals).hasSize(100_000);
        for (int i = 0; i < arrivals.size(); i++) {
            assertThat(new String(arrivals.get(i).value(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"event_id\":\"c-" + i + "\"}");
            assertThat(arrivals.get(i).arrivalMillis()).isEqualTo(arrivals.get(i).eventMillis());
        }
    }

    @Test
    void arrivalsComeInArrivalOrderAndOnlyLateOnesBreakTheBound() {
        List<Arrival> arrivals = deliver(DirtSettings.of(0.05, BOUND, 0.01, 0));

        long maxTs = 0;
        long previousArrival = Long.MIN_VALUE;
        long late = 0;
        for (Arrival a : arrivals) {
            assertThat(a.arrivalMillis()).isGreaterThanOrEqualTo(previousArrival);
            previousArrival = a.arrivalMillis();
            long delay = a.arrivalMillis() - a.eventMillis();
            if (a.late()) {
                late++;
                assertThat(delay).isBetween(DirtSettings.DEFAULT_LATE_MIN_MILLIS,
                        DirtSettings.DEFAULT_LATE_MAX_MILLIS + 2_000);
            } else {
                assertThat(delay).isBetween(0L, BOUND);
                assertThat(a.eventMillis()).isGreaterThanOrEqualTo(maxTs - BOUND);
                maxTs = Math.max(maxTs, a.eventMillis());
            }
        }
        assertThat(late).isBetween(900L, 1_200L);
    }

    @Test
    void reSendsAreExactCopiesDeliveredAfterTheirOriginal() {
        List<Arrival> arrivals = deliver(DirtSettings.of(0.05, BOUND, 0, 0));

        List<String> seen = new ArrayList<>();
        Set<String> originals = new HashSet<>();
        long copies = 0;
        for (Arrival a : arrivals) {
            String value = new String(a.value(), StandardCharsets.UTF_8);
            if (a.kind() == Arrival.Kind.DUPLICATE) {
                copies++;
                assertThat(originals.contains(value)).as("original before its copy: %s", value).isTrue();
            } else {
                assertThat(originals.add(value)).isTrue();
            }
            seen.add(value);
        }
        assertThat(copies).isBetween(4_500L, 5_500L);
        assertThat(seen).hasSize(100_000 + (int) copies);
    }
}
