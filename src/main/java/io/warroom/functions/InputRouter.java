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
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * First stop of every input record. Rejected records go to {@link #REJECTED} and are counted by reason; orders go
 * to {@link #ORDERS} for their lifecycle; clicks, carts and inventory snapshots become one {@link ItemSignal} per
 * campaign whose window holds their event time. Events outside every campaign are counted and dropped.
 */
public final class InputRouter extends ProcessFunction<InputRecord, ItemSignal> {
    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("rejected") {};
    public static final OutputTag<OrderEvent> ORDERS = new OutputTag<>("orders") {};

    private final CampaignCatalog campaigns;
    private transient Map<RejectReason, Counter> rejectedByReason;
    private transient Counter outsideCampaigns;

    public InputRouter(CampaignCatalog campaigns) {
        this.campaigns = campaigns;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        rejectedByReason = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            rejectedByReason.put(reason, metrics.addGroup("reason", reason.code()).counter("rejectedRecords"));
        }
        outsideCampaigns = metrics.counter("eventsOutsideCampaigns");
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<ItemSignal> out) {
        if (record.rejected() != null) {
            rejectedByReason.get(record.rejected().reason()).inc();
            ctx.output(REJECTED, record.rejected());
        } else if (record.order() != null) {
            // Orders before a campaign starts still matter (paid before, refunded during); after the last
            // campaign ends they cannot change any number.
            if (record.order().ts() < campaigns.latestEnd()) {
                ctx.output(ORDERS, record.order());
            } else {
                outsideCampaigns.inc();
            }
        } else if (record.click() != null) {
            ClickEvent e = record.click();
            route(e.ts(), out, c -> new ItemSignal(ItemSignal.Kind.CLICK, c.campaignId(), e.itemId(), e.ts(),
                    e.eventId(), e.userId(), e.channel(), 1, 0));
        } else if (record.cart() != null) {
            CartEvent e = record.cart();
            route(e.ts(), out, c -> new ItemSignal(ItemSignal.Kind.CART, c.campaignId(), e.itemId(), e.ts(),
                    e.eventId(), e.userId(), null, e.quantity(), 0));
        } else if (record.inventory() != null) {
            InventoryEvent e = record.inventory();
            route(e.ts(), out, c -> ItemSignal.stockOnly(ItemSignal.Kind.INVENTORY, c.campaignId(), e.itemId(),
                    e.ts(), null, e.stock()));
        }
    }

    private void route(long ts, Collector<ItemSignal> out, Function<CampaignDefinition, ItemSignal> signal) {
        var matching = campaigns.at(ts);
        if (matching.isEmpty()) {
            outsideCampaigns.inc();
            return;
        }
        for (CampaignDefinition campaign : matching) {
            out.collect(signal.apply(campaign));
        }
    }
}
