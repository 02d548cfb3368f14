package io.warroom.functions;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.ItemSettings;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.AudienceSignal;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemStats;
import io.warroom.model.Keys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Rolling stats of one item in one campaign (keyed by campaign and item).
 *
 * <ul>
 *   <li>Clicks and carts are deduplicated by event_id; the first copy counts toward pv or carts and the item's uv
 *       sketch, and is passed on to the campaign's audience shards on {@link #AUDIENCE}.
 *   <li>Paid and refunded effects add to orders, units, gmv, buyers and refunded.
 *   <li>Stock changes (configured start stock, inventory snapshots, reservations, releases) wait until the
 *       watermark passes them and are applied in event-time order; STOCK_LOW and STOCK_OUT are evaluated after all
 *       changes of one timestamp.
 *   <li>Items with a gmv target are checked at each pacing checkpoint (ITEM_TARGET_SHORTFALL).
 * </ul>
 *
 * Changed stats are emitted at most once per stats interval (processing time). When event time passes the
 * campaign's end plus the retention period, the final stats are emitted with {@code closed} set and all state and
 * timers of the key are released; signals arriving after that are counted and dropped.
 */
public final class ItemStatsFunction extends KeyedProcessFunction<String, ItemSignal, ItemStats> {
    public static final OutputTag<AlertEvent> ALERTS = new OutputTag<>("item-alerts") {};
    public static final OutputTag<AudienceSignal> AUDIENCE = new OutputTag<>("item-audience") {};

