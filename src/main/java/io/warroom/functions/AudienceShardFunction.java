package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.Keys;
import io.warroom.model.MinuteStats;
import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;

/**
 * One audience shard of a campaign's order totals (keyed by campaign and a hash of user_id). Sharding by user keeps
 * every buyer in one place, so the campaign's buyers are the sum of the shards' estimates, and no single task has
 * to see every order of a campaign. (Clicks and carts go to the traffic shards, {@link TrafficShardFunction}.)
 *
 * <p>It accumulates increments and sends them as a {@link CampaignDelta} at most once per flush interval, and when
 * the watermark reaches the end of each event-time minute it has data in (or the campaign's end within it), so
 * the campaign's evaluations at that boundary see every earlier event; and at cleanup.
 */
public final class AudienceShardFunction extends CampaignKeyedFunction<String, AudienceSignal, CampaignDelta> {

    private final MonitorSettings settings;

    private transient ValueState<ShardState> state;
    private transient ValueState<HllSketch> buyers;
    private transient MapState<Long, MinuteStats> minutes;

    public AudienceShardFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, AudienceSignal.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        state = rc.getState(new ValueStateDescriptor<>("shard", ShardState.class));
        buyers = rc.getState(new ValueStateDescriptor<>("buyers", HllSketchSerializer.INSTANCE));
        minutes = rc.getMapState(new MapStateDescriptor<>("minutes-pending", Long.class, MinuteStats.class));
    }

    @Override
    protected String campaignOf(AudienceSignal element) {
        return element.campaignId();
    }

    @Override
    protected void process(AudienceSignal signal, ReadOnlyContext ctx, Collector<CampaignDelta> out) throws Exception {
        CampaignDefinition campaign = timeline(ctx).inForce(signal.campaignId(), signal.ts());
        if (eventTime(ctx) >= settings.releaseTime(campaign.end())) {
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
            case PAID -> {
                st.orders++;
                st.units += signal.quantity();
                st.gmvCents += signal.amountCents();
                addMinute(minute, signal.amountCents(), minuteFlush, ctx);
                Sketches.add(buyers, signal.userId(), settings.shardSketchLgK());
            }
            case REFUND -> {
                st.refundedCents += signal.amountCents();
                ctx.timerService().registerEventTimeTimer(minuteFlush);
            }
        }
        st.markChanged(ctx.timerService(), settings.flushIntervalMillis());
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
            buyers.clear();
            minutes.clear();
            return;
        }
        state.update(st);
    }

    /**
     * Adds to a pending minute. The minute's flush is scheduled when it becomes pending: every flush drains all
     * pending minutes, so a minute already pending has its flush still ahead (the hot path skips the timer service).
     */
    private void addMinute(long minute, long gmvCents, long flushAt, ReadOnlyContext ctx) throws Exception {
        MinuteStats current = minutes.get(minute);
        if (current == null) {
            ctx.timerService().registerEventTimeTimer(flushAt);
        }
        MinuteStats added = new MinuteStats(minute, gmvCents, 1, 0);
        minutes.put(minute, current == null ? added : current.plus(added));
    }

    private CampaignDelta drain(ShardState st, String campaignId, int shard) throws Exception {
        List<MinuteStats> minuteDeltas = new ArrayList<>();
        for (MinuteStats m : minutes.values()) {
            minuteDeltas.add(m);
        }
        minutes.clear();
        CampaignDelta delta = CampaignDelta.orders(campaignId, shard, st.gmvCents, st.refundedCents, st.orders,
                st.units, Sketches.estimate(buyers.value()), minuteDeltas.toArray(new MinuteStats[0]));
        st.gmvCents = 0;
        st.refundedCents = 0;
        st.orders = 0;
        st.units = 0;
        return delta;
    }
}
