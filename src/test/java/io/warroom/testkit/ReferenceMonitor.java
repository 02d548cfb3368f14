package io.warroom.testkit;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.ItemSettings;
import io.warroom.config.PacingCheckpoint;
import io.warroom.model.AlertType;
import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InventoryEvent;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metric contract computed the obvious way, for comparison with the pipeline: whole event lists in memory,
 * exact sets for distinct counts, sorting for event-time order. It shares no code with the pipeline's functions.
 */
public final class ReferenceMonitor {
    private ReferenceMonitor() {}

    /** Exact totals of one campaign or one item. */
    public static final class Totals {
        public long gmvCents;
        public long refundedCents;
        public long orders;
        public long units;
        public long pv;
        public long carts;
        public final Set<String> users = new HashSet<>();
        public final Set<String> buyers = new HashSet<>();
        public Long stock;
    }

    /** Per-minute totals of a campaign. */
    public record Minute(long gmvCents, long orders, long pv) {}

    /** A pacing checkpoint as the report lists it, once evaluated. */
    public record Checkpoint(long at, long plannedCents, long gmvBeforeCents, boolean behind) {}

    /** An alert as the report lists it. */
    public record Alert(AlertType type, String campaignId, String itemId, long firedAt, Long resolvedAt) {}

    /** Everything expected of one campaign. */
    public static final class CampaignResult {
        public final Totals totals = new Totals();
        public final Map<String, Totals> items = new TreeMap<>();
        public final Map<Long, Minute> minutes = new TreeMap<>();
        public final Map<String, Set<String>> channelUsers = new TreeMap<>();
        public final Map<String, Long> channelPv = new TreeMap<>();
        /** Per pacing checkpoint: paid gmv of events with {@code start <= ts < at}, and whether it is behind. */
        public final List<Checkpoint> pacing = new ArrayList<>();

        Totals item(String itemId) {
            return items.computeIfAbsent(itemId, k -> new Totals());
        }

        void addMinute(long ts, long gmv, long orders, long pv) {
            long minute = Math.floorDiv(ts, 60_000L) * 60_000L;
            minutes.merge(minute, new Minute(gmv, orders, pv),
                    (a, b) -> new Minute(a.gmvCents() + b.gmvCents(), a.orders() + b.orders(), a.pv() + b.pv()));
        }
    }

    /** The expected report. */
    public record Expected(Map<String, CampaignResult> campaigns, List<Alert> alerts) {}

    private record StockChange(long ts, int rank, String id, long quantity) {}

