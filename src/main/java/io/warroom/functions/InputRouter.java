package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignVersion;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.InputRecord;
import io.warroom.model.InventoryEvent;
import io.warroom.model.ItemSignal;
import io.warroom.model.OrderEvent;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.serde.EventParser;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes orders and inventory, as split from the input by {@link InputSplitter}: orders go to {@link #ORDERS} for
 * their lifecycle, inventory snapshots become one {@link ItemSignal} per campaign whose window holds their event
 * time, and events outside every campaign are counted and dropped. Event-time lag behind the wall clock is a gauge.
 *
 * <p>It is also where campaign updates from the control input are judged for the record: the first subtask sends
 * an invalid one to {@link #REJECTED} (reason {@code invalid_campaign}) and opens what a valid one adds (a new
 * campaign on {@link #OPENED}, new items as INIT signals). Every operator applies updates on its own.
 */
public final class InputRouter extends BroadcastProcessFunction<InputRecord, CampaignUpdate, ItemSignal> {
    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("rejected") {};
    public static final OutputTag<OrderEvent> ORDERS = new OutputTag<>("orders") {};
    public static final OutputTag<CampaignDelta> OPENED = new OutputTag<>("opened-campaigns") {};
    /** The stream name of campaign updates in dead-letter records. */
    public static final String CAMPAIGN_CONFIG_STREAM = "campaign-config";

    private static final Logger LOG = LoggerFactory.getLogger(InputRouter.class);

    private final LiveCampaigns campaigns;
    private transient Counter[] outsideCampaigns;
    private transient Counter updatesApplied;
    private transient Counter updatesRejected;
    private transient volatile long watermark = Long.MIN_VALUE;

    public InputRouter(CampaignTimeline campaigns) {
        this.campaigns = new LiveCampaigns(campaigns);
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup warroom = getRuntimeContext().getMetricGroup().addGroup("warroom");
        outsideCampaigns = StreamCounters.perStream(warroom, "events_outside_campaigns");
        MetricGroup updates = warroom.addGroup("stream", CAMPAIGN_CONFIG_STREAM);
        updatesApplied = updates.counter("campaign_updates_applied");
        updatesRejected = updates.counter("campaign_updates_rejected");
        // How far event time trails the wall clock: a stalled input or a lagging consumer shows here first.
        warroom.gauge("event_time_lag_ms", (Gauge<Long>) () -> {
            long current = watermark;
            return current == Long.MIN_VALUE ? -1 : Math.max(0, System.currentTimeMillis() - current);
        });
    }

    @Override
    public void processBroadcastElement(CampaignUpdate update, Context ctx, Collector<ItemSignal> out)
            throws Exception {
        LiveCampaigns.Outcome outcome = campaigns.apply(update, ctx.getBroadcastState(LiveCampaigns.UPDATES));
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() != 0) {
            return; // one report per update, not one per subtask
        }
        if (outcome.rejection() != null) {
            updatesRejected.inc();
            LOG.warn("Rejected campaign update from {}: {}", update.origin(), outcome.rejection());
            ctx.output(REJECTED, new RejectedRecord(CAMPAIGN_CONFIG_STREAM, update.origin(),
                    RejectReason.INVALID_CAMPAIGN, outcome.rejection(), kept(update.body()), null));
            return;
        }
        updatesApplied.inc();
        CampaignVersion version = outcome.accepted();
        String campaignId = version.definition().campaignId();
        LOG.info("Applied campaign update for {} in force from {}", campaignId, version.effectiveFrom());
        CampaignTimeline before = outcome.before();
        CampaignOpenings openings = CampaignOpenings.of(
                before.knows(campaignId) ? before.inForce(campaignId, version.effectiveFrom()) : null, version);
        openings.campaigns().forEach(delta -> ctx.output(OPENED, delta));
        openings.items().forEach(out::collect);
    }

    @Override
    public void processElement(InputRecord record, ReadOnlyContext ctx, Collector<ItemSignal> out)
            throws Exception {
        CampaignTimeline timeline = campaigns.timeline(ctx);
        watermark = ctx.currentWatermark();
        Counter outside = outsideCampaigns[record.stream().ordinal()];
        if (record.order() != null) {
            // Orders before a campaign starts still matter (paid before, refunded during); after the last
            // campaign ends they cannot change any number.
            if (record.order().ts() < timeline.latestEnd()) {
                ctx.output(ORDERS, record.order());
            } else {
                outside.inc();
            }
            return;
        }
        InventoryEvent e = record.inventory();
        var matching = timeline.containing(e.ts());
        if (matching.isEmpty()) {
            outside.inc();
        }
        for (CampaignDefinition campaign : matching) {
            out.collect(ItemSignal.stockOnly(ItemSignal.Kind.INVENTORY, campaign.campaignId(), e.itemId(), e.ts(),
                    null, e.stock()));
        }
    }

    private static String kept(String body) {
        return body.length() > EventParser.MAX_KEPT_PAYLOAD ? body.substring(0, EventParser.MAX_KEPT_PAYLOAD) : body;
    }
}
