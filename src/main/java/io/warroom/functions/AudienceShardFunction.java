package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelStats;
import io.warroom.model.Keys;
import io.warroom.model.MinuteStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;

/**
 * One shard of a campaign's totals (keyed by campaign and a hash of user_id). Sharding by user keeps every user's
 * contribution to the distinct counts in one place, so the campaign's uv and buyers are the sum of the shards'
 * estimates, and no single task has to see every click of a campaign.
 *
 * <p>It accumulates increments and sends them as a {@link CampaignDelta} at most once per stats interval, and when
 * the watermark reaches the end of each event-time minute it has data in (or the campaign's end within it), so
 * the campaign's evaluations at that boundary see every earlier event; and at cleanup.
 */
public final class AudienceShardFunction  extends CampaignKeyedFunction<AudienceSignal, CampaignDelta> {

    private final MonitorSettings settings;

    private transient ValueState<ShardState> state;
    private transient ValueState<HllSketch> uv;
    private transient ValueState<HllSketch> buyers;
    private transient MapState<String, HllSketch> channelUv;
    private transient MapState<String, Long> channelPv;
    private transient MapState<Long, Map<String, Long>> channelMinutePv;
    private transient MapState<Long, MinuteStats> minutes;

    public AudienceShardFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, AudienceSignal.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        state = rc.getState(new ValueStateDescriptor<>("shard", ShardState.class));
        uv = rc.getState(new ValueStateDescriptor<>("uv", HllSketchSerializer.INSTANCE));
        buyers = rc.getState(new ValueStateDescriptor<>("buyers", HllSketchSerializer.INSTANCE));
        channelUv = rc.getMapState(
                new MapStateDescriptor<>("channel-uv", StringSerializer.INSTANCE, HllSketchSerializer.INSTANCE));
        channelPv = rc.getMapState(new MapStateDescriptor<>("channel-pv-pending", String.class, Long.class));
        channelMinutePv = rc.getMapState(new MapStateDescriptor<>("channel-minute-pv-pending", Types.LONG,
                Types.MAP(Types.STRING, Types.LONG)));
        minutes = rc.getMapState(new MapStateDescriptor<>("minutes-pending", Long.class, MinuteStats.class));
    }

    @Override
    protected String campaignOf(AudienceSignal element) {
        return element.campaignId();
    }

    @Override
    protected void process(AudienceSignal signal, ReadOnlyContext ctx, Collector<CampaignDelta> out) throws Exception {
        CampaignDefinition campaign = timeline(ctx).inForce(signal.campaignId(), signal.ts());
        if (ctx.timerService().currentWatermark() >= settings.releaseTime(campaign.end())) {
            return; // counted where the signal came from
        }
        ShardState st = state.value();
        if (st == null) {
            st = new ShardState();
            ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        }
        long minute = MinuteStats.minuteOf(signal.ts());
        long minuteFlush = Math.min(minute + MinuteStats.MINUTE_MILLIS, campaign.end()) - 1;
        switch (signal.kind()) {
            case CLICK -> {
                st.pv++;
                addMinute(minute, 0, 0, 1, minuteFlush, ctx);
                Sketches.add(uv, signal.userId(), settings.shardSketchLgK());
                String channel = channelFor(st, campaign.channelLabel(signal.channel()));
                HllSketch sketch = channelUv.get(channel);
                if (sketch == null) {
                    sketch = Sketches.newSketch(settings.shardSketchLgK());
                }
                sketch.update(signal.userId());
                channelUv.put(channel, sketch);
                Long pv = channelPv.get(channel);
                channelPv.put(channel, pv == null ? 1L : pv + 1);
                Map<String, Long> minutePv = channelMinutePv.get(minute);
                if (minutePv == null) {
                    minutePv = new HashMap<>();
                }
                minutePv.merge(channel, 1L, Long::sum);
                channelMinutePv.put(minute, minutePv);
            }
            case CART -> {
                st.carts++;
                ctx.timerService().registerEventTimeTimer(minuteFlush);
            }
            case PAID -> {
                st.orders++;
                st.units += signal.quantity();
                st.gmvCents += signal.amountCents();
                addMinute(minute, signal.amountCents(), 1, 0, minuteFlush, ctx);
                Sketches.add(buyers, signal.userId(), settings.shardSketchLgK());
            }
            case REFUND -> {
                st.refundedCents += signal.amountCents();
                ctx.timerService().registerEventTimeTimer(minuteFlush);
            }
        }
        st.markChanged(ctx.timerService(), settings.statsIntervalMillis());
        state.update(st);
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<CampaignDelta> out) throws Exception {
        ShardState st = state.value();
        if (st == null) {
            return;
        }
        String campaignId = Keys.campaignOf(ctx.getCurrentKey());
        boolean closing = ctx.timeDomain() == TimeDomain.EVENT_TIME
                && timestamp >= settings.releaseTime(timeline(ctx).get(campaignId).end());
        // Both clocks flush: processing time for freshness, event time at minute ends and at the end.
        boolean changed = ctx.timeDomain() == TimeDomain.PROCESSING_TIME ? st.takeChanges() : st.takeChangesNow();
        if (changed) {
            out.collect(drain(st, campaignId, Integer.parseInt(Keys.partOf(ctx.getCurrentKey()))));
        }
        if (closing) {
            st.cancel(ctx.timerService());
            state.clear();
            uv.clear();
            buyers.clear();
            channelUv.clear();
            channelPv.clear();
            channelMinutePv.clear();
            minutes.clear();
            return;
        }
        state.update(st);
    }

    /**
     * Keeps channel labels bounded when a campaign does not list its channels: past the limit, a shard counts new
     * channels as "other". Shards decide this independently, so a campaign with that many channels should list them.
     */
    private String channelFor(ShardState st, String channel) throws Exception {
        if (channelUv.contains(channel)) {
            return channel;
        }
        if (st.channels >= settings.maxChannels()) {
            return CampaignDefinition.OTHER_CHANNEL;
        }
        st.channels++;
        return channel;
    }

    /**
     * Adds to a pending minute. The minute's flush is scheduled when it becomes pending: every flush drains all
     * pending minutes, so a minute already pending has its flush still ahead (the hot path skips the timer service).
     */
    private void addMinute(long minute, long gmvCents, long orders, long pv, long flushAt, ReadOnlyContext ctx)
            throws Exception {
        MinuteStats current = minutes.get(minute);
        if (current == null) {
            ctx.timerService().registerEventTimeTimer(flushAt);
        }
        MinuteStats added = new MinuteStats(minute, gmvCents, orders, pv);
        minutes.put(minute, current == null ? added : current.plus(added));
    }

    private CampaignDelta drain(ShardState st, String campaignId, int shard) throws Exception {
        List<MinuteStats> minuteDeltas = new ArrayList<>();
        for (MinuteStats m : minutes.values()) {
            minuteDeltas.add(m);
        }
        minutes.clear();
        List<ChannelStats> channels = new ArrayList<>();
        for (Map.Entry<String, HllSketch> entry : channelUv.entries()) {
            Long pv = channelPv.get(entry.getKey());
            channels.add(new ChannelStats(entry.getKey(), Sketches.estimate(entry.getValue()), pv == null ? 0 : pv));
        }
        channelPv.clear();
        List<ChannelMinute> channelMinutes = new ArrayList<>();
        for (Map.Entry<Long, Map<String, Long>> minute : channelMinutePv.entries()) {
            minute.getValue().forEach((channel, pv) -> channelMinutes.add(new ChannelMinute(channel, minute.getKey(),
                    pv)));
        }
        channelMinutePv.clear();
        CampaignDelta delta = new CampaignDelta(campaignId, shard, st.gmvCents, st.refundedCents, st.orders,
                st.units, st.pv, st.carts, Sketches.estimate(uv.value()), Sketches.estimate(buyers.value()),
                minuteDeltas.toArray(new MinuteStats[0]), channels.toArray(new ChannelStats[0]),
                channelMinutes.toArray(new ChannelMinute[0]));
        st.gmvCents = 0;
        st.refundedCents = 0;
        st.orders = 0;
        st.units = 0;
        st.pv = 0;
        st.carts = 0;
        return delta;
    }
}
