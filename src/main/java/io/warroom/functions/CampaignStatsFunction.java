package io.warroom.functions;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.PacingStatus;
import io.warroom.serde.Money;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A campaign's totals (keyed by campaign_id), the sum of its audience shards' deltas; distinct counts are the sum
 * of the shards' latest estimates. At each pacing checkpoint, once the watermark passes it, it compares paid gmv of
 * events before the checkpoint with the plan and fires or resolves TARGET_SHORTFALL.
 *
 * <p>A bootstrap delta opens every configured campaign, so a campaign without a single sale is still checked.
 * Stats are emitted at most once per stats interval, after each checkpoint, and once more, {@code closed}, when
 * event time passes the end plus the retention period and the campaign's state is released.
 */
public final class CampaignStatsFunction extends KeyedProcessFunction<String, CampaignDelta, CampaignStats> {
    public static final OutputTag<AlertEvent> ALERTS = new OutputTag<>("campaign-alerts") {};

    private final CampaignCatalog campaigns;
    private final MonitorSettings settings;

    private transient ValueState<CampaignState> state;
    private transient MapState<Long, MinuteStats> minutes;
    private transient MapState<Long, Boolean> changedMinutes;
    private transient MapState<String, ChannelTotals> channels;

    public CampaignStatsFunction(CampaignCatalog campaigns, MonitorSettings settings) {
        this.campaigns = campaigns;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        state = rc.getState(new ValueStateDescriptor<>("campaign", CampaignState.class));
        minutes = rc.getMapState(new MapStateDescriptor<>("minutes", Long.class, MinuteStats.class));
        changedMinutes = rc.getMapState(new MapStateDescriptor<>("changed-minutes", Long.class, Boolean.class));
        channels = rc.getMapState(new MapStateDescriptor<>("channels", String.class, ChannelTotals.class));
    }

