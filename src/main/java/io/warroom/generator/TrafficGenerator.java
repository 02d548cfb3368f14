package io.warroom.generator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A big-sale traffic generator: simulates the sale ({@link SaleSimulator}), dirties its delivery
 * ({@link ArrivalScheduler}), paces it ({@link Pacer}) and writes it to a {@link RecordSink}, streaming, so memory
 * holds only what is in flight (sessions, open orders, the disorder buffer), never the whole sale.
 *
 * <p>Determinism: every random draw comes from one {@link SplittableRandom} seeded with the settings' seed and split
 * in a fixed order into independent streams for the catalog, the audience, stock, the sale and the dirt. The same
 * settings therefore give the same records in the same order, byte for byte, however they are paced or where they
 * go; and because the dirt has its own stream, changing only the dirt settings leaves the valid sale unchanged.
 */
public final class TrafficGenerator {
    private final SaleSettings settings;
    private final Catalog catalog;
    private final Audience audience;
    private final StockPlan stock;
    private final CampaignPlan campaign;
    private final SplittableRandom saleRandom;
    private final SplittableRandom dirtRandom;
    private boolean ran;

    public TrafficGenerator(SaleSettings settings, String campaignId) {
        this.settings = settings;
        SplittableRandom root = new SplittableRandom(settings.seed());
        // The split order is part of the output format: reordering these lines changes every generated sale.
        SplittableRandom catalogRandom = root.split();
        SplittableRandom audienceRandom = root.split();
        SplittableRandom stockRandom = root.split();
        this.saleRandom = root.split();
        this.dirtRandom = root.split();
        this.catalog = Catalog.create(settings.items(), settings.hitItems(), settings.hitShare(), catalogRandom);
        for (Incident incident : settings.incidents()) {
            // A checkout broken for an item nobody buys would make a rehearsal look like a missed alert.
            if (incident instanceof Incident.BrokenCheckout broken && !broken.itemId().equals(Incident.BUSIEST_ITEM)
                    && !catalog.contains(broken.itemId())) {
                throw new IllegalArgumentException("incident item '" + broken.itemId() + "' is not on sale (the "
                        + "items are sku-1 to sku-" + settings.items() + ")");
            }
        }
        this.audience = new Audience(settings.users(), audienceRandom);
        SaleForecast forecast = new SaleForecast(TrafficProfile.of(settings), catalog,
                settings.duration().toMillis());
        this.stock = StockPlan.create(catalog, forecast, stockRandom);
        this.campaign = CampaignPlan.create(campaignId, settings, catalog, forecast, stock);
    }

    /** The campaign file for this sale (README format). */
    public CampaignPlan campaign() {
        return campaign;
    }

    /** Ids of the flash-sale hit items. */
    public List<String> hitItemIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < catalog.hitCount(); i++) {
            ids.add(catalog.id(i));
        }
        return ids;
    }

    /**
     * Generates the whole sale into the sink. The sink is not closed.
     *
     * @throws IllegalStateException on a second call: the random streams are spent, so it could not repeat the sale
     * @throws InterruptedException when pacing is interrupted; what was written so far stays written
     */
    public GenerationSummary run(RecordSink sink, Pacer pacer, ProgressReporter progress)
            throws IOException, InterruptedException {
        if (ran) {
            throw new IllegalStateException("a generator runs once; create another for the same sale again");
        }
        ran = true;
        SaleSimulator sale = new SaleSimulator(settings, catalog, audience, stock, saleRandom);
        ArrivalScheduler arrivals = new ArrivalScheduler(settings.dirt(), dirtRandom);
        GenerationSummary summary = new GenerationSummary(sale.totals());
        long written = 0;
        SaleEvent event;
        while ((event = sale.next()) != null) {
            written = deliver(arrivals, event.ts(), written, sink, pacer, progress, summary);
            arrivals.offer(event);
        }
        deliver(arrivals, Long.MAX_VALUE, written, sink, pacer, progress, summary);
        return summary;
    }

    private static long deliver(ArrivalScheduler arrivals, long clockMillis, long written, RecordSink sink,
            Pacer pacer, ProgressReporter progress, GenerationSummary summary)
            throws IOException, InterruptedException {
        Arrival arrival;
        while ((arrival = arrivals.due(clockMillis)) != null) {
            pacer.await(written, arrival.arrivalMillis());
            sink.write(arrival.stream(), arrival.key(), arrival.value());
            summary.count(arrival);
            written++;
            progress.written(written, arrival.arrivalMillis());
        }
        return written;
    }
}
