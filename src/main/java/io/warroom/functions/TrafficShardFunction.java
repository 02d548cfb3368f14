package io.warroom.functions;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorSettings;
import io.warroom.model.CampaignDelta;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelTraffic;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemTraffic;
import io.warroom.model.Keys;
import io.warroom.model.MinuteStats;
import io.warroom.model.TrafficSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One traffic shard of a campaign (keyed by campaign and a hash of event_id, see {@link TrafficShards}): it
 * deduplicates clicks and carts exactly by event_id, and pre-aggregates the first copies, so the per-item and
 * per-campaign totals downstream receive a handful of increments instead of one record per click.
 *
 * <ul>
 *   <li>Per item, it sends one {@link ItemSignal} of kind TRAFFIC per flush: pv, carts, pv per minute and the
 *       hashed users of the clicks, for the item's uv sketch.
 *   <li>Per campaign, it sends one {@link CampaignDelta} per flush on {@link #CAMPAIGN}: pv, carts, pv per minute
 *       and per channel, and sketches of the users of the clicks, which the campaign unions into uv.
 * </ul>
 *
 * It flushes at most once per flush interval (processing time), and when the watermark reaches the end of each
 * event-time minute it holds counts of (or the campaign's end within it), so evaluations downstream at that
 * boundary see every earlier event. When event time passes the campaign's end plus the retention period it
 * flushes and releases its state; events after that are counted and dropped.
 */
public final class TrafficShardFunction extends CampaignKeyedFunction<TrafficSignal, ItemSignal> {
    public static final OutputTag<CampaignDelta> CAMPAIGN = new OutputTag<>("traffic-deltas") {};

    private final MonitorSettings settings;

    private transient ValueState<TrafficShardState> state;
    private transient Counter closedCampaignDrops;

    public TrafficShardFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, TrafficSignal.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("traffic-shard", TrafficShardState.Serializer.INSTANCE));
        closedCampaignDrops = getRuntimeContext().getMetricGroup().counter("eventsAfterCampaignClosed");
    }

    @Override
    protected String campaignOf(TrafficSignal element) {
        return element.campaignId();
    }

    @Override
    protected void process(TrafficSignal signal, ReadOnlyContext ctx, Collector<ItemSignal> out) throws Exception {
        CampaignDefinition campaign = timeline(ctx).inForce(signal.campaignId(), signal.ts());
        if (ctx.timerService().currentWatermark() >= settings.releaseTime(campaign.end())) {
            closedCampaignDrops.inc();
            return;
        }
        TrafficShardState st = state.value();
        if (st == null) {
            st = new TrafficShardState();
            ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        }
        if (!(signal.cart() ? st.cartIds : st.clickIds).add(signal.eventId())) {
            return; // a copy of an event already counted
        }
        long minute = MinuteStats.minuteOf(signal.ts());
        long flushAt = Math.min(minute + MinuteStats.MINUTE_MILLIS, campaign.end()) - 1;
        if (st.scheduledFlushes.add(flushAt)) {
            ctx.timerService().registerEventTimeTimer(flushAt);
        }
        TrafficShardState.Pending pending = st.pending;
        TrafficShardState.ItemIncrement item = pending.items.get(signal.itemId());
        if (item == null) {
            item = new TrafficShardState.ItemIncrement();
            pending.items.put(signal.itemId(), item);
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
        state.update(st);
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<ItemSignal> out) throws Exception {
        TrafficShardState st = state.value();
        if (st == null) {
            return;
        }
        String campaignId = Keys.campaignOf(ctx.getCurrentKey());
        boolean closing = ctx.timeDomain() == TimeDomain.EVENT_TIME
                && timestamp >= settings.releaseTime(timeline(ctx).get(campaignId).end());
        // Both clocks flush: processing time for freshness, event time at minute ends and at the end.
        boolean changed = ctx.timeDomain() == TimeDomain.PROCESSING_TIME ? st.takeChanges() : st.takeChangesNow();
        if (changed && !st.pending.isEmpty()) {
            flush(st, campaignId, ctx, out);
        }
        if (closing) {
            st.cancel(ctx.timerService());
            state.clear();
            return;
        }
        state.update(st);
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

    private void flush(TrafficShardState st, String campaignId, ReadOnlyContext ctx, Collector<ItemSignal> out) {
        TrafficShardState.Pending pending = st.pending;
        for (Map.Entry<String, TrafficShardState.ItemIncrement> entry : pending.items.entrySet()) {
            TrafficShardState.ItemIncrement item = entry.getValue();
            out.collect(ItemSignal.traffic(campaignId, entry.getKey(), item.lastTs, new ItemTraffic(item.pv,
                    item.carts, item.minutePv.minutes(), item.minutePv.counts(),
                    Arrays.copyOf(item.users, item.userCount))));
        }
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
        st.scheduledFlushes.clear();
    }
}