    public static Expected compute(SaleScenario sale, CampaignCatalog catalog) {
        Map<String, CampaignResult> results = new TreeMap<>();
        List<Alert> alerts = new ArrayList<>();
        Map<String, ClickEvent> clicks = new LinkedHashMap<>();
        sale.clicks.forEach(c -> clicks.putIfAbsent(c.eventId(), c));
        Map<String, CartEvent> carts = new LinkedHashMap<>();
        sale.carts.forEach(c -> carts.putIfAbsent(c.eventId(), c));
        Map<String, Map<OrderStatus, OrderEvent>> orders = new LinkedHashMap<>();
        sale.orders.forEach(o -> orders.computeIfAbsent(o.orderId(), k -> new LinkedHashMap<>())
                .putIfAbsent(o.status(), o));

        for (CampaignDefinition c : catalog.all()) {
            CampaignResult r = new CampaignResult();
            results.put(c.campaignId(), r);
            Map<String, List<StockChange>> stock = new TreeMap<>();
            List<long[]> paidTimesAndAmounts = new ArrayList<>();
            Map<String, List<long[]>> itemPaid = new TreeMap<>();

            for (ItemSettings item : c.items().values()) {
                r.item(item.itemId());
                if (item.stock() != null) {
                    stock.computeIfAbsent(item.itemId(), k -> new ArrayList<>())
                            .add(new StockChange(c.start(), 0, null, item.stock()));
                }
            }
            for (ClickEvent e : clicks.values()) {
                if (c.contains(e.ts())) {
                    r.totals.pv++;
                    r.totals.users.add(e.userId());
                    r.item(e.itemId()).pv++;
                    r.item(e.itemId()).users.add(e.userId());
                    r.addMinute(e.ts(), 0, 0, 1);
                    r.channelUsers.computeIfAbsent(e.channel(), k -> new HashSet<>()).add(e.userId());
                    r.channelPv.merge(e.channel(), 1L, Long::sum);
                }
            }
            for (CartEvent e : carts.values()) {
                if (c.contains(e.ts())) {
                    r.totals.carts++;
                    r.item(e.itemId()).carts++;
                }
            }
            for (InventoryEvent e : sale.inventory) {
                if (c.contains(e.ts())) {
                    r.item(e.itemId());
                    stock.computeIfAbsent(e.itemId(), k -> new ArrayList<>())
                            .add(new StockChange(e.ts(), 1, null, e.stock()));
                }
            }
            for (Map<OrderStatus, OrderEvent> byStatus : orders.values()) {
                OrderEvent paid = byStatus.get(OrderStatus.PAID);
                OrderEvent refund = byStatus.get(OrderStatus.REFUNDED);
                OrderEvent cancel = byStatus.get(OrderStatus.CANCELLED);
                OrderEvent reserving = first(byStatus.get(OrderStatus.CREATED), paid);
                if (paid != null && c.contains(paid.ts())) {
                    long amount = amount(paid.lines());
                    r.totals.gmvCents += amount;
                    r.totals.orders++;
                    r.totals.units += units(paid.lines());
                    r.totals.buyers.add(paid.userId());
                    r.addMinute(paid.ts(), amount, 1, 0);
                    paidTimesAndAmounts.add(new long[] {paid.ts(), amount});
                    for (Map.Entry<String, long[]> line : byItem(paid.lines()).entrySet()) {
                        Totals item = r.item(line.getKey());
                        item.orders++;
                        item.units += line.getValue()[0];
                        item.gmvCents += line.getValue()[1];
                        item.buyers.add(paid.userId());
                        itemPaid.computeIfAbsent(line.getKey(), k -> new ArrayList<>())
                                .add(new long[] {paid.ts(), line.getValue()[1]});
                    }
                }
                if (refund != null && paid != null && precedes(paid, refund) && c.contains(refund.ts())) {
                    r.totals.refundedCents += amount(refund.lines());
                    byItem(refund.lines()).forEach((itemId, sums) -> r.item(itemId).refundedCents += sums[1]);
                }
                if (reserving != null && c.contains(reserving.ts())) {
                    byItem(reserving.lines()).forEach((itemId, sums) -> {
                        r.item(itemId);
                        stock.computeIfAbsent(itemId, k -> new ArrayList<>())
                                .add(new StockChange(reserving.ts(), 2, reserving.orderId(), -sums[0]));
                    });
                }
                boolean released = cancel != null && reserving != null && precedes(reserving, cancel)
                        && !(paid != null && precedes(paid, cancel));
                if (released && c.contains(cancel.ts())) {
                    byItem(reserving.lines()).forEach((itemId, sums) -> {
                        r.item(itemId);
                        stock.computeIfAbsent(itemId, k -> new ArrayList<>())
                                .add(new StockChange(cancel.ts(), 3, cancel.orderId(), sums[0]));
                    });
                }
            }
            stock.forEach((itemId, changes) -> applyStock(c, itemId, changes, r.item(itemId), alerts));
            pacingAlerts(c, null, c.gmvTargetCents(), paidTimesAndAmounts, alerts);
            for (PacingCheckpoint checkpoint : c.pacing()) {
                long gmvBefore = paidTimesAndAmounts.stream().filter(p -> p[0] < checkpoint.at())
                        .mapToLong(p -> p[1]).sum();
                BigDecimal planned = BigDecimal.valueOf(c.gmvTargetCents(), 2).multiply(checkpoint.share());
                BigDecimal line = planned.multiply(BigDecimal.ONE.subtract(c.shortfallTolerance()));
                r.pacing.add(new Checkpoint(checkpoint.at(),
                        planned.setScale(2, RoundingMode.HALF_UP).unscaledValue().longValueExact(),
                        gmvBefore, BigDecimal.valueOf(gmvBefore, 2).compareTo(line) < 0));
            }
            for (ItemSettings item : c.items().values()) {
                if (item.gmvTargetCents() != null) {
                    pacingAlerts(c, item.itemId(), item.gmvTargetCents(),
                            itemPaid.getOrDefault(item.itemId(), List.of()), alerts);
                }
            }
        }
        alerts.sort(Comparator.comparingLong(Alert::firedAt).thenComparing(a -> a.type().name())
                .thenComparing(a -> String.valueOf(a.itemId())));
        return new Expected(results, alerts);
    }

