package io.warroom.functions;

import io.warroom.config.AlertThresholds;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.ItemSettings;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.ConversionWindow;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemStats;
import io.warroom.model.ItemTraffic;
import io.warroom.model.Keys;
import io.warroom.model.MinuteStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Rolling stats of one item in one campaign (keyed by campaign and item).
 *
 * <ul>
 *   <li>Clicks and carts arrive deduplicated and pre-aggregated by the traffic shards
 *       ({@link TrafficShardFunction}): they add to pv, carts, the clicks per minute and the item's uv sketch.
 *   <li>Paid and refunded effects add to orders, units, gmv, buyers and refunded.
 *   <li>Stock changes (configured start stock, inventory snapshots, reservations, releases) wait until the
 *       watermark passes them and are applied in event-time order; STOCK_LOW and STOCK_OUT are evaluated after all
 *       changes of one timestamp.
 *   <li>Items with a gmv target are checked at each pacing checkpoint (ITEM_TARGET_SHORTFALL).
 *   <li>Clicks and paid orders are also counted per event-time minute. When the watermark reaches a minute
 *       boundary, STOCK_ETA is evaluated over the window ending there, and the item's conversion counts go to the
 *       campaign's {@link ConversionJudgeFunction} when they are comparable; the minutes older than the longest
 *       window are then folded away. Boundaries are evaluated while the item has counts in its windows, STOCK_ETA
 *       active or comparable conversion counts at the boundary before (otherwise nothing can change), and always
 *       for items with a gmv target.
 * </ul>
 *
 * Changed stats are emitted at most once per stats interval (processing time), unless they are emitted only at
 * the close ({@code warroom.stats.items-while-running}: a replay serving no metrics). When event time passes the
 * campaign's end plus the retention period, the final stats are emitted with {@code closed} set and all state and
 * timers of the key are released; signals arriving after that are counted and dropped.
 */
public final class ItemStatsFunction extends CampaignKeyedFunction<String, ItemSignal, ItemStats> {
    public static final OutputTag<AlertEvent> ALERTS = new OutputTag<>("item-alerts") {};
    /** An item's CONVERSION_DROP counts at a minute boundary where they are comparable, for the judge. */
    public static final OutputTag<ConversionWindow> CONVERSION = new OutputTag<>("item-conversion") {};

    /** Within one timestamp: the configured stock first, then snapshots, then reservations, then releases. */
    private static final Comparator<ItemSignal> STOCK_ORDER =
            Comparator.comparingInt((ItemSignal signal) -> signal.kind().stockRank())
                    .thenComparing(ItemSignal::id, Comparator.nullsFirst(Comparator.naturalOrder()));

    private static final long MINUTE = MinuteStats.MINUTE_MILLIS;

    private final MonitorSettings settings;

    private transient ValueState<ItemState> state;
    private transient ValueState<HllSketch> uv;
    private transient ValueState<HllSketch> buyers;
    /** Stock changes waiting for the watermark, by event time: each timer takes exactly its own timestamp. */
    private transient MapState<Long, List<ItemSignal>> pendingStock;
    private transient MapState<Long, ItemMinute> recentMinutes;
    private transient Counter closedCampaignDrops;

