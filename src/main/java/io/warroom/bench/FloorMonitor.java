package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.io.FileInputs;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The floor of the benchmark: what one thread does with the same files and no Flink. It reads every file in turn,
 * parses each record with Jackson ({@link FloorParser}) and aggregates the contract's metrics (docs/metrics.md)
 * exactly in hash maps: money in long cents, distinct users in hash sets, clicks and carts deduplicated by
 * {@code event_id} per campaign, order events by {@code (order_id, status)}, refunds counted only for orders paid at
 * or before the refund in event time. It needs no event-time order: it holds every order's payment time and decides
 * refunds at the end.
 *
 * <p>Its results are the reference the replay report and the SQL peer are checked against in each benchmark run.
 */
public final class FloorMonitor {
    private static final long MINUTE = 60_000L;

    private final CampaignCatalog campaigns;

    public FloorMonitor(CampaignCatalog campaigns) {
        this.campaigns = campaigns;
    }

    /** The floor's numbers and how many records it read. */
    public record Result(ContractTotals totals, long records) {}

    /** Running totals of a campaign or of one item in it, with exact sets of its users and buyers. */
    private static final class Counts {
        long gmv;
        long refunded;
        long orders;
        long units;
        long pv;
        long carts;
        final Set<String> users = new HashSet<>();
        final Set<String> buyers = new HashSet<>();

        ContractTotals.Totals totals() {
            return new ContractTotals.Totals(gmv, refunded, orders, units, buyers.size(), users.size(), pv, carts);
        }
    }

    private static final class CampaignAccumulator {
        final CampaignDefinition definition;
        final Set<String> clickIds = new HashSet<>();
        final Set<String> cartIds = new HashSet<>();
        final Counts counts = new Counts();
        final Map<String, Counts> items = new HashMap<>();
        final Map<Long, long[]> minutes = new HashMap<>();

        CampaignAccumulator(CampaignDefinition definition) {
            this.definition = definition;
        }

        Counts item(String itemId) {
            Counts item = items.get(itemId);
            if (item == null) {
                item = new Counts();
                items.put(itemId, item);
            }
            return item;
        }

        long[] minute(long ts) {
            return minutes.computeIfAbsent(Math.floorDiv(ts, MINUTE) * MINUTE, k -> new long[3]);
        }
    }

    /** What the floor keeps per order: which statuses it has seen, when it was paid, and its refund if any. */
    private static final class OrderProgress {
        int seen;
        long paidTs = Long.MAX_VALUE;
        boolean refunded;
        long refundTs;
        String[] refundItems;
        long[] refundAmounts;
    }

    public Result run(List<FileInputs.InputFile> files) throws IOException {
        List<CampaignAccumulator> accumulators = new ArrayList<>();
        for (CampaignDefinition c : campaigns.all()) {
            accumulators.add(new CampaignAccumulator(c));
        }
        Map<String, OrderProgress> orders = new HashMap<>();
        FloorParser parser = new FloorParser();
        long records = 0;
        long rejected = 0;
        for (FileInputs.InputFile file : files) {
            StreamKind stream = file.stream();
            try (JsonLineReader lines = new JsonLineReader(file.path())) {
                while (lines.next()) {
                    records++;
                    if (!parser.parse(stream, lines.bytes(), lines.length())) {
                        rejected++;
                        continue;
                    }
                    switch (stream) {
                        case CLICK -> click(parser, accumulators);
                        case CART -> cart(parser, accumulators);
                        case ORDER -> order(parser, accumulators, orders);
                        case INVENTORY -> {
                            // Stock is not among the compared metrics.
                        }
                    }
                }
            }
        }
        settleRefunds(orders, accumulators);
        ContractTotals totals = new ContractTotals();
        totals.rejected = rejected;
        for (CampaignAccumulator a : accumulators) {
            totals.campaigns.put(a.definition.campaignId(), result(a));
        }
        return new Result(totals, records);
    }

