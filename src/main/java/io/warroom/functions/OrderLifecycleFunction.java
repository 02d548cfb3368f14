package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorSettings;
import io.warroom.model.OrderEffect;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Decides, per order (keyed by order_id), what its events do to the metrics:
 *
 * <ul>
 *   <li>The first {@code paid} event yields {@link OrderEffect.Kind#PAID} at once, so gmv does not wait for the
 *       watermark.
 *   <li>Stock and refunds depend on the order of events, so every event is also buffered until the watermark
 *       passes it and then applied in event-time order (ties: created, paid, cancelled, refunded): the first
 *       created-or-paid event reserves its lines, the first cancelled event of an order not paid before it releases
 *       what was reserved, the first refunded event of an order paid at or before it yields its own lines' amount
 *       as refunded.
 * </ul>
 *
 * Duplicates, by (order_id, status), are dropped on arrival. All state of an order is cleared when event time
 * passes the end of the last campaign plus the retention period.
 */
public final class OrderLifecycleFunction extends CampaignKeyedFunction<String, OrderEvent, OrderEffect> {
    private static final Comparator<OrderEvent> EVENT_TIME_ORDER =
            Comparator.comparingLong(OrderEvent::ts).thenComparing(OrderEvent::status);

    private final MonitorSettings settings;
    private transient ValueState<OrderProgress> progress;
    private transient ListState<OrderEvent> pending;
    private transient Counter duplicates;
    private transient Counter afterCampaignsClosed;

    public OrderLifecycleFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, OrderEvent.class);
        this.settings = settings;
    }

    /** After the last campaign's end plus retention, no order event can change a number. */
    private long cleanupAt(ReadOnlyContext ctx) throws Exception {
        return settings.releaseTime(timeline(ctx).latestEnd());
    }

    @Override
    public void open(OpenContext openContext) {
        progress = getRuntimeContext().getState(new ValueStateDescriptor<>("progress", OrderProgress.class));
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending", OrderEvent.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateOrderEvents");
        afterCampaignsClosed = getRuntimeContext().getMetricGroup().counter("ordersAfterCampaignsClosed");
    }

    /** Orders are campaign-independent until their effects are routed. */
    @Override
    protected String campaignOf(OrderEvent element) {
        return null;
    }

    @Override
    protected void process(OrderEvent event, ReadOnlyContext ctx, Collector<OrderEffect> out) throws Exception {
        long cleanupAt = cleanupAt(ctx);
        if (eventTime(ctx) >= cleanupAt) {
            afterCampaignsClosed.inc();
            return;
        }
        OrderProgress state = progress.value();
        if (state == null) {
            state = new OrderProgress();
            state.cleanupTimer = cleanupAt;
            ctx.timerService().registerEventTimeTimer(cleanupAt);
        }
        int bit = event.status().bit();
        if ((state.seenStatuses & bit) != 0) {
            duplicates.inc();
            return;
        }
        state.seenStatuses |= bit;
        progress.update(state);
        if (event.status() == OrderStatus.PAID) {
            out.collect(new OrderEffect(OrderEffect.Kind.PAID, event.orderId(), event.userId(), event.ts(),
                    event.lines()));
        }
        pending.add(event);
        ctx.timerService().registerEventTimeTimer(event.ts());
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<OrderEffect> out) throws Exception {
        OrderProgress state = progress.value();
        if (state == null) {
            return;
        }
        List<OrderEvent> due = new ArrayList<>();
        List<OrderEvent> later = new ArrayList<>();
        for (OrderEvent event : pending.get()) {
            (event.ts() <= timestamp ? due : later).add(event);
        }
        if (!due.isEmpty()) {
            due.sort(EVENT_TIME_ORDER);
            for (OrderEvent event : due) {
                apply(state, event, out);
            }
            pending.update(later);
            progress.update(state);
        }
        long cleanupAt = cleanupAt(ctx);
        if (timestamp >= cleanupAt) {
            progress.clear();
            pending.clear();
        } else if (timestamp == state.cleanupTimer) {
            // a campaign pushed since ends later: keep the order until then
            state.cleanupTimer = cleanupAt;
            ctx.timerService().registerEventTimeTimer(cleanupAt);
            progress.update(state);
        }
    }

    private static void apply(OrderProgress state, OrderEvent event, Collector<OrderEffect> out) {
        switch (event.status()) {
            case CREATED, PAID -> {
                if (event.status() == OrderStatus.PAID) {
                    state.paid = true;
                }
                if (state.reservedLines == null) {
                    state.reservedLines = event.lines();
                    out.collect(effect(OrderEffect.Kind.RESERVE, event, event.lines()));
                }
            }
            case CANCELLED -> {
                if (state.reservedLines != null && !state.released && !state.paid) {
                    state.released = true;
                    out.collect(effect(OrderEffect.Kind.RELEASE, event, state.reservedLines));
                }
            }
            case REFUNDED -> {
                if (state.paid) {
                    out.collect(effect(OrderEffect.Kind.REFUND, event, event.lines()));
                }
            }
        }
    }

    private static OrderEffect effect(OrderEffect.Kind kind, OrderEvent event, OrderLine[] lines) {
        return new OrderEffect(kind, event.orderId(), event.userId(), event.ts(), lines);
    }
}
