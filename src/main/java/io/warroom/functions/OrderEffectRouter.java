package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ItemSignal;
import io.warroom.model.OrderEffect;
import io.warroom.model.OrderLine;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Spreads an order effect over the campaigns whose window holds its event time: one {@link ItemSignal} per distinct
 * item of the order's lines (quantities and amounts of repeated items added up, so an order counts once per item),
 * and, for paid and refunded effects, one {@link AudienceSignal} for the campaign totals on {@link #AUDIENCE}.
 */
public final class OrderEffectRouter extends BroadcastProcessFunction<OrderEffect, CampaignUpdate, ItemSignal> {
    public static final OutputTag<AudienceSignal> AUDIENCE = new OutputTag<>("order-audience") {};

    private final LiveCampaigns campaigns;
    private final int shards;

    public OrderEffectRouter(CampaignTimeline campaigns, MonitorSettings settings) {
        this.campaigns = new LiveCampaigns(campaigns);
        this.shards = settings.audienceShards();
    }

    @Override
    public void processBroadcastElement(CampaignUpdate update, Context ctx, Collector<ItemSignal> out)
            throws Exception {
        campaigns.apply(update, ctx.getBroadcastState(LiveCampaigns.UPDATES));
    }

    @Override
    public void processElement(OrderEffect effect, ReadOnlyContext ctx, Collector<ItemSignal> out) throws Exception {
        var matching = campaigns.timeline(ctx).containing(effect.ts());
        if (matching.isEmpty()) {
            return;
        }
        Map<String, long[]> byItem = byItem(effect.lines());
        ItemSignal.Kind kind = ItemSignal.Kind.valueOf(effect.kind().name());
        for (CampaignDefinition campaign : matching) {
            long units = 0;
            long amount = 0;
            for (Map.Entry<String, long[]> item : byItem.entrySet()) {
                long[] qtyAndAmount = item.getValue();
                units += qtyAndAmount[0];
                amount += qtyAndAmount[1];
                out.collect(new ItemSignal(kind, campaign.campaignId(), item.getKey(), effect.ts(), effect.orderId(),
                        effect.userId(), qtyAndAmount[0], qtyAndAmount[1]));
            }
            if (effect.kind() == OrderEffect.Kind.PAID || effect.kind() == OrderEffect.Kind.REFUND) {
                AudienceSignal.Kind audienceKind = effect.kind() == OrderEffect.Kind.PAID
                        ? AudienceSignal.Kind.PAID
                        : AudienceSignal.Kind.REFUND;
                ctx.output(AUDIENCE, new AudienceSignal(audienceKind, campaign.campaignId(),
                        Sketches.shardOf(effect.userId(), shards), effect.ts(), effect.userId(), units, amount));
            }
        }
    }

    /** item_id -> {quantity, amount in cents}, in line order. */
    private static Map<String, long[]> byItem(OrderLine[] lines) {
        Map<String, long[]> byItem = new LinkedHashMap<>();
        for (OrderLine line : lines) {
            long[] sums = byItem.computeIfAbsent(line.itemId(), k -> new long[2]);
            sums[0] += line.quantity();
            sums[1] += line.amountCents();
        }
        return byItem;
    }
}