    /** Within one timestamp: the configured stock first, then snapshots, then reservations, then releases. */
    private static final Comparator<ItemSignal> STOCK_ORDER = Comparator.comparing(ItemSignal::kind)
            .thenComparing(ItemSignal::id, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final CampaignCatalog campaigns;
    private final MonitorSettings settings;

    private transient ValueState<ItemState> state;
    private transient ValueState<HllSketch> uv;
    private transient ValueState<HllSketch> buyers;
    private transient MapState<String, Boolean> seenClicks;
    private transient MapState<String, Boolean> seenCarts;
    /** Stock changes waiting for the watermark, by event time: each timer takes exactly its own timestamp. */
    private transient MapState<Long, List<ItemSignal>> pendingStock;
    private transient Counter closedCampaignDrops;

    public ItemStatsFunction(CampaignCatalog campaigns, MonitorSettings settings) {
        this.campaigns = campaigns;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        state = rc.getState(new ValueStateDescriptor<>("item", ItemState.class));
        uv = rc.getState(new ValueStateDescriptor<>("uv", HllSketchSerializer.INSTANCE));
        buyers = rc.getState(new ValueStateDescriptor<>("buyers", HllSketchSerializer.INSTANCE));
        seenClicks = rc.getMapState(new MapStateDescriptor<>("seen-clicks", String.class, Boolean.class));
        seenCarts = rc.getMapState(new MapStateDescriptor<>("seen-carts", String.class, Boolean.class));
        closedCampaignDrops = rc.getMetricGroup().counter("eventsAfterCampaignClosed");
        pendingStock = rc.getMapState(new MapStateDescriptor<>("pending-stock", Types.LONG,
                Types.LIST(TypeInformation.of(ItemSignal.class))));
    }

    @Override
    public void processElement(ItemSignal signal, Context ctx, Collector<ItemStats> out) throws Exception {
        CampaignDefinition campaign = campaigns.get(signal.campaignId());
        if (ctx.timerService().currentWatermark() >= settings.releaseTime(campaign.end())) {
            closedCampaignDrops.inc();
            return;
        }
        ItemState st = state.value();
        if (st == null) {
            st = start(campaign, signal.itemId(), ctx);
        }
        switch (signal.kind()) {
            case CLICK -> {
                if (!firstSeen(seenClicks, signal.id())) {
                    return;
                }
                st.pv++;
                Sketches.add(uv, signal.userId(), settings.itemSketchLgK());
                ctx.output(AUDIENCE, new AudienceSignal(AudienceSignal.Kind.CLICK, signal.campaignId(),
                        Sketches.shardOf(signal.userId(), settings.audienceShards()), signal.ts(), signal.userId(),
                        signal.channel(), 1, 0));
            }
            case CART -> {
                if (!firstSeen(seenCarts, signal.id())) {
                    return;
                }
                st.carts++;
                ctx.output(AUDIENCE, new AudienceSignal(AudienceSignal.Kind.CART, signal.campaignId(),
                        Sketches.shardOf(signal.userId(), settings.audienceShards()), signal.ts(), signal.userId(),
                        null, signal.quantity(), 0));
            }
            case PAID -> {
                st.orders++;
                st.units += signal.quantity();
                st.gmvCents += signal.amountCents();
                Sketches.add(buyers, signal.userId(), settings.itemSketchLgK());
                if (st.gmvBeforeCheckpoint != null) {
                    for (int k = st.checkpointsEvaluated; k < st.gmvBeforeCheckpoint.length; k++) {
                        if (signal.ts() < campaign.pacing().get(k).at()) {
                            st.gmvBeforeCheckpoint[k] += signal.amountCents();
                        }
                    }
                }
            }
            case REFUND -> st.refundedCents += signal.amountCents();
            case INIT, INVENTORY, RESERVE, RELEASE -> {
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
        st.markChanged(ctx.timerService(), settings.statsIntervalMillis());
        state.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemStats> out) throws Exception {
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
        CampaignDefinition campaign = campaigns.get(campaignId);
        boolean changed = applyStock(timestamp, st, campaign, itemId, ctx);
        changed |= evaluateCheckpoints(timestamp, st, campaign, itemId, ctx);
        if (timestamp >= settings.releaseTime(campaign.end())) {
            out.collect(snapshot(st, campaignId, itemId, ctx, true));
            st.cancel(ctx.timerService());
            state.clear();
            uv.clear();
            buyers.clear();
            seenClicks.clear();
            seenCarts.clear();
            pendingStock.clear();
            return;
        }
        if (changed) {
            st.markChanged(ctx.timerService(), settings.statsIntervalMillis());
        }
        state.update(st);
    }

    private ItemState start(CampaignDefinition campaign, String itemId, Context ctx) {
        ItemState st = new ItemState();
        ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        ItemSettings item = campaign.item(itemId);
        if (item != null && item.gmvTargetCents() != null && !campaign.pacing().isEmpty()) {
            st.gmvBeforeCheckpoint = new long[campaign.pacing().size()];
            for (int k = 0; k < campaign.pacing().size(); k++) {
                ctx.timerService().registerEventTimeTimer(campaign.checkpointDueAt(k));
            }
        }
        return st;
    }

    /**
     * Applies the stock changes of one timestamp, in their tie order, then evaluates the stock alerts; true when
     * there were any. Timers fire in timestamp order, so changes are applied in event-time order.
     */
    private boolean applyStock(long timestamp, ItemState st, CampaignDefinition campaign, String itemId,
            Context ctx) throws Exception {
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

    private void evaluateStockAlerts(ItemState st, CampaignDefinition campaign, String itemId, long at, Context ctx) {
        long safety = campaign.safetyStockOf(itemId);
        long stock = st.stock;
        st.stockLowSince = AlertTransitions.update(st.stockLowSince, st.stockKnown && stock <= safety, at,
                AlertType.STOCK_LOW, campaign.campaignId(), itemId,
                () -> new AlertTransitions.Description(
                        itemId + ": " + stock + " left, safety stock is " + safety,
                        Long.toString(stock), Long.toString(safety)),
                alert -> ctx.output(ALERTS, alert));
        st.stockOutSince = AlertTransitions.update(st.stockOutSince, st.stockKnown && stock <= 0, at,
                AlertType.STOCK_OUT, campaign.campaignId(), itemId,
                () -> new AlertTransitions.Description(
                        stock <= 0 ? itemId + ": out of stock (" + stock + " left)" : itemId + ": back in stock ("
                                + stock + " left)",
                        Long.toString(stock), "0"),
                alert -> ctx.output(ALERTS, alert));
        st.oversoldSince = AlertTransitions.update(st.oversoldSince, st.stockKnown && stock < 0, at,
                AlertType.OVERSOLD, campaign.campaignId(), itemId,
                () -> new AlertTransitions.Description(
                        stock < 0 ? itemId + ": oversold by " + -stock + " units" : itemId + ": no longer oversold ("
                                + stock + " left)",
                        Long.toString(stock), "0"),
                alert -> ctx.output(ALERTS, alert));
    }

    private boolean evaluateCheckpoints(long watermark, ItemState st, CampaignDefinition campaign, String itemId,
            Context ctx) {
        if (st.gmvBeforeCheckpoint == null) {
            return false;
        }
        long target = campaign.item(itemId).gmvTargetCents();
        boolean changed = false;
        while (st.checkpointsEvaluated < st.gmvBeforeCheckpoint.length
                && campaign.checkpointDueAt(st.checkpointsEvaluated) <= watermark) {
            int k = st.checkpointsEvaluated;
            long at = campaign.pacing().get(k).at();
            long gmv = st.gmvBeforeCheckpoint[k];
            boolean behind = campaign.isBehind(target, k, gmv);
            st.behindSince = AlertTransitions.update(st.behindSince, behind, at, AlertType.ITEM_TARGET_SHORTFALL,
                    campaign.campaignId(), itemId,
                    () -> PacingDescriptions.describe(campaign, itemId, target, k, gmv),
                    alert -> ctx.output(ALERTS, alert));
            st.checkpointsEvaluated++;
            changed = true;
        }
        return changed;
    }

    private ItemStats snapshot(ItemState st, String campaignId, String itemId, Context ctx, boolean closed)
            throws Exception {
        return new ItemStats(campaignId, itemId, st.gmvCents, st.refundedCents, st.orders, st.units,
                Sketches.estimate(buyers.value()), Sketches.estimate(uv.value()), st.pv, st.carts,
                st.stockKnown ? st.stock : null, ctx.timerService().currentWatermark(), closed);
    }

    private static boolean firstSeen(MapState<String, Boolean> seen, String eventId) throws Exception {
        if (seen.contains(eventId)) {
            return false;
        }
        seen.put(eventId, Boolean.TRUE);
        return true;
    }
}