    private static void applyStock(CampaignDefinition c, String itemId, List<StockChange> changes, Totals item,
            List<Alert> alerts) {
        changes.sort(Comparator.comparingLong(StockChange::ts).thenComparingInt(StockChange::rank)
                .thenComparing(StockChange::id, Comparator.nullsFirst(Comparator.naturalOrder())));
        Long level = null;
        Long lowSince = null;
        Long outSince = null;
        Long oversoldSince = null;
        long safety = c.safetyStockOf(itemId);
        for (int i = 0; i < changes.size(); i++) {
            StockChange change = changes.get(i);
            if (change.rank() <= 1) {
                level = change.quantity();
            } else if (level != null) {
                level += change.quantity();
            }
            boolean lastOfTimestamp = i == changes.size() - 1 || changes.get(i + 1).ts() != change.ts();
            if (!lastOfTimestamp || level == null) {
                continue;
            }
            lowSince = transition(lowSince, level <= safety, change.ts(), AlertType.STOCK_LOW, c, itemId, alerts);
            outSince = transition(outSince, level <= 0, change.ts(), AlertType.STOCK_OUT, c, itemId, alerts);
            oversoldSince = transition(oversoldSince, level < 0, change.ts(), AlertType.OVERSOLD, c, itemId, alerts);
        }
        if (lowSince != null) {
            alerts.add(new Alert(AlertType.STOCK_LOW, c.campaignId(), itemId, lowSince, null));
        }
        if (outSince != null) {
            alerts.add(new Alert(AlertType.STOCK_OUT, c.campaignId(), itemId, outSince, null));
        }
        if (oversoldSince != null) {
            alerts.add(new Alert(AlertType.OVERSOLD, c.campaignId(), itemId, oversoldSince, null));
        }
        item.stock = level;
    }

    private static void pacingAlerts(CampaignDefinition c, String itemId, long target, List<long[]> paid,
            List<Alert> alerts) {
        Long since = null;
        AlertType type = itemId == null ? AlertType.TARGET_SHORTFALL : AlertType.ITEM_TARGET_SHORTFALL;
        for (PacingCheckpoint checkpoint : c.pacing()) {
            long gmvBefore = paid.stream().filter(p -> p[0] < checkpoint.at()).mapToLong(p -> p[1]).sum();
            BigDecimal line = BigDecimal.valueOf(target, 2).multiply(checkpoint.share())
                    .multiply(BigDecimal.ONE.subtract(c.shortfallTolerance()));
            boolean behind = BigDecimal.valueOf(gmvBefore, 2).compareTo(line) < 0;
            since = transition(since, behind, checkpoint.at(), type, c, itemId, alerts);
        }
        if (since != null) {
            alerts.add(new Alert(type, c.campaignId(), itemId, since, null));
        }
    }

    /** Records a resolved alert when the condition clears; returns the new fire time (null when clear). */
    private static Long transition(Long since, boolean condition, long at, AlertType type, CampaignDefinition c,
            String itemId, List<Alert> alerts) {
        if (condition && since == null) {
            return at;
        }
        if (!condition && since != null) {
            alerts.add(new Alert(type, c.campaignId(), itemId, since, at));
            return null;
        }
        return since;
    }

    /** The earlier of two order events in event-time order (ties: status order), ignoring nulls. */
    private static OrderEvent first(OrderEvent a, OrderEvent b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return precedes(a, b) ? a : b;
    }

    private static boolean precedes(OrderEvent a, OrderEvent b) {
        return a.ts() < b.ts() || (a.ts() == b.ts() && a.status().ordinal() < b.status().ordinal());
    }

    private static long amount(OrderLine[] lines) {
        long sum = 0;
        for (OrderLine l : lines) {
            sum += l.quantity() * l.unitPriceCents();
        }
        return sum;
    }

    private static long units(OrderLine[] lines) {
        long sum = 0;
        for (OrderLine l : lines) {
            sum += l.quantity();
        }
        return sum;
    }

    private static Map<String, long[]> byItem(OrderLine[] lines) {
        Map<String, long[]> map = new TreeMap<>();
        for (OrderLine l : lines) {
            long[] sums = map.computeIfAbsent(l.itemId(), k -> new long[2]);
            sums[0] += l.quantity();
            sums[1] += l.quantity() * l.unitPriceCents();
        }
        return map;
    }
}
