package io.warroom.testkit;

import io.warroom.config.AlertThresholds;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.ItemSettings;
import io.warroom.config.MonitorOptions;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The metric contract computed the obvious way, for comparison with the pipeline: whole event lists in memory,
 * exact sets for distinct counts, sorting for event-time order. It shares no code with the pipeline's functions.
 */
public final class ReferenceMonitor {
    private static final long MINUTE = 60_000L;
    /** The default out-of-orderness bound, which the too-late rule adds to a campaign's dedup horizon. */
    private static final long OUT_OF_ORDERNESS = MonitorOptions.OUT_OF_ORDERNESS.defaultValue().toMillis();
    private static final long RETENTION = MonitorOptions.RETENTION.defaultValue().toMillis();

    private ReferenceMonitor() {}

    /** Exact totals of one campaign or one item. */
    public static final class Totals {
        public long gmvCents;
        public long refundedCents;
        public long orders;
        public long units;
        public long pv;
        public long carts;
        /** Clicks and carts of the campaign's window dropped as too late (campaign totals only). */
        public long lateDropped;
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

    /**
     * The clicks or carts that count for a campaign, from docs/metrics.md: in its window; not too late, that is at
     * most the out-of-orderness bound plus the campaign's dedup horizon behind the highest ts of the records before
     * them in their input (the list, in the order it was sent) that move event time (at most the last campaign's
     * end plus the retention); the first of their event_id. Adds the too-late ones to {@code lateDropped}.
     */
    private static <E> List<E> counted(List<E> input, Function<E, String> eventId, ToLongFunction<E> eventTime,
            CampaignDefinition campaign, Collection<CampaignDefinition> all, Totals totals) {
        List<E> counted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long highest = Long.MIN_VALUE;
        for (E e : input) {
            long ts = eventTime.applyAsLong(e);
            long behind = highest > ts ? highest - ts : 0;
            if (all.stream().anyMatch(c -> ts <= c.end() + RETENTION)) {
                highest = Math.max(highest, ts);
            }
            if (!campaign.contains(ts)) {
                continue;
            }
            if (behind > OUT_OF_ORDERNESS + campaign.dedupHorizonMillis()) {
                totals.lateDropped++;
            } else if (seen.add(eventId.apply(e))) {
                counted.add(e);
            }
        }
        return counted;
    }

    public static Expected compute(SaleScenario sale, CampaignCatalog catalog) {
        return compute(sale.clicksAsWritten(), sale.cartsAsWritten(), sale.orders, sale.inventory, catalog);
    }