    @Override
    public void processElement(CampaignDelta delta, Context ctx, Collector<CampaignStats> out) throws Exception {
        CampaignDefinition campaign = campaigns.get(delta.campaignId());
        if (ctx.timerService().currentWatermark() >= settings.releaseTime(campaign.end())) {
            return; // the campaign's final stats were emitted and its state released
        }
        CampaignState st = state.value();
        if (st == null) {
            st = new CampaignState();
            st.gmvCentsBySegment = new long[campaign.segmentCount()];
            st.shardUv = new long[settings.audienceShards()];
            st.shardBuyers = new long[settings.audienceShards()];
            st.behindAtCheckpoint = new boolean[campaign.pacing().size()];
            for (int k = 0; k < campaign.pacing().size(); k++) {
                ctx.timerService().registerEventTimeTimer(campaign.checkpointDueAt(k));
            }
            ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        }
        if (delta.shard() != CampaignDelta.BOOTSTRAP_SHARD) {
            add(st, delta);
        }
        st.markChanged(ctx.timerService(), settings.statsIntervalMillis());
        state.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CampaignStats> out) throws Exception {
        CampaignState st = state.value();
        if (st == null) {
            return;
        }
        String campaignId = ctx.getCurrentKey();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (st.takeChanges()) {
                out.collect(snapshot(st, campaignId, ctx, false));
            }
            state.update(st);
            return;
        }
        CampaignDefinition campaign = campaigns.get(campaignId);
        boolean evaluated = evaluateCheckpoints(timestamp, st, campaign, ctx);
        if (timestamp >= settings.releaseTime(campaign.end())) {
            out.collect(snapshot(st, campaignId, ctx, true));
            st.cancel(ctx.timerService());
            state.clear();
            minutes.clear();
            changedMinutes.clear();
            channels.clear();
            return;
        }
        if (evaluated) {
            st.takeChangesNow();
            out.collect(snapshot(st, campaignId, ctx, false));
        }
        state.update(st);
    }

    private void add(CampaignState st, CampaignDelta delta) throws Exception {
        st.gmvCents += delta.gmvCents();
        st.refundedCents += delta.refundedCents();
        st.orders += delta.orders();
        st.units += delta.units();
        st.pv += delta.pv();
        st.carts += delta.carts();
        for (int i = 0; i < delta.gmvCentsBySegment().length; i++) {
            st.gmvCentsBySegment[i] += delta.gmvCentsBySegment()[i];
        }
        st.shardUv[delta.shard()] = delta.uv();
        st.shardBuyers[delta.shard()] = delta.buyers();
        for (MinuteStats m : delta.minutes()) {
            MinuteStats current = minutes.get(m.minuteStart());
            minutes.put(m.minuteStart(), current == null ? m : current.plus(m));
            changedMinutes.put(m.minuteStart(), Boolean.TRUE);
        }
        for (ChannelStats c : delta.channels()) {
            ChannelTotals totals = channels.get(c.channel());
            if (totals == null) {
                totals = new ChannelTotals();
                totals.uvByShard = new long[settings.audienceShards()];
            }
            totals.pv += c.pv();
            totals.uvByShard[delta.shard()] = c.uv();
            channels.put(c.channel(), totals);
        }
    }

    private boolean evaluateCheckpoints(long watermark, CampaignState st, CampaignDefinition campaign, Context ctx) {
        boolean any = false;
        while (st.checkpointsEvaluated < campaign.pacing().size()
                && campaign.checkpointDueAt(st.checkpointsEvaluated) <= watermark) {
            int k = st.checkpointsEvaluated;
            long gmv = gmvBefore(st, k);
            boolean behind = campaign.isBehind(campaign.gmvTargetCents(), k, gmv);
            st.behindAtCheckpoint[k] = behind;
            st.behindSince = AlertTransitions.update(st.behindSince, behind, campaign.pacing().get(k).at(),
                    AlertType.TARGET_SHORTFALL, campaign.campaignId(), null,
                    () -> PacingDescriptions.describe(campaign, null, campaign.gmvTargetCents(), k, gmv),
                    alert -> ctx.output(ALERTS, alert));
            st.checkpointsEvaluated++;
            any = true;
        }
        return any;
    }

    /** Paid gmv of events with {@code ts < at[k]}: segments 0..k. */
    private static long gmvBefore(CampaignState st, int k) {
        long sum = 0;
        for (int i = 0; i <= k; i++) {
            sum += st.gmvCentsBySegment[i];
        }
        return sum;
    }

    private CampaignStats snapshot(CampaignState st, String campaignId, Context ctx, boolean closed) throws Exception {
        CampaignDefinition campaign = campaigns.get(campaignId);
        List<MinuteStats> minuteList = new ArrayList<>();
        if (closed) {
            for (MinuteStats m : minutes.values()) {
                minuteList.add(m);
            }
        } else {
            for (Long minute : changedMinutes.keys()) {
                minuteList.add(minutes.get(minute));
            }
        }
        changedMinutes.clear();
        minuteList.sort(Comparator.comparingLong(MinuteStats::minuteStart));
        List<ChannelStats> channelList = new ArrayList<>();
        for (Map.Entry<String, ChannelTotals> entry : channels.entries()) {
            channelList.add(new ChannelStats(entry.getKey(), sum(entry.getValue().uvByShard), entry.getValue().pv));
        }
        channelList.sort(Comparator.comparing(ChannelStats::channel));
        PacingStatus[] pacing = new PacingStatus[campaign.pacing().size()];
        for (int k = 0; k < pacing.length; k++) {
            boolean evaluated = k < st.checkpointsEvaluated;
            pacing[k] = new PacingStatus(campaign.pacing().get(k).at(),
                    Money.roundToCents(campaign.planned(campaign.gmvTargetCents(), k)), gmvBefore(st, k), evaluated,
                    evaluated && st.behindAtCheckpoint[k]);
        }
        return new CampaignStats(campaignId, st.gmvCents, st.refundedCents, st.orders, st.units, sum(st.shardBuyers),
                sum(st.shardUv), st.pv, st.carts, ctx.timerService().currentWatermark(),
                minuteList.toArray(new MinuteStats[0]), channelList.toArray(new ChannelStats[0]), pacing, closed);
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum;
    }
}
