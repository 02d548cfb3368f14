package io.warroom.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which items the warehouse watches (the hits and the most popular regular items) and the stock each starts with.
 * Stock is sized against forecast demand so that the sale is eventful: hits have a fixed allotment well below demand
 * and sell out for good; popular items get anything from too little (they run low and are restocked) to plenty.
 * The campaign file lists the same items with the same stock.
 */
final class StockPlan {
    static final int POPULAR_WATCHED = 6;

    /** Stock as a multiple of forecast demand, drawn per popular item: from "runs out early" to "plenty". */
    private static final double[] POPULAR_STOCK_FACTORS = {0.5, 0.8, 1.2, 2.0, 4.0};

    /**
     * @param safetyStock the level at which the campaign warns (STOCK_LOW)
     * @param restockBatch how much a restock adds; 0 for flash-sale hits, whose allotment is all there is
     */
    record Watched(int item, long stock, long safetyStock, long restockBatch) {}

    private final Watched[] byItem;
    private final List<Watched> watched;

    private StockPlan(int items, List<Watched> watched) {
        this.byItem = new Watched[items];
        for (Watched w : watched) {
            byItem[w.item()] = w;
        }
        this.watched = List.copyOf(watched);
    }

    static StockPlan create(Catalog catalog, SaleForecast forecast, SplittableRandom random) {
        List<Watched> watched = new ArrayList<>();
        for (int hit = 0; hit < catalog.hitCount(); hit++) {
            // Flash-sale hits are stocked well below demand: selling out is the point of a flash sale.
            long stock = Math.max(5, Math.round(forecast.demandUnits(hit) * (0.45 + 0.25 * random.nextDouble())));
            watched.add(new Watched(hit, stock, Math.max(1, stock / 10), 0));
        }
        int popular = Math.min(POPULAR_WATCHED, catalog.regularCount());
        for (int rank = 0; rank < popular; rank++) {
            int item = catalog.popularRegular(rank);
            double factor = POPULAR_STOCK_FACTORS[random.nextInt(POPULAR_STOCK_FACTORS.length)];
            long stock = Math.max(5, Math.round(forecast.demandUnits(item) * factor));
            watched.add(new Watched(item, stock, Math.max(1, stock / 10), Math.max(1, stock / 3)));
        }
        return new StockPlan(catalog.size(), watched);
    }

    List<Watched> watched() {
        return watched;
    }

    /** The item's plan, or null when the warehouse does not watch it. */
    Watched watched(int item) {
        return byItem[item];
    }
}