    /** The same over any valid events, in the order they were sent (a re-sent event may appear twice). */
    public static Expected compute(List<ClickEvent> clickEvents, List<CartEvent> cartEvents,
            List<OrderEvent> orderEvents, List<InventoryEvent> inventory, CampaignCatalog catalog) {
        Map<String, CampaignResult> results = new TreeMap<>();
        List<Alert> alerts = new ArrayList<>();
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
            for (ClickEvent e : counted(clickEvents, ClickEvent::eventId, ClickEvent::ts, c, catalog.all(), r.totals)) {
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
            for (CartEvent e : counted(cartEvents, CartEvent::eventId, CartEvent::ts, c, catalog.all(), r.totals)) {
                r.totals.carts++;
                r.item(e.itemId()).carts++;
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
            for (long e : boundaries) {
                if (t.stockEtaEnabled()) {
                    etaSince = transition(etaSince, stockRunsOutWithinHorizon(t, minutes, stock, e), e,
                            AlertType.STOCK_ETA, c, itemId, null, alerts);
                }
            }
            stillActive(etaSince, AlertType.STOCK_ETA, c, itemId, null, alerts);
        }
        if (t.conversionDropEnabled()) {
            conversionDropAlerts(c, r, boundaries, alerts);
        }
        if (!t.trafficDropEnabled()) {
            return;
        }
        TreeMap<Long, Long> campaignPv = new TreeMap<>();
        r.minutes.forEach((minute, m) -> campaignPv.put(minute, m.pv()));
        campaignTrafficDropAlerts(c, campaignPv, boundaries, alerts);
        r.channelMinutePv.forEach((channel, pv) -> channelTrafficDropAlerts(c, channel, pv, campaignPv, boundaries,
                alerts));
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

    /**
     * CONVERSION_DROP of the campaign and its items at every boundary: the campaign's comparable items' paid orders
     * {@code O} against their summed expectations {@code E} (each {@code o_b x p_r / p_b}, 6 decimals, half even),
     * and each comparable item's {@code o} against {@code e x O / E}.
     */
    private static void conversionDropAlerts(CampaignDefinition c, CampaignResult r, List<Long> boundaries,
            List<Alert> alerts) {
        AlertThresholds t = c.alerts();
        Long campaignSince = null;
        Map<String, Long> itemSince = new TreeMap<>();
        for (long e : boundaries) {
            Map<String, Conversion> comparable = new TreeMap<>();
            long orders = 0;
            BigDecimal expected = BigDecimal.ZERO;
            for (String itemId : r.items.keySet()) {
                Conversion w = conversionCounts(c, r.itemMinutes.getOrDefault(itemId, new TreeMap<>()), e);
                long minPv = Math.max(1, t.conversionMinPv());
                boolean inStock = inStockThroughout(r.stockAfter.getOrDefault(itemId, new TreeMap<>()),
                        e - t.conversionWindowMinutes() * MINUTE, e);
                if (inStock && w.pr() >= minPv && w.pb() >= minPv && w.ob() > 0) {
                    comparable.put(itemId, w);
                    orders += w.or();
                    expected = expected.add(w.expected());
                }
            }
            BigDecimal z2 = t.conversionMinSigmas().multiply(t.conversionMinSigmas());
            BigDecimal keep = BigDecimal.ONE.subtract(t.conversionDrop());
            BigDecimal campaignOrders = BigDecimal.valueOf(orders);
            BigDecimal gap = expected.subtract(campaignOrders);
            boolean campaignDropped = expected.signum() > 0 && campaignOrders.compareTo(keep.multiply(expected)) < 0
                    && gap.multiply(gap).compareTo(z2.multiply(expected)) >= 0;
            campaignSince = transition(campaignSince, campaignDropped, e, AlertType.CONVERSION_DROP, c, null, null,
                    alerts);
            for (String itemId : r.items.keySet()) {
                Conversion w = comparable.get(itemId);
                boolean dropped = false;
                if (w != null && expected.signum() > 0) {
                    // o against e x O / E, multiplied out by E
                    BigDecimal scaled = w.expected().multiply(campaignOrders);
                    BigDecimal observed = BigDecimal.valueOf(w.or()).multiply(expected);
                    BigDecimal itemGap = scaled.subtract(observed);
                    dropped = observed.compareTo(keep.multiply(scaled)) < 0
                            && itemGap.multiply(itemGap).compareTo(z2.multiply(scaled).multiply(expected)) >= 0;
                }
                Long since = transition(itemSince.get(itemId), dropped, e, AlertType.CONVERSION_DROP, c, itemId,
                        null, alerts);
                if (since == null) {
                    itemSince.remove(itemId);
                } else {
                    itemSince.put(itemId, since);
                }
            }
        }
        stillActive(campaignSince, AlertType.CONVERSION_DROP, c, null, null, alerts);
        itemSince.forEach((itemId, since) -> stillActive(since, AlertType.CONVERSION_DROP, c, itemId, null, alerts));
    }

    /**
     * Whether the item had stock above 0 (or unknown stock) at every instant of {@code [from, to)}: the stock in force
     * at {@code from} (its last change with ts <= from) and after every change in {@code (from, to)}.
     */
    private static boolean inStockThroughout(TreeMap<Long, Long> stockAfter, long from, long to) {
        Map.Entry<Long, Long> atFrom = stockAfter.floorEntry(from);
        if (atFrom != null && atFrom.getValue() <= 0) {
            return false;
        }
        return stockAfter.subMap(from, false, to, false).values().stream().allMatch(stock -> stock > 0);
    }

    /** pv {@code p_r}, paid orders {@code o_r}, and the baselines {@code p_b}, {@code o_b} at boundary E. */
    private record Conversion(long pr, long or, long pb, long ob) {
        BigDecimal expected() {
            return BigDecimal.valueOf(ob).multiply(BigDecimal.valueOf(pr))
                    .divide(BigDecimal.valueOf(pb), 6, RoundingMode.HALF_EVEN);
        }
    }

    /**
     * Paid orders of {@code [E - W, E)} and of {@code [A, E - W)}, where A is the first whole minute at or after
     * {@code start + L}; pv of {@code [E - W - L, E - L)} and of {@code [start, E - W - L)}.
     */
    private static Conversion conversionCounts(CampaignDefinition c, TreeMap<Long, ItemMinute> minutes, long e) {
        AlertThresholds t = c.alerts();
        long ordersFrom = e - t.conversionWindowMinutes() * MINUTE;
        long pvTo = e - t.conversionPaymentLagMinutes() * MINUTE;
        long pvFrom = pvTo - t.conversionWindowMinutes() * MINUTE;
        long afterLag = ceilMinute(c.start() + t.conversionPaymentLagMinutes() * MINUTE);
        return new Conversion(sum(minutes, pvFrom, pvTo).pv(), sum(minutes, ordersFrom, e).orders(),
                sum(minutes, Long.MIN_VALUE, pvFrom).pv(), sum(minutes, afterLag, Math.max(afterLag, ordersFrom))
                        .orders());
    }

    /**
     * The campaign's TRAFFIC_DROP over every boundary: the last minute's pv against the baseline's pv per unit of
     * the expected curve, {@code p x X_b < (1 - d) x x(m) x p_b}, the baseline frozen while active.
     */
    private static void campaignTrafficDropAlerts(CampaignDefinition c, TreeMap<Long, Long> pvByMinute,
            List<Long> boundaries, List<Alert> alerts) {
        AlertThresholds t = c.alerts();
        long baselineMinutes = t.trafficBaselineMinutes();
        Long since = null;
        long frozenPv = 0;
        BigDecimal frozenExpected = BigDecimal.ZERO;
        for (long e : boundaries) {
            long minute = e - MINUTE;
            long baselineFrom = minute - baselineMinutes * MINUTE;
            if (baselineFrom < c.start()) {
                continue; // the minute and its baseline must lie inside the campaign
            }
            long baselinePv = since != null ? frozenPv : sumPv(pvByMinute, baselineFrom, minute);
            BigDecimal baselineExpected = BigDecimal.ZERO;
            for (long m = baselineFrom; m < minute; m += MINUTE) {
                baselineExpected = baselineExpected.add(expectedPv(c, m));
            }
            if (since != null) {
                baselineExpected = frozenExpected;
            }
            boolean dropped = enoughBaseline(t, baselinePv)
                    && BigDecimal.valueOf(sumPv(pvByMinute, minute, e)).multiply(baselineExpected).compareTo(
                            BigDecimal.ONE.subtract(t.trafficDrop()).multiply(expectedPv(c, minute))
                                    .multiply(BigDecimal.valueOf(baselinePv))) < 0;
            if (since == null && dropped) {
                frozenPv = baselinePv;
                frozenExpected = baselineExpected;
            }
            since = transition(since, dropped, e, AlertType.TRAFFIC_DROP, c, null, null, alerts);
        }
        stillActive(since, AlertType.TRAFFIC_DROP, c, null, null, alerts);
    }

    /** The traffic plan's step at or before the minute (the first step before it), 1 without a plan. */
    private static BigDecimal expectedPv(CampaignDefinition c, long minuteStart) {
        if (c.trafficPlan().isEmpty()) {
            return BigDecimal.ONE;
        }
        BigDecimal value = c.trafficPlan().get(0).pvPerMinute();
        for (var step : c.trafficPlan()) {
            if (step.at() <= minuteStart) {
                value = step.pvPerMinute();
            }
        }
        return value;
    }

    /** One channel's TRAFFIC_DROP: its share of the campaign's pv, {@code c x P_b < (1 - d) x c_b x P}. */
    private static void channelTrafficDropAlerts(CampaignDefinition c, String channel,
            TreeMap<Long, Long> channelPv, TreeMap<Long, Long> campaignPv, List<Long> boundaries, List<Alert> alerts) {
        AlertThresholds t = c.alerts();
        long baselineMinutes = t.trafficBaselineMinutes();
        Long since = null;
        long frozenChannel = 0;
        long frozenCampaign = 0;
        for (long e : boundaries) {
            long minute = e - MINUTE;
            long baselineFrom = minute - baselineMinutes * MINUTE;
            if (baselineFrom < c.start()) {
                continue;
            }
            if (sumPv(campaignPv, minute, e) == 0) {
                continue; // a minute without any pv leaves a channel's alert as it is
            }
            long channelBaseline = since != null ? frozenChannel : sumPv(channelPv, baselineFrom, minute);
            long campaignBaseline = since != null ? frozenCampaign : sumPv(campaignPv, baselineFrom, minute);
            boolean dropped = enoughBaseline(t, channelBaseline)
                    && BigDecimal.valueOf(sumPv(channelPv, minute, e)).multiply(BigDecimal.valueOf(campaignBaseline))
                            .compareTo(BigDecimal.ONE.subtract(t.trafficDrop())
                                    .multiply(BigDecimal.valueOf(channelBaseline))
                                    .multiply(BigDecimal.valueOf(sumPv(campaignPv, minute, e)))) < 0;
            if (since == null && dropped) {
                frozenChannel = channelBaseline;
                frozenCampaign = campaignBaseline;
            }
            since = transition(since, dropped, e, AlertType.TRAFFIC_DROP, c, null, channel, alerts);
        }
        stillActive(since, AlertType.TRAFFIC_DROP, c, null, channel, alerts);
    }

    private static boolean enoughBaseline(AlertThresholds t, long baselinePv) {
        return baselinePv >= t.trafficBaselineMinutes() * t.trafficMinPvPerMinute();
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
