package io.warroom.functions;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.InventoryEvent;
import io.warroom.model.ItemSignal;
import io.warroom.model.OrderEvent;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.StreamKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * First stop of every input record. Rejected records go to {@link #REJECTED}; orders go to {@link #ORDERS} for
 * their lifecycle; clicks, carts and inventory snapshots become one {@link ItemSignal} per campaign whose window
 * holds their event time. Events outside every campaign are dropped. Every record is counted by stream (accepted,
 * late, outside campaigns, rejected by reason), and event-time lag behind the wall clock is a gauge.
 */
public final class InputRouter extends ProcessFunction<InputRecord, ItemSignal> {
    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("rejected") {};
    public static final OutputTag<OrderEvent> ORDERS = new OutputTag<>("orders") {};

    private final CampaignCatalog campaigns;
    private transient StreamCounters[] countersByStream;
    private transient volatile long watermark = Long.MIN_VALUE;

    /** Pipeline health counters of one input stream, labelled {@code stream} (and {@code reason}). */
    private static final class StreamCounters {
        final Counter accepted;
        final Counter late;
        final Counter outsideCampaigns;
        final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

        StreamCounters(MetricGroup streamGroup) {
            accepted = streamGroup.counter("events_accepted");
            late = streamGroup.counter("events_late");
            outsideCampaigns = streamGroup.counter("events_outside_campaigns");
            for (RejectReason reason : RejectReason.values()) {
                rejected.put(reason, streamGroup.addGroup("reason", reason.code()).counter("events_rejected"));
            }
        }
    }

    public InputRouter(CampaignCatalog campaigns) {
        this.campaigns = campaigns;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup warroom = getRuntimeContext().getMetricGroup().addGroup("warroom");
        countersByStream = new StreamCounters[StreamKind.values().length];
        for (StreamKind stream : StreamKind.values()) {
            countersByStream[stream.ordinal()] = new StreamCounters(warroom.addGroup("stream", stream.defaultName()));
        }
        // How far event time trails the wall clock: a stalled input or a lagging consumer shows here first.
        warroom.gauge("event_time_lag_ms", (Gauge<Long>) () -> {
            long current = watermark;
            return current == Long.MIN_VALUE ? -1 : Math.max(0, System.currentTimeMillis() - current);
        });
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<ItemSignal> out) {
        long currentWatermark = ctx.timerService().currentWatermark();
        if (currentWatermark != watermark) {
            watermark = currentWatermark;
        }
        if (record.rejected() != null) {
            RejectedRecord rejected = record.rejected();
            countersByStream[StreamKind.fromName(rejected.stream()).ordinal()].rejected.get(rejected.reason()).inc();
            ctx.output(REJECTED, rejected);
            return;
        }
        StreamCounters counters = countersByStream[record.stream().ordinal()];
        counters.accepted.inc();
        if (record.eventTime() <= currentWatermark) {
            counters.late.inc();
        }
        if (record.order() != null) {
            // Orders before a campaign starts still matter (paid before, refunded during); after the last
            // campaign ends they cannot change any number.
            if (record.order().ts() < campaigns.latestEnd()) {
                ctx.output(ORDERS, record.order());
            } else {
                counters.outsideCampaigns.inc();
            }
        } else if (record.click() != null) {
            ClickEvent e = record.click();
            route(e.ts(), counters, out, c -> new ItemSignal(ItemSignal.Kind.CLICK, c.campaignId(), e.itemId(),
                    e.ts(), e.eventId(), e.userId(), e.channel(), 1, 0));
        } else if (record.cart() != null) {
            CartEvent e = record.cart();
            route(e.ts(), counters, out, c -> new ItemSignal(ItemSignal.Kind.CART, c.campaignId(), e.itemId(),
                    e.ts(), e.eventId(), e.userId(), null, e.quantity(), 0));
        } else {
            InventoryEvent e = record.inventory();
            route(e.ts(), counters, out, c -> ItemSignal.stockOnly(ItemSignal.Kind.INVENTORY, c.campaignId(),
                    e.itemId(), e.ts(), null, e.stock()));
        }
    }

    private void route(long ts, StreamCounters counters, Collector<ItemSignal> out,
            Function<CampaignDefinition, ItemSignal> signal) {
        var matching = campaigns.at(ts);
        if (matching.isEmpty()) {
            counters.outsideCampaigns.inc();
            return;
        }
        for (CampaignDefinition campaign : matching) {
            out.collect(signal.apply(campaign));
        }
    }
}
