package io.warroom.generator;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a sale is expected to bring, computed from the traffic profile, the catalog and the funnel before anything
 * is drawn. It sizes stock and the campaign's targets; it is an expectation, never the exact outcome (the summary of
 * a run reports that). Expected unit counts are real numbers; money is summed as exact decimals and rounded to
 * cents once.
 */
final class SaleForecast {
    /**
     * Share of carted units that end up in an order. A cart checks out with {@link Funnel#CHECKOUT_PROBABILITY};
     * carts that do not may still join a later checkout of the same session, which adds a little (measured).
     */
    static final double ORDERED_SHARE_OF_CARTS = 0.53;

    private final TrafficProfile profile;
    private final Catalog catalog;
    private final double windowMillis;

    SaleForecast(TrafficProfile profile, Catalog catalog, long windowMillis) {
        this.profile = profile;
        this.catalog = catalog;
        this.windowMillis = windowMillis;
    }

    double expectedClicks() {
        return profile.expectedClicks(0, windowMillis);
    }

    /** Units of the item people try to order during the window, whatever the stock. */
    double demandUnits(int item) {
        boolean hit = catalog.isHit(item);
        return expectedClicks() * catalog.clickShare(item) * Funnel.cartProbability(hit)
                * Funnel.expectedQuantity(hit) * ORDERED_SHARE_OF_CARTS;
    }

    /** Paid gmv expected within the window; see {@link #paidGmvBeforeCents}. */
    long paidGmvCents(StockPlan stock) {
        return paidGmvBeforeCents((long) windowMillis, stock);
    }

    /**
     * Paid gmv expected from the start until {@code sinceStartMillis}: demand paid with
     * {@link Funnel#PAY_PROBABILITY}, each payment a funnel lag after its click. Hits stop at their allotment
     * (cancelled units go back on sale, so all of it sells), which makes gmv front-loaded when they sell out early;
     * other watched items are restocked when low, so their demand is served.
     */
    long paidGmvBeforeCents(long sinceStartMillis, StockPlan stock) {
        double paidShare = Funnel.PAY_PROBABILITY * paidBefore(sinceStartMillis) / expectedClicks();
        BigDecimal cents = BigDecimal.ZERO;
        for (int item = 0; item < catalog.size(); item++) {
            double units = demandUnits(item) * paidShare;
            StockPlan.Watched watched = stock.watched(item);
            if (watched != null && watched.restockBatch() == 0) {
                units = Math.min(units, watched.stock());
            }
            cents = cents.add(BigDecimal.valueOf(units).multiply(BigDecimal.valueOf(catalog.priceCents(item))));
        }
        return cents.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Paid gmv of the item expected within the window, ignoring stock: the demand an item target is set from. */
    long itemDemandGmvCents(int item) {
        return BigDecimal.valueOf(demandUnits(item) * paidShareOfDemand())
                .multiply(BigDecimal.valueOf(catalog.priceCents(item)))
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** Share of the units ordered in the window that are also paid within it. */
    private double paidShareOfDemand() {
        return Funnel.PAY_PROBABILITY * paidBefore(windowMillis) / expectedClicks();
    }

    /** Clicks whose payments (if any) land before the given time. */
    private double paidBefore(double sinceStartMillis) {
        return profile.expectedClicksFollowedUpBefore(sinceStartMillis, Funnel.MEAN_CLICK_TO_PAYMENT_MILLIS);
    }
}