    private static void click(FloorParser e, List<CampaignAccumulator> accumulators) {
        for (CampaignAccumulator c : accumulators) {
            if (!c.definition.contains(e.ts) || !c.clickIds.add(e.eventId)) {
                continue;
            }
            c.counts.pv++;
            c.counts.users.add(e.userId);
            c.minute(e.ts)[2]++;
            Counts item = c.item(e.itemId);
            item.pv++;
            item.users.add(e.userId);
        }
    }

    private static void cart(FloorParser e, List<CampaignAccumulator> accumulators) {
        for (CampaignAccumulator c : accumulators) {
            if (c.definition.contains(e.ts) && c.cartIds.add(e.eventId)) {
                c.counts.carts++;
                c.item(e.itemId).carts++;
            }
        }
    }

    private static void order(FloorParser e, List<CampaignAccumulator> accumulators,
            Map<String, OrderProgress> orders) {
        int bit = switch (e.status) {
            case "created" -> 1;
            case "paid" -> 2;
            case "cancelled" -> 4;
            default -> 8;
        };
        OrderProgress order = orders.get(e.orderId);
        if (order == null) {
            order = new OrderProgress();
            orders.put(e.orderId, order);
        }
        if ((order.seen & bit) != 0) {
            return; // only the first event of each status counts
        }
        order.seen |= bit;
        if (bit == 2) {
            order.paidTs = e.ts;
            paid(e, accumulators);
        } else if (bit == 8) {
            order.refunded = true;
            order.refundTs = e.ts;
            order.refundItems = new String[e.lineCount];
            order.refundAmounts = new long[e.lineCount];
            for (int i = 0; i < e.lineCount; i++) {
                order.refundItems[i] = e.lineItems[i];
                order.refundAmounts[i] = e.lineQuantities[i] * e.lineCents[i];
            }
        }
    }

    private static void paid(FloorParser e, List<CampaignAccumulator> accumulators) {
        for (CampaignAccumulator c : accumulators) {
            if (!c.definition.contains(e.ts)) {
                continue;
            }
            c.counts.gmv = Math.addExact(c.counts.gmv, e.amountCents);
            c.counts.orders++;
            c.counts.buyers.add(e.userId);
            long[] minute = c.minute(e.ts);
            minute[0] += e.amountCents;
            minute[1]++;
            for (int i = 0; i < e.lineCount; i++) {
                c.counts.units += e.lineQuantities[i];
                Counts item = c.item(e.lineItems[i]);
                item.units += e.lineQuantities[i];
                item.gmv += e.lineQuantities[i] * e.lineCents[i];
                if (firstLineOfItem(e, i)) {
                    item.orders++;
                    item.buyers.add(e.userId);
                }
            }
        }
    }

    /** An order with an item on two lines counts once for the item. */
    private static boolean firstLineOfItem(FloorParser e, int line) {
        for (int j = 0; j < line; j++) {
            if (e.lineItems[j].equals(e.lineItems[line])) {
                return false;
            }
        }
        return true;
    }

    /** A refund counts when its order was paid at or before it (same ts: paid first), in the refund's campaigns. */
    private static void settleRefunds(Map<String, OrderProgress> orders, List<CampaignAccumulator> accumulators) {
        for (OrderProgress order : orders.values()) {
            if (!order.refunded || order.paidTs > order.refundTs) {
                continue;
            }
            for (CampaignAccumulator c : accumulators) {
                if (!c.definition.contains(order.refundTs)) {
                    continue;
                }
                for (int i = 0; i < order.refundItems.length; i++) {
                    c.counts.refunded = Math.addExact(c.counts.refunded, order.refundAmounts[i]);
                    c.item(order.refundItems[i]).refunded += order.refundAmounts[i];
                }
            }
        }
    }

    private static ContractTotals.Campaign result(CampaignAccumulator a) {
        ContractTotals.Campaign c = new ContractTotals.Campaign();
        c.totals = a.counts.totals();
        a.items.forEach((itemId, i) -> c.items.put(itemId, i.totals()));
        a.minutes.forEach((minute, m) -> c.minutes.put(minute, new ContractTotals.Minute(m[0], m[1], m[2])));
        return c;
    }
}
