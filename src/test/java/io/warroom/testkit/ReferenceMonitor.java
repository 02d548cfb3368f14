package io.warroom.testkit;

import io.warroom.config.AlertThresholds;
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
import java.math.BigInteger;
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
    private static final long MINUTE = 60_000L;

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

    /** An alert as the report lists it; {@code channel} only for a channel's TRAFFIC_DROP. */
    public record Alert(
            AlertType type, String campaignId, String itemId, String channel, long firedAt, Long resolvedAt) {}

    /** Everything expected of one campaign. */
    public static final class CampaignResult {
        public final Totals totals = new Totals();
        public final Map<String, Totals> items = new TreeMap<>();
        public final Map<Long, Minute> minutes = new TreeMap<>();
        public final Map<String, Set<String>> channelUsers = new TreeMap<>();
        public final Map<String, Long> channelPv = new TreeMap<>();
        /** Event-time minute to counts, for the early-warning windows (campaign events only). */
        final Map<String, TreeMap<Long, ItemMinute>> itemMinutes = new TreeMap<>();
        final Map<String, TreeMap<Long, Long>> channelMinutePv = new TreeMap<>();
        /** Per item: stock level after all changes of each timestamp, from the first one where it is known. */
        final Map<String, TreeMap<Long, Long>> stockAfter = new TreeMap<>();
        /** Per pacing checkpoint: paid gmv of events with {@code start <= ts < at}, and whether it is behind. */
        public final List<Checkpoint> pacing = new ArrayList<>();

        Totals item(String itemId) {
            return items.computeIfAbsent(itemId, k -> new Totals());
        }

        void addMinute(long ts, long gmv, long orders, long pv) {
            long minute = minuteOf(ts);
            minutes.merge(minute, new Minute(gmv, orders, pv),
                    (a, b) -> new Minute(a.gmvCents() + b.gmvCents(), a.orders() + b.orders(), a.pv() + b.pv()));
        }
    }

    /** An item's pv, paid orders and paid units of one event-time minute. */
    record ItemMinute(long pv, long orders, long units) {
        ItemMinute plus(ItemMinute o) {
            return new ItemMinute(pv + o.pv, orders + o.orders, units + o.units);
        }
    }

    /** The expected report. */
    public record Expected(Map<String, CampaignResult> campaigns, List<Alert> alerts) {}

    private record StockChange(long ts, int rank, String id, long quantity) {}

    public static Expected compute(SaleScenario sale, CampaignCatalog catalog) {
        return compute(sale.clicks, sale.carts, sale.orders, sale.inventory, catalog);
    }

    /** The same over any valid events, in the order they were sent (a re-sent event may appear twice). */
    public static Expected compute(List<ClickEvent> clickEvents, List<CartEvent> cartEvents,
            List<OrderEvent> orderEvents, List<InventoryEvent> inventory, CampaignCatalog catalog) {
        Map<String, CampaignResult> results = new TreeMap<>();
        List<Alert> alerts = new ArrayList<>();
        Map<String, ClickEvent> clicks = new LinkedHashMap<>();
        clickEvents.forEach(c -> clicks.putIfAbsent(c.eventId(), c));
        Map<String, CartEvent> carts = new LinkedHashMap<>();
        cartEvents.forEach(c -> carts.putIfAbsent(c.eventId(), c));
        Map<String, Map<OrderStatus, OrderEvent>> orders = new LinkedHashMap<>();
        orderEvents.forEach(o -> orders.computeIfAbsent(o.orderId(), k -> new LinkedHashMap<>())
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
                    String channel = channelLabel(c, e.channel());
                    r.channelUsers.computeIfAbsent(channel, k -> new HashSet<>()).add(e.userId());
                    r.channelPv.merge(channel, 1L, Long::sum);
                    r.channelMinutePv.computeIfAbsent(channel, k -> new TreeMap<>())
                            .merge(minuteOf(e.ts()), 1L, Long::sum);
                    addItemMinute(r, e.itemId(), e.ts(), new ItemMinute(1, 0, 0));
                }
            }
            for (CartEvent e : carts.values()) {
                if (c.contains(e.ts())) {
                    r.totals.carts++;
                    r.item(e.itemId()).carts++;
                }
            }
            for (InventoryEvent e : inventory) {
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
                        addItemMinute(r, line.getKey(), paid.ts(), new ItemMinute(0, 1, line.getValue()[0]));
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
            stock.forEach((itemId, changes) -> applyStock(c, itemId, changes, r, alerts));
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
            earlyWarningAlerts(c, r, alerts);
        }
        alerts.sort(Comparator.comparingLong(Alert::firedAt).thenComparing(a -> a.type().name())
                .thenComparing(a -> String.valueOf(a.itemId())).thenComparing(a -> String.valueOf(a.channel())));
        return new Expected(results, alerts);
    }

    private static void applyStock(CampaignDefinition c, String itemId, List<StockChange> changes, CampaignResult r,
            List<Alert> alerts) {
        Totals item = r.item(itemId);
        TreeMap<Long, Long> levels = r.stockAfter.computeIfAbsent(itemId, k -> new TreeMap<>());
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
            levels.put(change.ts(), level);
            lowSince = transition(lowSince, level <= safety, change.ts(), AlertType.STOCK_LOW, c, itemId, null,
                    alerts);
            outSince = transition(outSince, level <= 0, change.ts(), AlertType.STOCK_OUT, c, itemId, null, alerts);
            oversoldSince = transition(oversoldSince, level < 0, change.ts(), AlertType.OVERSOLD, c, itemId, null,
                    alerts);
        }
        stillActive(lowSince, AlertType.STOCK_LOW, c, itemId, null, alerts);
        stillActive(outSince, AlertType.STOCK_OUT, c, itemId, null, alerts);
        stillActive(oversoldSince, AlertType.OVERSOLD, c, itemId, null, alerts);
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
            since = transition(since, behind, checkpoint.at(), type, c, itemId, null, alerts);
        }
        stillActive(since, type, c, itemId, null, alerts);
    }

    /** Records a resolved alert when the condition clears; returns the new fire time (null when clear). */
    private static Long transition(Long since, boolean condition, long at, AlertType type, CampaignDefinition c,
            String itemId, String channel, List<Alert> alerts) {
        if (condition && since == null) {
            return at;
        }
        if (!condition && since != null) {
            alerts.add(new Alert(type, c.campaignId(), itemId, channel, since, at));
            return null;
        }
        return since;
    }

    /** An alert still firing after its last evaluation is listed unresolved. */
    private static void stillActive(Long since, AlertType type, CampaignDefinition c, String itemId, String channel,
            List<Alert> alerts) {
        if (since != null) {
            alerts.add(new Alert(type, c.campaignId(), itemId, channel, since, null));
        }
    }

    // ---- early-warning alerts (docs/alerts.md, "Early-warning alerts: windows and thresholds") ----

    /**
     * STOCK_ETA, CONVERSION_DROP and TRAFFIC_DROP at every whole-minute boundary {@code start <= E <= end}, each
     * window ending at E and holding the campaign's events with {@code ts < E} (a window reaching back before the
     * start holds only the campaign's events, but the sell rate still divides by the whole window).
     */
    private static void earlyWarningAlerts(CampaignDefinition c, CampaignResult r, List<Alert> alerts) {
        AlertThresholds t = c.alerts();
        List<Long> boundaries = new ArrayList<>();
        for (long e = ceilMinute(c.start()); e <= c.end(); e += MINUTE) {
            boundaries.add(e);
        }
        for (String itemId : r.items.keySet()) {
            TreeMap<Long, ItemMinute> minutes = r.itemMinutes.getOrDefault(itemId, new TreeMap<>());
            TreeMap<Long, Long> stock = r.stockAfter.getOrDefault(itemId, new TreeMap<>());
            Long etaSince = null;
            Long conversionSince = null;
            for (long e : boundaries) {
                if (t.stockEtaEnabled()) {
                    etaSince = transition(etaSince, stockRunsOutWithinHorizon(t, minutes, stock, e), e,
                            AlertType.STOCK_ETA, c, itemId, null, alerts);
                }
                if (t.conversionDropEnabled()) {
                    conversionSince = transition(conversionSince, conversionDropped(t, minutes, e), e,
                            AlertType.CONVERSION_DROP, c, itemId, null, alerts);
                }
            }
            stillActive(etaSince, AlertType.STOCK_ETA, c, itemId, null, alerts);
            stillActive(conversionSince, AlertType.CONVERSION_DROP, c, itemId, null, alerts);
        }
        if (!t.trafficDropEnabled()) {
            return;
        }
        TreeMap<Long, Long> campaignPv = new TreeMap<>();
        r.minutes.forEach((minute, m) -> campaignPv.put(minute, m.pv()));
        trafficDropAlerts(c, null, campaignPv, boundaries, alerts);
        r.channelMinutePv.forEach((channel, pv) -> trafficDropAlerts(c, channel, pv, boundaries, alerts));
    }

    /** At the window's sell rate {@code u / W}, the stock lasts at most the horizon: {@code stock x W <= H x u}. */
    private static boolean stockRunsOutWithinHorizon(AlertThresholds t, TreeMap<Long, ItemMinute> minutes,
            TreeMap<Long, Long> stockAfter, long e) {
        Map.Entry<Long, Long> stock = stockAfter.lowerEntry(e); // every stock change with ts < E
        long window = t.stockEtaWindowMinutes();
        long units = sum(minutes, e - window * MINUTE, e).units();
        if (stock == null || units <= 0) {
            return false;
        }
        return BigInteger.valueOf(stock.getValue()).multiply(BigInteger.valueOf(window))
                .compareTo(BigInteger.valueOf(t.stockEtaHorizonMinutes()).multiply(BigInteger.valueOf(units))) <= 0;
    }

    /** Paid orders per pv, recent window against the campaign before it: {@code o_r x p_b < (1 - d) x o_b x p_r}. */
    private static boolean conversionDropped(AlertThresholds t, TreeMap<Long, ItemMinute> minutes, long e) {
        long recentFrom = e - t.conversionWindowMinutes() * MINUTE;
        ItemMinute recent = sum(minutes, recentFrom, e);
        ItemMinute baseline = sum(minutes, Long.MIN_VALUE, recentFrom);
        if (recent.pv() < t.conversionMinPv() || baseline.pv() < t.conversionMinPv() || baseline.orders() <= 0) {
            return false;
        }
        BigDecimal recentSide = BigDecimal.valueOf(recent.orders()).multiply(BigDecimal.valueOf(baseline.pv()));
        BigDecimal baselineSide = BigDecimal.ONE.subtract(t.conversionDrop())
                .multiply(BigDecimal.valueOf(baseline.orders())).multiply(BigDecimal.valueOf(recent.pv()));
        return recentSide.compareTo(baselineSide) < 0;
    }

    /** The campaign's ({@code channel} null) or one channel's TRAFFIC_DROP over every boundary. */
    private static void trafficDropAlerts(CampaignDefinition c, String channel, TreeMap<Long, Long> pvByMinute,
            List<Long> boundaries, List<Alert> alerts) {
        AlertThresholds t = c.alerts();
        long baselineMinutes = t.trafficBaselineMinutes();
        Long since = null;
        long baselineAtFire = 0;
        for (long e : boundaries) {
            long baselineFrom = e - (baselineMinutes + 1) * MINUTE;
            if (baselineFrom < c.start()) {
                continue; // the minute and its baseline must lie inside the campaign
            }
            long lastMinute = sumPv(pvByMinute, e - MINUTE, e);
            // While the alert is active, traffic is judged against the baseline it fired against.
            long baseline = since != null ? baselineAtFire : sumPv(pvByMinute, baselineFrom, e - MINUTE);
            BigDecimal minimum =
                    BigDecimal.valueOf(baselineMinutes).multiply(BigDecimal.valueOf(t.trafficMinPvPerMinute()));
            BigDecimal lastSide = BigDecimal.valueOf(lastMinute).multiply(BigDecimal.valueOf(baselineMinutes));
            BigDecimal baselineSide = BigDecimal.ONE.subtract(t.trafficDrop()).multiply(BigDecimal.valueOf(baseline));
            boolean dropped = BigDecimal.valueOf(baseline).compareTo(minimum) >= 0
                    && lastSide.compareTo(baselineSide) < 0;
            if (since == null && dropped) {
                baselineAtFire = baseline;
            }
            since = transition(since, dropped, e, AlertType.TRAFFIC_DROP, c, null, channel, alerts);
        }
        stillActive(since, AlertType.TRAFFIC_DROP, c, null, channel, alerts);
    }

    /** Counts of the minutes {@code m} with {@code from <= m < to} (whole minutes, so the events with ts in it). */
    private static ItemMinute sum(TreeMap<Long, ItemMinute> minutes, long from, long to) {
        ItemMinute total = new ItemMinute(0, 0, 0);
        for (ItemMinute m : minutes.subMap(from, true, to, false).values()) {
            total = total.plus(m);
        }
        return total;
    }

    private static long sumPv(TreeMap<Long, Long> minutes, long from, long to) {
        return minutes.subMap(from, true, to, false).values().stream().mapToLong(Long::longValue).sum();
    }

    private static void addItemMinute(CampaignResult r, String itemId, long ts, ItemMinute counts) {
        r.itemMinutes.computeIfAbsent(itemId, k -> new TreeMap<>()).merge(minuteOf(ts), counts, ItemMinute::plus);
    }

    /**
     * The label a click counts under, written here from docs/metrics.md: its channel, or "other" when the campaign
     * lists its channels and this one is not listed ("unknown" stays "unknown").
     */
    static String channelLabel(CampaignDefinition c, String channel) {
        if (c.channels().isEmpty() || c.channels().contains(channel) || "unknown".equals(channel)) {
            return channel;
        }
        return "other";
    }

    static long minuteOf(long ts) {
        return Math.floorDiv(ts, MINUTE) * MINUTE;
    }

    private static long ceilMinute(long ts) {
        return -Math.floorDiv(-ts, MINUTE) * MINUTE;
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
