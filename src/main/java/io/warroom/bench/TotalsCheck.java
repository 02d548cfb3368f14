package io.warroom.bench;

import io.warroom.serde.Money;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares numbers computed two ways. Everything must be equal, except distinct counts ({@code uv}, {@code buyers})
 * when one side estimates them: docs/metrics.md bounds the campaign's estimate within 2% and every item's within 5%,
 * so those are the allowed relative errors (0 when both sides count exactly). Items and minutes missing on one side
 * count as zero: the report lists inactive watched items, and a minute or item with nothing in it is no difference.
 */
final class TotalsCheck {
    /** docs/metrics.md, "Distinct counts": campaign values stay far inside 2%, every item value within 5%. */
    static final double CAMPAIGN_SKETCH_BOUND = 0.02;

    static final double ITEM_SKETCH_BOUND = 0.05;

    private static final int MAX_LISTED = 25;

    private final double campaignDistinctBound;
    private final double itemDistinctBound;
    private final List<String> differences = new ArrayList<>();
    private int count;

    private TotalsCheck(double campaignDistinctBound, double itemDistinctBound) {
        this.campaignDistinctBound = campaignDistinctBound;
        this.itemDistinctBound = itemDistinctBound;
    }

    /** A replay report (distinct counts estimated) against exact numbers. */
    static List<String> reportAgainstExact(ContractTotals exact, ContractTotals report) {
        return new TotalsCheck(CAMPAIGN_SKETCH_BOUND, ITEM_SKETCH_BOUND).compare(exact, report);
    }

    /** Two exact computations. */
    static List<String> exactAgainstExact(ContractTotals expected, ContractTotals actual) {
        return new TotalsCheck(0, 0).compare(expected, actual);
    }

    private List<String> compare(ContractTotals expected, ContractTotals actual) {
        if (expected.rejected >= 0 && actual.rejected >= 0 && expected.rejected != actual.rejected) {
            add("rejected records: expected " + expected.rejected + ", got " + actual.rejected);
        }
        TreeSet<String> campaignIds = new TreeSet<>(expected.campaigns.keySet());
        campaignIds.addAll(actual.campaigns.keySet());
        for (String id : campaignIds) {
            ContractTotals.Campaign e = expected.campaigns.get(id);
            ContractTotals.Campaign a = actual.campaigns.get(id);
            if (e == null || a == null) {
                add("campaign " + id + ": only in the " + (e == null ? "compared" : "expected") + " numbers");
                continue;
            }
            totals("campaign " + id, e.totals, a.totals, campaignDistinctBound);
            items(id, e.items, a.items);
            if (e.minutes != null && a.minutes != null) {
                minutes(id, e.minutes, a.minutes);
            }
        }
        if (count > MAX_LISTED) {
            differences.add("... and " + (count - MAX_LISTED) + " more");
        }
        return differences;
    }

    private void items(String campaignId, Map<String, ContractTotals.Totals> expected,
            Map<String, ContractTotals.Totals> actual) {
        TreeSet<String> ids = new TreeSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        ContractTotals.Totals none = new ContractTotals.Totals();
        for (String itemId : ids) {
            totals("campaign " + campaignId + " item " + itemId, expected.getOrDefault(itemId, none),
                    actual.getOrDefault(itemId, none), itemDistinctBound);
        }
    }

    private void minutes(String campaignId, Map<Long, ContractTotals.Minute> expected,
            Map<Long, ContractTotals.Minute> actual) {
        TreeSet<Long> minutes = new TreeSet<>(expected.keySet());
        minutes.addAll(actual.keySet());
        for (long minute : minutes) {
            ContractTotals.Minute e = expected.getOrDefault(minute, ContractTotals.Minute.ZERO);
            ContractTotals.Minute a = actual.getOrDefault(minute, ContractTotals.Minute.ZERO);
            if (!e.equals(a)) {
                add("campaign " + campaignId + " minute " + minute + ": expected gmv " + Money.format(e.gmvCents())
                        + ", orders " + e.orders() + ", pv " + e.pv() + "; got gmv " + Money.format(a.gmvCents())
                        + ", orders " + a.orders() + ", pv " + a.pv());
            }
        }
    }

    private void totals(String what, ContractTotals.Totals e, ContractTotals.Totals a, double distinctBound) {
        money(what, "gmv", e.gmvCents, a.gmvCents);
        money(what, "refunded", e.refundedCents, a.refundedCents);
        exact(what, "orders", e.orders, a.orders);
        exact(what, "units", e.units, a.units);
        exact(what, "pv", e.pv, a.pv);
        exact(what, "carts", e.carts, a.carts);
        distinct(what, "uv", e.uv, a.uv, distinctBound);
        distinct(what, "buyers", e.buyers, a.buyers, distinctBound);
    }

    private void money(String what, String field, long expected, long actual) {
        if (expected != actual) {
            add(what + ": " + field + " expected " + Money.format(expected) + ", got " + Money.format(actual));
        }
    }

    private void exact(String what, String field, long expected, long actual) {
        if (expected != actual) {
            add(what + ": " + field + " expected " + expected + ", got " + actual);
        }
    }

    private void distinct(String what, String field, long expected, long actual, double bound) {
        long allowed = (long) Math.ceil(bound * expected);
        if (Math.abs(expected - actual) > allowed) {
            add(what + ": " + field + " expected " + expected + (bound > 0
                    ? " (estimate within " + Math.round(bound * 100) + "%, so " + (expected - allowed) + ".."
                            + (expected + allowed) + ")"
                    : "") + ", got " + actual);
        }
    }

    private void add(String difference) {
        count++;
        if (count <= MAX_LISTED) {
            differences.add(difference);
        }
    }
}
