package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the generator holds (sessions, carts and orders in flight, the delivery buffer) depends on the rate, not on
 * how long the sale runs: at a constant rate, the second half of a long sale holds no more than the first.
 */
class BoundedMemoryTest {
    @Test
    void inFlightWorkStaysFlatOverALongSale() {
        SaleSettings settings = new SaleSettings(1, SaleSettings.DEFAULT_START, Duration.ofMinutes(80), 20, 20,
                Duration.ofMinutes(1), 500, 2, 0.3, 5000, Duration.ofMinutes(2),
                DirtSettings.of(0.01, 3_000, 0.01, 0.01));
        SplittableRandom random = new SplittableRandom(1);
        Catalog catalog = Catalog.create(settings.items(), settings.hitItems(), settings.hitShare(), random);
        SaleForecast forecast = new SaleForecast(TrafficProfile.of(settings), catalog, settings.duration().toMillis());
        SaleSimulator sale = new SaleSimulator(settings, catalog, new Audience(settings.users(), random),
                StockPlan.create(catalog, forecast, random), random);
        ArrivalScheduler arrivals = new ArrivalScheduler(settings.dirt(), random);
        long half = settings.startMillis() + Duration.ofMinutes(40).toMillis();

        int[] maxInFlight = new int[2];
        int[] maxBuffered = new int[2];
        SaleEvent event;
        while ((event = sale.next()) != null) {
            while (arrivals.due(event.ts()) != null) {
                // delivered
            }
            arrivals.offer(event);
            int part = event.ts() < half ? 0 : 1;
            maxInFlight[part] = Math.max(maxInFlight[part], sale.inFlight());
            maxBuffered[part] = Math.max(maxBuffered[part], arrivals.buffered());
        }

        // About 5 sessions start per second and live about a minute; payments, cancellations and refunds wait
        // up to 30 minutes, but only a few orders do.
        assertThat(maxInFlight[0]).isBetween(100, 2_000);
        assertThat(maxInFlight[1]).isLessThanOrEqualTo(maxInFlight[0] * 12 / 10);
        // 25 records a second for the 3 s disorder bound, plus 1% of them held up to 5 minutes.
        assertThat(maxBuffered[0]).isBetween(25, 500);
        assertThat(maxBuffered[1]).isLessThanOrEqualTo(maxBuffered[0] * 12 / 10);
    }
}
