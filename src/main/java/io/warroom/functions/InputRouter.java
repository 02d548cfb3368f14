package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignVersion;
import io.warroom.config.MonitorSettings;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.InventoryEvent;
import io.warroom.model.ItemSignal;
import io.warroom.model.OrderEvent;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.StreamKind;
import io.warroom.model.TrafficSignal;
import io.warroom.serde.EventParser;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
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
 * First stop of every input record. Rejected records go to {@link #REJECTED}; orders go to {@link #ORDERS} for
 * their lifecycle; clicks and carts become one {@link TrafficSignal} on {@link #TRAFFIC}, and inventory snapshots
 * one {@link ItemSignal}, per campaign whose window holds their event time. Events outside every campaign are dropped. Every record is counted by stream (accepted,
 * late, outside campaigns, rejected by reason), and event-time lag behind the wall clock is a gauge.
 *
 * <p>It is also where campaign updates from the control input are judged for the record: the first subtask sends
 * an invalid one to {@link #REJECTED} (reason {@code invalid_campaign}) and opens what a valid one adds (a new
 * campaign on {@link #OPENED}, new items as INIT signals). Every operator applies updates on its own.
 */
public final class InputRouter extends BroadcastProcessFunction<InputRecord, CampaignUpdate, ItemSignal> {
    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("rejected") {};
    public static final OutputTag<OrderEvent> ORDERS = new OutputTag<>("orders") {};
    public static final OutputTag<TrafficSignal> TRAFFIC = new OutputTag<>("traffic") {};
    public static final OutputTag<CampaignDelta> OPENED = new OutputTag<>("opened-campaigns") {};
    /** The stream name of campaign updates in dead-letter records. */
    public static final String CAMPAIGN_CONFIG_STREAM = "campaign-config";

    private static final Logger LOG = LoggerFactory.getLogger(InputRouter.class);

    private final LiveCampaigns campaigns;
    private final int trafficShardCount;
    private transient TrafficShards trafficShards;
    private transient StreamCounters[] countersByStream;
    private transient Counter updatesApplied;
    private transient Counter updatesRejected;
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

    public InputRouter(CampaignTimeline campaigns, MonitorSettings settings) {
        this.campaigns = new LiveCampaigns(campaigns);
        this.trafficShardCount = settings.trafficShards();
    }

    @Override
    public void open(OpenContext openContext) {
        trafficShards = new TrafficShards(trafficShardCount,
                getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
        MetricGroup warroom = getRuntimeContext().getMetricGroup().addGroup("warroom");
        countersByStream = new StreamCounters[StreamKind.values().length];
        for (StreamKind stream : StreamKind.values()) {
            countersByStream[stream.ordinal()] = new StreamCounters(warroom.addGroup("stream", stream.defaultName()));
        }
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
        CampaignTimeline timeline = campaigns.timeline(ctx.getBroadcastState(LiveCampaigns.UPDATES));
        long currentWatermark = ctx.currentWatermark();
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
            if (record.order().ts() < timeline.latestEnd()) {
                ctx.output(ORDERS, record.order());
            } else {
                counters.outsideCampaigns.inc();
            }
        } else if (record.click() != null) {
            ClickEvent e = record.click();
            route(timeline, e.ts(), counters, campaign -> ctx.output(TRAFFIC, new TrafficSignal(false, campaign,
                    trafficShards.shardKey(campaign, e.eventId()), e.ts(), e.eventId(), e.userId(), e.itemId(),
                    e.channel())));
        } else if (record.cart() != null) {
            CartEvent e = record.cart();
            route(timeline, e.ts(), counters, campaign -> ctx.output(TRAFFIC, new TrafficSignal(true, campaign,
                    trafficShards.shardKey(campaign, e.eventId()), e.ts(), e.eventId(), e.userId(), e.itemId(),
                    null)));
        } else {
            InventoryEvent e = record.inventory();
            route(timeline, e.ts(), counters, campaign -> out.collect(ItemSignal.stockOnly(ItemSignal.Kind.INVENTORY,
                    campaign, e.itemId(), e.ts(), null, e.stock())));
        }
    }

    /** Hands the event to each campaign whose window holds {@code ts}, by campaign id. */
    private static void route(CampaignTimeline timeline, long ts, StreamCounters counters, Consumer<String> emit) {
        var matching = timeline.containing(ts);
        if (matching.isEmpty()) {
            counters.outsideCampaigns.inc();
            return;
        }
        for (CampaignDefinition campaign : matching) {
            emit.accept(campaign.campaignId());
        }
    }

    private static String kept(String body) {
        return body.length() > EventParser.MAX_KEPT_PAYLOAD ? body.substring(0, EventParser.MAX_KEPT_PAYLOAD) : body;
    }
}