    public ItemStatsFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, ItemSignal.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        state = rc.getState(new ValueStateDescriptor<>("item", ItemStateSerializer.INSTANCE));
        uv = rc.getState(new ValueStateDescriptor<>("uv", HllSketchSerializer.INSTANCE));
        buyers = rc.getState(new ValueStateDescriptor<>("buyers", HllSketchSerializer.INSTANCE));
        closedCampaignDrops = rc.getMetricGroup().counter("eventsAfterCampaignClosed");
        pendingStock = rc.getMapState(new MapStateDescriptor<>("pending-stock", Types.LONG,
                Types.LIST(TypeInformation.of(ItemSignal.class))));
        recentMinutes = rc.getMapState(new MapStateDescriptor<>("recent-minutes", LongSerializer.INSTANCE,
                ItemMinuteSerializer.INSTANCE));
    }

    @Override
    protected String campaignOf(ItemSignal element) {
        return element.campaignId();
    }

    @Override
    protected void process(ItemSignal signal, ReadOnlyContext ctx, Collector<ItemStats> out) throws Exception {
        CampaignDefinition campaign = timeline(ctx).inForce(signal.campaignId(), signal.ts());
        if (eventTime(ctx) >= settings.releaseTime(campaign.end())) {
            closedCampaignDrops.inc();
            return;
        }
        ItemState st = state.value();
        if (st == null) {
            st = start(campaign, signal.itemId(), ctx);
        }
        switch (signal.kind()) {
            case TRAFFIC -> addTraffic(signal.traffic(), st, campaign, signal.itemId(), ctx);
            case PAID -> {
                if (st.orders == 0) {
                    startEvaluatingBoundaries(campaign, ctx);
                }
                st.orders++;
                if (signal.ts() < EarlyWarnings.conversionBaselineStart(campaign)) {
                    st.ordersBeforeLag++;
                }
                st.units += signal.quantity();
                st.gmvCents += signal.amountCents();
                Sketches.add(buyers, signal.userId(), settings.itemSketchLgK());
                ItemMinute minute = minuteOf(signal.ts(), st, campaign, signal.itemId(), ctx);
                if (minute != null) {
                    minute.orders++;
                    minute.units += signal.quantity();
                    minute.gmvCents += signal.amountCents();
                    recentMinutes.put(MinuteStats.minuteOf(signal.ts()), minute);
                }
            }
            case REFUND -> st.refundedCents += signal.amountCents();
            case INIT, INVENTORY, RESERVE, RELEASE -> {
                if (signal.kind() == ItemSignal.Kind.INIT) {
                    if (st.opened) {
                        return; // sent again by a restarted job (FixedInputSource): the item is open already
                    }
                    st.opened = true;
                }
                // Applied when the watermark passes it; the stats change then, not now.
                List<ItemSignal> atTs = pendingStock.get(signal.ts());
                if (atTs == null) {
                    atTs = new ArrayList<>(2);
                }
                atTs.add(signal);
                pendingStock.put(signal.ts(), atTs);
                ctx.timerService().registerEventTimeTimer(signal.ts());
                state.update(st);
                return;
            }
        }
        markChanged(st, ctx);
        state.update(st);
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<ItemStats> out) throws Exception {
        ItemState st = state.value();
        if (st == null) {
            return;
        }
        String campaignId = Keys.campaignOf(ctx.getCurrentKey());
        String itemId = Keys.partOf(ctx.getCurrentKey());
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (st.takeChanges()) {
                out.collect(snapshot(st, campaignId, itemId, ctx, false));
            }
            state.update(st);
            return;
        }
        // Each evaluation uses the campaign as defined at its own event time: stock changes at the timer's
        // timestamp, checkpoints and minute boundaries at the instant after it.
        CampaignDefinition campaign = timeline(ctx).inForce(campaignId, timestamp);
        CampaignDefinition atBoundary = timeline(ctx).inForce(campaignId, timestamp + 1);
        boolean changed = applyStock(timestamp, st, campaign, itemId, ctx);
        changed |= evaluateCheckpoints(timestamp, st, atBoundary, itemId, ctx);
        long boundary = timestamp + 1;
        if (boundary % MINUTE == 0 && boundary <= campaign.end() && boundary > st.lastBoundary) {
            st.lastBoundary = boundary;
            evaluateMinuteBoundary(boundary, st, atBoundary, itemId, ctx);
        }
        if (hasTarget(atBoundary, itemId)) {
            // Checkpoints a campaign update added since: a quiet item learns of them at its next timer.
            registerCheckpoints(atBoundary, ctx);
        }
        if (timestamp >= settings.releaseTime(campaign.end())) {
            out.collect(snapshot(st, campaignId, itemId, ctx, true));
            st.cancel(ctx.timerService());
            state.clear();
            uv.clear();
            buyers.clear();
            pendingStock.clear();
            recentMinutes.clear();
            return;
        }
        if (changed) {
            markChanged(st, ctx);
        }
        state.update(st);
    }

    /** Schedules the item's next stats, unless they are emitted only when the campaign closes. */
    private void markChanged(ItemState st, ReadOnlyContext ctx) {
        if (settings.itemStatsWhileRunning()) {
            st.markChanged(ctx.timerService(), settings.statsIntervalMillis());
        }
    }

    private ItemState start(CampaignDefinition campaign, String itemId, ReadOnlyContext ctx) {
        ItemState st = new ItemState();
        ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        if (hasTarget(campaign, itemId)) {
            registerCheckpoints(campaign, ctx);
            long firstBoundary = MinuteStats.minuteOf(Math.max(campaign.start(), eventTime(ctx))) + MINUTE;
            if (firstBoundary <= campaign.end()) {
                ctx.timerService().registerEventTimeTimer(firstBoundary - 1);
            }
        }
        return st;
    }

    private static boolean hasTarget(CampaignDefinition campaign, String itemId) {
        ItemSettings item = campaign.item(itemId);
        return item != null && item.gmvTargetCents() != null;
    }

    /** Timers for the checkpoints still ahead (the timer service ignores repeats). */
    private void registerCheckpoints(CampaignDefinition campaign, ReadOnlyContext ctx) {
        long watermark = eventTime(ctx);
        for (int k = 0; k < campaign.pacing().size(); k++) {
            if (campaign.checkpointDueAt(k) > watermark) {
                ctx.timerService().registerEventTimeTimer(campaign.checkpointDueAt(k));
            }
        }
    }

    private void addTraffic(ItemTraffic traffic, ItemState st, CampaignDefinition campaign, String itemId,
            ReadOnlyContext ctx) throws Exception {
        st.pv += traffic.pv();
        st.carts += traffic.carts();
        for (int i = 0; i < traffic.minuteStarts().length; i++) {
            ItemMinute minute = minuteOf(traffic.minuteStarts()[i], st, campaign, itemId, ctx);
            if (minute != null) {
                minute.pv += traffic.minutePv()[i];
                recentMinutes.put(traffic.minuteStarts()[i], minute);
            }
        }
        Sketches.addAll(uv, traffic.userHashes(), settings.itemSketchLgK());
    }

    /**
     * The counts of the minute holding {@code ts}, with its boundary scheduled for evaluation where the item
     * {@link #evaluatesBoundaries}; null when the minute is older than the kept ones (a late event: it only counts in
     * the totals).
     */
    private ItemMinute minuteOf(long ts, ItemState st, CampaignDefinition campaign, String itemId,
            ReadOnlyContext ctx) throws Exception {
        long minuteStart = MinuteStats.minuteOf(ts);
        if (minuteStart < st.recentFrom) {
            return null;
        }
        ItemMinute minute = recentMinutes.get(minuteStart);
        boolean evaluates = evaluatesBoundaries(st, campaign, itemId);
        if (minute == null && !evaluates) {
            // No boundary evaluation drops its old minutes, so drop those no future window can reach.
            forgetMinutesBefore(MinuteStats.minuteOf(Math.max(eventTime(ctx), campaign.start()))
                    - campaign.alerts().itemWindowMinutes() * MINUTE, st);
            if (minuteStart < st.recentFrom) {
                return null;
            }
        }
        // An item evaluated for its target alone (a pushed update may have given it one since its minute began)
        // asks for its boundary on every event; the timer service keeps one timer per time.
        if (evaluates && (minute == null || st.orders == 0)
                && minuteStart + MINUTE <= campaign.end() && minuteStart + MINUTE - 1 > eventTime(ctx)) {
            // A late event's boundary has passed: it was evaluated (or had nothing to evaluate) and stays so.
            ctx.timerService().registerEventTimeTimer(minuteStart + MINUTE - 1);
        }
        return minute != null ? minute : new ItemMinute();
    }

    /**
     * Whether a minute boundary of this item can raise, resolve or judge anything. STOCK_ETA needs units sold in its
     * window and CONVERSION_DROP paid orders in its baseline, so an item that has never been paid for has nothing to
     * evaluate (its alerts of those kinds can only have started after a paid order); pacing checkpoints need an item
     * target. Most of a long-tail catalog is never paid for during a sale, and a boundary timer per item and minute
     * of traffic was most of the item operator's work.
     */
    private static boolean evaluatesBoundaries(ItemState st, CampaignDefinition campaign, String itemId) {
        return st.orders > 0 || hasTarget(campaign, itemId);
    }

    /**
     * An item's first paid order: from now on its boundaries are evaluated, as if they had been all along (the
     * evaluations skipped had nothing to say). Schedules the next boundary and those of the kept minutes ahead of
     * event time. A late first order thus reaches the windows of the boundaries after it, as docs/alerts.md has it
     * (every item at every boundary), even when the item had no other event to schedule them.
     */
    private void startEvaluatingBoundaries(CampaignDefinition campaign, ReadOnlyContext ctx) throws Exception {
        long watermark = eventTime(ctx);
        // The first boundary E not yet evaluated, E - 1 > watermark: at E - 1 == watermark, E has been evaluated
        // (for the items that had a timer there) before this order arrived, and must not count it.
        long next = MinuteStats.minuteOf(Math.max(campaign.start(), watermark) + 1) + MINUTE;
        if (next <= campaign.end()) {
            ctx.timerService().registerEventTimeTimer(next - 1);
        }
        for (long minuteStart : recentMinutes.keys()) {
            if (minuteStart + MINUTE <= campaign.end() && minuteStart + MINUTE - 1 > watermark) {
                ctx.timerService().registerEventTimeTimer(minuteStart + MINUTE - 1);
            }
        }
    }

    /** Drops the kept minutes before {@code from}, and keeps none before it from now on. */
    private void forgetMinutesBefore(long from, ItemState st) throws Exception {
        if (from <= st.recentFrom) {
            return;
        }
        st.recentFrom = from;
        for (Iterator<Long> it = recentMinutes.keys().iterator(); it.hasNext(); ) {
            if (it.next() < from) {
                it.remove();
            }
        }
    }

    /**
     * STOCK_ETA and CONVERSION_DROP at a minute boundary, then the minutes no window needs any more are dropped
     * and the next boundary is scheduled if anything may still change there.
     */
    private void evaluateMinuteBoundary(long boundary, ItemState st, CampaignDefinition campaign, String itemId,
            ReadOnlyContext ctx) throws Exception {
        AlertThresholds thresholds = campaign.alerts();
        long etaFrom = boundary - thresholds.stockEtaWindowMinutes() * MINUTE;
        long ordersFrom = boundary - thresholds.conversionWindowMinutes() * MINUTE;
        long pvTo = boundary - thresholds.conversionPaymentLagMinutes() * MINUTE;
        long pvFrom = pvTo - thresholds.conversionWindowMinutes() * MINUTE;
        long units = 0;
        long recentPv = 0;
        long recentOrders = 0;
        long pvFromWindow = 0;
        long ordersFromWindow = 0;
        for (Map.Entry<Long, ItemMinute> entry : recentMinutes.entries()) {
            long minute = entry.getKey();
            ItemMinute counts = entry.getValue();
            if (minute >= etaFrom && minute < boundary) {
                units += counts.units;
            }
            if (minute >= pvFrom) {
                pvFromWindow += counts.pv;
                if (minute < pvTo) {
                    recentPv += counts.pv;
                }
            }
            if (minute >= ordersFrom) {
                ordersFromWindow += counts.orders;
                if (minute < boundary) {
                    recentOrders += counts.orders;
                }
            }
        }
        long unitsInWindow = units;
        long stock = st.stock;
        boolean sellsOutSoon = EarlyWarnings.sellsOutSoon(thresholds, st.stockKnown, stock, unitsInWindow);
        GmvAtRisk risk = sellsOutSoon && st.stockEtaSince == ItemState.INACTIVE
                ? gmvAtRisk(campaign, boundary, boundary) : null;
        st.stockEtaSince = AlertTransitions.update(st.stockEtaSince, sellsOutSoon, boundary,
                AlertType.STOCK_ETA, campaign.campaignId(), itemId,
                () -> EarlyWarnings.describeSellOut(thresholds, itemId, stock, unitsInWindow, risk,
                        isKey(campaign, itemId)),
                alert -> ctx.output(ALERTS, alert));
        // A sold-out item sells nothing whatever its page converts: STOCK_OUT speaks for it.
        boolean inStockThroughWindow = st.stockOutSince == ItemState.INACTIVE
                && (st.stockBackAt == ItemState.INACTIVE || st.stockBackAt <= ordersFrom);
        // The baselines are everything before the recent windows: the totals less the minutes from their start on,
        // and for paid orders less those of the first payment lag, which no pv of the campaign led to.
        long baselinePv = st.pv - pvFromWindow;
        long baselineOrders = st.orders - ordersFromWindow - st.ordersBeforeLag;
        boolean comparable = thresholds.conversionDropEnabled() && inStockThroughWindow
                && EarlyWarnings.conversionComparable(thresholds, recentPv, baselinePv, baselineOrders);
        ConversionWindow window = new ConversionWindow(campaign.campaignId(), itemId, boundary, recentPv,
                recentOrders, baselinePv, baselineOrders, comparable);
        // One more window after the last comparable one lets the judge resolve an alert of the item.
        if (comparable || st.conversionComparable) {
            ctx.output(CONVERSION, window);
        }
        st.conversionComparable = comparable;

        st.recentFrom = boundary - thresholds.itemWindowMinutes() * MINUTE;
        boolean windowsHoldCounts = false;
        for (Iterator<Long> it = recentMinutes.keys().iterator(); it.hasNext(); ) {
            long minute = it.next();
            if (minute < st.recentFrom) {
                it.remove();
            } else if (minute >= st.recentFrom + MINUTE) {
                windowsHoldCounts = true; // still inside a window at the next boundary
            }
        }
        long next = boundary + MINUTE;
        // Only while a window holds counts or an alert may still change: a quiet item has nothing to evaluate, and
        // a million quiet items ticking every minute of a day would be over a billion timers. Its checkpoints have
        // timers of their own.
        if (next <= campaign.end()
                && (windowsHoldCounts || st.stockEtaSince != ItemState.INACTIVE || st.conversionComparable)) {
            ctx.timerService().registerEventTimeTimer(next - 1);
        }
    }

    /** The item's paid gmv in the STOCK_ETA window's whole minutes before {@code windowEnd}, and the time left. */
    private GmvAtRisk gmvAtRisk(CampaignDefinition campaign, long windowEnd, long at) throws Exception {
        int window = campaign.alerts().stockEtaWindowMinutes();
        long from = windowEnd - window * MINUTE;
        long gmv = 0;
        for (Map.Entry<Long, ItemMinute> entry : recentMinutes.entries()) {
            if (entry.getKey() >= from && entry.getKey() < windowEnd) {
                gmv += entry.getValue().gmvCents;
            }
        }
        return new GmvAtRisk(gmv, window, campaign.end() - at);
    }

    private static boolean isKey(CampaignDefinition campaign, String itemId) {
        ItemSettings settings = campaign.item(itemId);
        return settings != null && settings.key();
    }

    /**
     * Applies the stock changes of one timestamp, in their tie order, then evaluates the stock alerts; true when
     * there were any. Timers fire in timestamp order, so changes are applied in event-time order.
     */
    private boolean applyStock(long timestamp, ItemState st, CampaignDefinition campaign, String itemId,
            ReadOnlyContext ctx) throws Exception {
        List<ItemSignal> due = pendingStock.get(timestamp);
        if (due == null) {
            return false;
        }
        pendingStock.remove(timestamp);
        due.sort(STOCK_ORDER);
        for (ItemSignal signal : due) {
            if (timestamp < st.stockSetAt) {
                // Late beyond the out-of-orderness bound, and older than the level set last: in event-time order
                // that level already includes this change.
                continue;
            }
            switch (signal.kind()) {
                case INIT, INVENTORY -> {
                    if (signal.quantity() >= 0) {
                        st.stockKnown = true;
                        st.stock = signal.quantity();
                        st.stockSetAt = timestamp;
                    }
                }
                case RESERVE -> st.stock -= st.stockKnown ? signal.quantity() : 0;
                case RELEASE -> st.stock += st.stockKnown ? signal.quantity() : 0;
                default -> throw new IllegalStateException("not a stock change: " + signal.kind());
            }
        }
        evaluateStockAlerts(st, campaign, itemId, timestamp, ctx);
        return true;
    }

    private void evaluateStockAlerts(
            ItemState st, CampaignDefinition campaign, String itemId, long at, ReadOnlyContext ctx)
            throws Exception {
        long safety = campaign.safetyStockOf(itemId);
        long stock = st.stock;
        st.stockLowSince = AlertTransitions.update(st.stockLowSince, st.stockKnown && stock <= safety, at,
                AlertType.STOCK_LOW, campaign.campaignId(), itemId,
                () -> new AlertTransitions.Description(
                        itemId + ": " + stock + " left, safety stock is " + safety,
                        Long.toString(stock), Long.toString(safety)),
                alert -> ctx.output(ALERTS, alert));
        long wasOutSince = st.stockOutSince;
        boolean out = st.stockKnown && stock <= 0;
        GmvAtRisk risk = out && wasOutSince == ItemState.INACTIVE ? gmvAtRisk(campaign, MinuteStats.minuteOf(at), at)
                : null;
        st.stockOutSince = AlertTransitions.update(st.stockOutSince, out, at,
                AlertType.STOCK_OUT, campaign.campaignId(), itemId,
                () -> risk != null
                        ? new AlertTransitions.Description(itemId + ": out of stock (" + stock + " left); "
                                + risk.perHour(), Long.toString(stock), "0",
                                risk.severity(isKey(campaign, itemId), campaign.alerts().pageMinGmvAtRiskCents()))
                        : new AlertTransitions.Description(itemId + ": back in stock (" + stock + " left)",
                                Long.toString(stock), "0"),
                alert -> ctx.output(ALERTS, alert));
        if (wasOutSince != ItemState.INACTIVE && st.stockOutSince == ItemState.INACTIVE) {
            st.stockBackAt = at;
        }
        st.oversoldSince = AlertTransitions.update(st.oversoldSince, st.stockKnown && stock < 0, at,
                AlertType.OVERSOLD, campaign.campaignId(), itemId,
                () -> new AlertTransitions.Description(
                        stock < 0 ? itemId + ": oversold by " + -stock + " units" : itemId + ": no longer oversold ("
                                + stock + " left)",
                        Long.toString(stock), "0"),
                alert -> ctx.output(ALERTS, alert));
    }

    private boolean evaluateCheckpoints(long watermark, ItemState st, CampaignDefinition campaign, String itemId,
            ReadOnlyContext ctx) throws Exception {
        if (!hasTarget(campaign, itemId)) {
            return false;
        }
        long target = campaign.item(itemId).gmvTargetCents();
        boolean changed = false;
        for (int k = 0; k < campaign.pacing().size(); k++) {
            long at = campaign.pacing().get(k).at();
            if (at <= st.lastCheckpointAt || campaign.checkpointDueAt(k) > watermark) {
                continue;
            }
            int checkpoint = k;
            long gmv = gmvBefore(st, at);
            boolean behind = campaign.isBehind(target, k, gmv);
            st.behindSince = AlertTransitions.update(st.behindSince, behind, at, AlertType.ITEM_TARGET_SHORTFALL,
                    campaign.campaignId(), itemId,
                    () -> PacingDescriptions.describe(campaign, itemId, target, checkpoint, gmv),
                    alert -> ctx.output(ALERTS, alert));
            st.lastCheckpointAt = at;
            changed = true;
        }
        return changed;
    }

    /**
     * Paid gmv of events with {@code ts < at}: the total less the kept minutes from {@code at} on. Checkpoints are
     * evaluated before the minutes before them are dropped, so every minute from {@code at} on is still kept.
     */
    private long gmvBefore(ItemState st, long at) throws Exception {
        long gmv = st.gmvCents;
        for (Map.Entry<Long, ItemMinute> entry : recentMinutes.entries()) {
            if (entry.getKey() >= at) {
                gmv -= entry.getValue().gmvCents;
            }
        }
        return gmv;
    }

    private ItemStats snapshot(ItemState st, String campaignId, String itemId, ReadOnlyContext ctx, boolean closed)
            throws Exception {
        CampaignDefinition campaign = timeline(ctx).get(campaignId);
        st.publishedBuyers = Sketches.published(st.publishedBuyers, Sketches.estimate(buyers.value()), closed);
        st.publishedUv = Sketches.published(st.publishedUv, Sketches.estimate(uv.value()), closed);
        return new ItemStats(campaignId, itemId, st.gmvCents, st.refundedCents, st.orders, st.units,
                st.publishedBuyers, st.publishedUv, st.pv, st.carts, st.stockKnown ? st.stock : null,
                settings.publishedWatermark(eventTime(ctx), campaign.start(), campaign.end()), closed);
    }
}
