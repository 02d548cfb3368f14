package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorSettings;
import io.warroom.model.CampaignDelta;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelTraffic;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemTraffic;
import io.warroom.model.MinuteStats;
import io.warroom.model.StreamKind;
import io.warroom.model.TrafficSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One traffic shard (keyed by a hash of event_id, see {@link TrafficShards}): it routes clicks and carts to the
 * campaigns whose windows hold their event time, deduplicates them exactly by event_id per campaign, and
 * pre-aggregates the first copies, so the per-item and per-campaign totals downstream receive a handful of
 * increments instead of one record per click. A hit item costs it no more than any other.
 *
 * <ul>
 *   <li>Per campaign, it sends one {@link CampaignDelta} on {@link #CAMPAIGN} at most once per flush interval
 *       (processing time): pv, carts, pv per minute and per channel, and sketches of the users of the clicks,
 *       which the campaign unions into uv.
 *   <li>Per item, it sends one {@link ItemSignal} of kind TRAFFIC at most once per stats interval (item stats go
 *       out no more often): pv, carts, pv per minute and the hashed users of the clicks, for the item's uv sketch.
 * </ul>
 *
 * Both are also flushed when the watermark reaches the end of each event-time minute it holds counts of (or a
 * campaign's end within it), so evaluations downstream at that boundary see every earlier event. When event time passes a campaign's end plus the retention period it flushes and
 * releases that campaign's state; events of the campaign after that are counted and dropped.
 */
public final class TrafficShardFunction extends CampaignKeyedFunction<Integer, TrafficSignal, ItemSignal> {
    public static final OutputTag<CampaignDelta> CAMPAIGN = new OutputTag<>("traffic-deltas") {};

    private final MonitorSettings settings;

    /** Per campaign: the ids this shard has seen and the increments it has not passed on yet. */
    private transient MapState<String, TrafficShardState> byCampaign;
    private transient Counter closedCampaignDrops;
    private transient Counter[] outsideCampaigns;

    public TrafficShardFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, TrafficSignal.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        byCampaign = getRuntimeContext().getMapState(new MapStateDescriptor<>("traffic-shard",
                StringSerializer.INSTANCE, TrafficShardState.Serializer.INSTANCE));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        closedCampaignDrops = metrics.counter("eventsAfterCampaignClosed");
        outsideCampaigns = StreamCounters.perStream(metrics.addGroup("warroom"), "events_outside_campaigns");
    }

    /** None: a shard is chosen by event id and finds the campaigns of each event itself. */
    @Override
    protected String campaignOf(TrafficSignal element) {
        return null;
    }

    @Override
    protected void process(TrafficSignal signal, ReadOnlyContext ctx, Collector<ItemSignal> out) throws Exception {
        List<CampaignDefinition> matching = timeline(ctx).containing(signal.ts());
        if (matching.isEmpty()) {
            outsideCampaigns[(signal.cart() ? StreamKind.CART : StreamKind.CLICK).ordinal()].inc();
            return;
        }
        for (CampaignDefinition campaign : matching) {
            count(signal, campaign, ctx);
        }
    }

    private void count(TrafficSignal signal, CampaignDefinition campaign, ReadOnlyContext ctx) throws Exception {
        if (eventTime(ctx) >= settings.releaseTime(campaign.end())) {
            closedCampaignDrops.inc();
            return;
        }
        TrafficShardState st = byCampaign.get(campaign.campaignId());
        if (st == null) {
            st = new TrafficShardState();
            ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        }
        if (!(signal.cart() ? st.cartIds : st.clickIds).add(signal.eventId())) {
            return; // a copy of an event already counted
        }
        long minute = MinuteStats.minuteOf(signal.ts());
        long flushAt = Math.min(minute + MinuteStats.MINUTE_MILLIS, campaign.end()) - 1;
        if (st.scheduledFlush != flushAt) {
            ctx.timerService().registerEventTimeTimer(flushAt);
            st.scheduledFlush = flushAt;
        }
        TrafficShardState.Pending pending = st.pending;
        if (st.pendingItems.isEmpty()) {
            st.itemsDueAt = ctx.timerService().currentProcessingTime() + settings.statsIntervalMillis();
        }
        TrafficShardState.ItemIncrement item = st.pendingItems.get(signal.itemId());
        if (item == null) {
            item = new TrafficShardState.ItemIncrement();
            st.pendingItems.put(signal.itemId(), item);
        }
        item.lastTs = Math.max(item.lastTs, signal.ts());
        if (signal.cart()) {
            pending.carts++;
            item.carts++;
        } else {
            long user = Sketches.hash64(signal.userId());
            pending.pv++;
            pending.minutePv.add(minute, 1);
            pending.users = addUser(pending.users, user);
            String channel = channelFor(st, campaign.channelLabel(signal.channel()));
            TrafficShardState.ChannelIncrement channelIncrement = pending.channels.get(channel);
            if (channelIncrement == null) {
                channelIncrement = new TrafficShardState.ChannelIncrement();
                pending.channels.put(channel, channelIncrement);
            }
            channelIncrement.pv++;
            channelIncrement.minutePv.add(minute, 1);
            channelIncrement.users = addUser(channelIncrement.users, user);
            item.pv++;
            item.minutePv.add(minute, 1);
            item.addUser(user);
        }
        st.markChanged(ctx.timerService(), settings.flushIntervalMillis());
        byCampaign.put(campaign.campaignId(), st);
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<ItemSignal> out) throws Exception {
        boolean processingTime = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        List<String> released = new ArrayList<>();
        for (Map.Entry<String, TrafficShardState> entry : byCampaign.entries()) {
            String campaignId = entry.getKey();
            TrafficShardState st = entry.getValue();
            if (processingTime && st.flushTimer != timestamp) {
                continue; // another campaign's flush
            }
            // Both clocks flush: processing time for freshness, event time at minute ends and at the end. A
            // campaign's timer may flush the others early, which only makes them fresher.
            boolean changed = processingTime ? st.takeChanges() : st.takeChangesNow();
            if (changed && !st.pending.isEmpty()) {
                flushCampaign(st, campaignId, ctx);
            }
            if (!st.pendingItems.isEmpty()) {
                // Item stats go out once per stats interval anyway: items wait that long, so a busy item sends
                // one increment per interval rather than one per flush.
                if (!processingTime || timestamp >= st.itemsDueAt) {
                    flushItems(st, campaignId, out);
                } else {
                    st.markChanged(ctx.timerService(), settings.flushIntervalMillis());
                }
            }
            if (!processingTime && timestamp >= settings.releaseTime(timeline(ctx).get(campaignId).end())) {
                released.add(campaignId); // its processing-time flush, if any, finds nothing
            } else {
                entry.setValue(st);
            }
        }
        for (String campaignId : released) {
            byCampaign.remove(campaignId);
        }
    }

    private HllSketch addUser(HllSketch users, long userHash) {
        HllSketch sketch = users != null ? users : Sketches.newSketch(settings.campaignSketchLgK());
        sketch.update(userHash);
        return sketch;
    }

    private String channelFor(TrafficShardState st, String channel) {
        if (st.channels.contains(channel)) {
            return channel;
        }
        if (st.channels.size() >= settings.maxChannels()) {
            return CampaignDefinition.OTHER_CHANNEL;
        }
        st.channels.add(channel);
        return channel;
    }

    private static void flushItems(TrafficShardState st, String campaignId, Collector<ItemSignal> out) {
        for (Map.Entry<String, TrafficShardState.ItemIncrement> entry : st.pendingItems.entrySet()) {
            TrafficShardState.ItemIncrement item = entry.getValue();
            out.collect(ItemSignal.traffic(campaignId, entry.getKey(), item.lastTs, new ItemTraffic(item.pv,
                    item.carts, item.minutePv.minutes(), item.minutePv.counts(),
                    Arrays.copyOf(item.users, item.userCount))));
        }
        st.pendingItems.clear();
        st.itemsDueAt = 0;
    }

    private static void flushCampaign(TrafficShardState st, String campaignId, ReadOnlyContext ctx) {
        TrafficShardState.Pending pending = st.pending;
        MinuteStats[] minutes = new MinuteStats[pending.minutePv.size()];
        for (int i = 0; i < minutes.length; i++) {
            minutes[i] = new MinuteStats(pending.minutePv.minuteAt(i), 0, 0, pending.minutePv.countAt(i));
        }
        List<ChannelTraffic> channels = new ArrayList<>();
        List<ChannelMinute> channelMinutes = new ArrayList<>();
        for (Map.Entry<String, TrafficShardState.ChannelIncrement> entry : pending.channels.entrySet()) {
            TrafficShardState.ChannelIncrement channel = entry.getValue();
            channels.add(new ChannelTraffic(entry.getKey(), channel.pv, channel.users.toCompactByteArray()));
            for (int i = 0; i < channel.minutePv.size(); i++) {
                channelMinutes.add(new ChannelMinute(entry.getKey(), channel.minutePv.minuteAt(i),
                        channel.minutePv.countAt(i)));
            }
        }
        ctx.output(CAMPAIGN, CampaignDelta.traffic(campaignId, pending.pv, pending.carts,
                pending.users == null ? null : pending.users.toCompactByteArray(), minutes,
                channels.toArray(new ChannelTraffic[0]), channelMinutes.toArray(new ChannelMinute[0])));
        st.pending = new TrafficShardState.Pending();
        st.scheduledFlush = TrafficShardState.NO_FLUSH;
    }
}
