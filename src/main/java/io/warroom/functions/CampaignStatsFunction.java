package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.AlertThresholds;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelStats;
import io.warroom.model.ChannelTraffic;
import io.warroom.model.MinuteStats;
import io.warroom.model.PacingStatus;
import io.warroom.serde.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A campaign's totals (keyed by campaign_id), the sum of its shards' deltas: clicks and carts from the traffic
 * shards, orders from the audience shards. uv (campaign and channel) is the estimate of the union of the traffic
 * shards' user sketches; buyers is the sum of the audience shards' latest estimates.
 *
 * <p>Once the watermark reaches each minute boundary {@code E} of the campaign (every shard has flushed the minute
 * before it by then), it evaluates TRAFFIC_DROP for the campaign and each channel; at each pacing checkpoint it
 * compares paid gmv of events before the checkpoint (the sum of whole minutes before it) with the plan and fires or
 * resolves TARGET_SHORTFALL.
 *
 * <p>A bootstrap delta opens every configured campaign, so a campaign without a single sale is still checked.
 * Stats are emitted at most once per campaign stats interval, after each checkpoint, and once more,
 * {@code closed}, when event time passes the end plus the retention period and the campaign's state is released.
 */
public final class CampaignStatsFunction extends CampaignKeyedFunction<String, CampaignDelta, CampaignStats> {
    public static final OutputTag<AlertEvent> ALERTS = new OutputTag<>("campaign-alerts") {};

    private static final long MINUTE = MinuteStats.MINUTE_MILLIS;

    private final MonitorSettings settings;

    private transient ValueState<CampaignState> state;
    private transient MapState<Long, MinuteStats> minutes;
    private transient MapState<Long, Boolean> changedMinutes;
    private transient MapState<String, ChannelTotals> channels;
    private transient ValueState<Union> uv;
    private transient MapState<String, Union> channelUv;
    /** Evaluated pacing checkpoints by {@code at}: the plan they were judged against and the outcome. */
    private transient MapState<Long, PacingStatus> checkpointOutcomes;

    public CampaignStatsFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, CampaignDelta.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        state = rc.getState(new ValueStateDescriptor<>("campaign", CampaignState.class));
        minutes = rc.getMapState(new MapStateDescriptor<>("minutes", Long.class, MinuteStats.class));
        changedMinutes = rc.getMapState(new MapStateDescriptor<>("changed-minutes", Long.class, Boolean.class));
        channels = rc.getMapState(new MapStateDescriptor<>("channels", String.class, ChannelTotals.class));
        uv = rc.getState(new ValueStateDescriptor<>("uv", HllUnionSerializer.INSTANCE));
        channelUv = rc.getMapState(
                new MapStateDescriptor<>("channel-uv", StringSerializer.INSTANCE, HllUnionSerializer.INSTANCE));
        checkpointOutcomes =
                rc.getMapState(new MapStateDescriptor<>("checkpoint-outcomes", Long.class, PacingStatus.class));
    }

    @Override
    protected String campaignOf(CampaignDelta element) {
        return element.campaignId();
    }

    @Override
    protected void process(CampaignDelta delta, ReadOnlyContext ctx, Collector<CampaignStats> out) throws Exception {
        long now = eventTime(ctx);
        CampaignDefinition campaign = timeline(ctx).get(delta.campaignId());
        campaign = timeline(ctx).inForce(campaign.campaignId(), Math.max(campaign.start(), now));
        if (now >= settings.releaseTime(campaign.end())) {
            return; // the campaign's final stats were emitted and its state released
        }
        CampaignState st = state.value();
        if (st == null) {
            st = new CampaignState();
            st.shardBuyers = new long[settings.audienceShards()];
            registerCheckpoints(campaign, ctx);
            long firstBoundary = MinuteStats.minuteOf(campaign.start()) + MINUTE;
            if (firstBoundary <= campaign.end()) {
                ctx.timerService().registerEventTimeTimer(firstBoundary - 1);
            }
            ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        }
        if (delta.shard() != CampaignDelta.BOOTSTRAP_SHARD) {
            add(st, delta);
        }
        st.markChanged(ctx.timerService(), settings.campaignStatsIntervalMillis());
        state.update(st);
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<CampaignStats> out) throws Exception {
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
        // Checkpoints and minute boundaries use the campaign as defined at their own instant.
        CampaignDefinition campaign = timeline(ctx).inForce(campaignId, timestamp + 1);
        boolean evaluated = evaluateCheckpoints(timestamp, st, campaign, ctx);
        long boundary = timestamp + 1;
        if (boundary % MINUTE == 0 && boundary <= campaign.end()) {
            evaluateTraffic(boundary, st, campaign, ctx);
            registerCheckpoints(campaign, ctx);
            if (boundary + MINUTE <= campaign.end()) {
                ctx.timerService().registerEventTimeTimer(boundary + MINUTE - 1);
            }
        }
        if (timestamp >= settings.releaseTime(campaign.end())) {
            out.collect(snapshot(st, campaignId, ctx, true));
            st.cancel(ctx.timerService());
            state.clear();
            minutes.clear();
            changedMinutes.clear();
            channels.clear();
            uv.clear();
            channelUv.clear();
            checkpointOutcomes.clear();
            return;
        }
        if (evaluated) {
            st.takeChangesNow();
            out.collect(snapshot(st, campaignId, ctx, false));
        }
        state.update(st);
    }

    /** Timers for the checkpoints still ahead (the timer service ignores repeats). */
    private void registerCheckpoints(CampaignDefinition campaign, ReadOnlyContext ctx) {
        long watermark = eventTime(ctx);
        for (int k = 0; k < campaign.pacing().size(); k++) {
            if (campaign.checkpointDueAt(k) > watermark) {
                ctx.timerService().registerEventTimeTimer(campaign.checkpointDueAt(k));
            }
        }
    }

    private void add(CampaignState st, CampaignDelta delta) throws Exception {
        st.gmvCents += delta.gmvCents();
        st.refundedCents += delta.refundedCents();
        st.orders += delta.orders();
        st.units += delta.units();
        st.pv += delta.pv();
        st.carts += delta.carts();
        st.lateDropped += delta.lateDropped();
        if (delta.shard() >= 0) {
            st.shardBuyers[delta.shard()] = delta.buyers();
        }
        if (delta.uvSketch() != null) {
            uv.update(union(uv.value(), delta.uvSketch()));
        }
        for (MinuteStats m : delta.minutes()) {
            MinuteStats current = minutes.get(m.minuteStart());
            minutes.put(m.minuteStart(), current == null ? m : current.plus(m));
            changedMinutes.put(m.minuteStart(), Boolean.TRUE);
        }
        for (ChannelTraffic c : delta.channels()) {
            ChannelTotals totals = channels.get(c.channel());
            if (totals == null) {
                totals = ChannelTotals.create();
            }
            totals.pv += c.pv();
            channels.put(c.channel(), totals);
            channelUv.put(c.channel(), union(channelUv.get(c.channel()), c.uvSketch()));
        }
        for (ChannelMinute m : delta.channelMinutes()) {
            ChannelTotals totals = channels.get(m.channel());
            totals.addMinutePv(m.minuteStart(), m.pv());
            channels.put(m.channel(), totals);
        }
    }

    /** Adds a shard's sketch of users to a union: a user seen by several shards is counted once. */
    private Union union(Union union, byte[] sketch) {
        Union target = union != null ? union : new Union(settings.campaignSketchLgK());
        target.update(HllSketch.heapify(sketch));
        return target;
    }

    private boolean evaluateCheckpoints(
            long watermark, CampaignState st, CampaignDefinition campaign, ReadOnlyContext ctx)
            throws Exception {
        boolean any = false;
        for (int k = 0; k < campaign.pacing().size(); k++) {
            long at = campaign.pacing().get(k).at();
            if (at <= st.lastCheckpointAt || campaign.checkpointDueAt(k) > watermark) {
                continue;
            }
            int checkpoint = k;
            long gmv = gmvBefore(st, at);
            boolean behind = campaign.isBehind(campaign.gmvTargetCents(), k, gmv);
            checkpointOutcomes.put(at, new PacingStatus(at,
                    Money.roundToCents(campaign.planned(campaign.gmvTargetCents(), k)), gmv, true, behind));
            st.behindSince = AlertTransitions.update(st.behindSince, behind, at, AlertType.TARGET_SHORTFALL,
                    campaign.campaignId(), null,
                    () -> PacingDescriptions.describe(campaign, null, campaign.gmvTargetCents(), checkpoint, gmv),
                    alert -> ctx.output(ALERTS, alert));
            st.lastCheckpointAt = at;
            any = true;
        }
        return any;
    }

    /**
     * TRAFFIC_DROP at minute boundary {@code boundary}, for the campaign against its expected curve and for each
     * channel against its share of the campaign, once the minute and its whole baseline lie inside the campaign.
     * While an alert is active it is judged against the baseline it fired against: a lasting outage would otherwise
     * slide into the baseline and resolve itself.
     */
    private void evaluateTraffic(long boundary, CampaignState st, CampaignDefinition campaign, ReadOnlyContext ctx)
            throws Exception {
        AlertThresholds thresholds = campaign.alerts();
        long minute = boundary - MINUTE;
        long baselineFrom = minute - thresholds.trafficBaselineMinutes() * MINUTE;
        if (baselineFrom < campaign.start()) {
            return;
        }
        long pv = minutePv(minute);
        BigDecimal expected = campaign.expectedPv(minute);
        long baselinePv = 0;
        BigDecimal baselineExpected = BigDecimal.ZERO;
        for (long m = baselineFrom; m < minute; m += MINUTE) {
            baselinePv += minutePv(m);
            baselineExpected = baselineExpected.add(campaign.expectedPv(m));
        }
        // A baseline frozen by an older version (without the expected side) cannot judge: take the current one.
        boolean campaignActive = st.trafficDropSince != ItemState.INACTIVE && st.trafficBaselineExpected != null;
        long judgedPv = campaignActive ? st.trafficBaselinePv : baselinePv;
        BigDecimal judgedExpected = campaignActive ? st.trafficBaselineExpected : baselineExpected;
        st.trafficDropSince = AlertTransitions.update(st.trafficDropSince,
                EarlyWarnings.trafficBelowExpected(thresholds, pv, expected, judgedPv, judgedExpected), boundary,
                AlertType.TRAFFIC_DROP, campaign.campaignId(), null,
                () -> EarlyWarnings.describeTraffic(thresholds, campaign.campaignId(), pv, expected, judgedPv,
                        judgedExpected),
                alert -> ctx.output(ALERTS, alert));
        if (!campaignActive) {
            st.trafficBaselinePv = judgedPv;
            st.trafficBaselineExpected = judgedExpected;
        }
        if (pv == 0) {
            return; // no share of nothing: the campaign's own alert speaks, and the channels' stay as they are
        }
        for (Map.Entry<String, ChannelTotals> entry : channels.entries()) {
            String channel = entry.getKey();
            ChannelTotals totals = entry.getValue();
            long channelPv = totals.minutePv(minute);
            boolean active = totals.trafficDropSince != ItemState.INACTIVE && totals.trafficBaselineCampaignPv > 0;
            long channelBaseline = 0;
            for (long m = baselineFrom; m < minute && !active; m += MINUTE) {
                channelBaseline += totals.minutePv(m);
            }
            long channelBaselinePv = active ? totals.trafficBaselinePv : channelBaseline;
            long campaignBaselinePv = active ? totals.trafficBaselineCampaignPv : baselinePv;
            long channelSince = AlertTransitions.update(totals.trafficDropSince,
                    EarlyWarnings.channelShareDropped(thresholds, channelPv, pv, channelBaselinePv, campaignBaselinePv),
                    boundary, AlertType.TRAFFIC_DROP, campaign.campaignId(), null, channel,
                    () -> EarlyWarnings.describeChannelShare(thresholds,
                            campaign.campaignId() + " channel " + channel, channelPv, pv, channelBaselinePv,
                            campaignBaselinePv),
                    alert -> ctx.output(ALERTS, alert));
            if (channelSince != totals.trafficDropSince) {
                totals.trafficDropSince = channelSince;
                totals.trafficBaselinePv = channelBaselinePv;
                totals.trafficBaselineCampaignPv = campaignBaselinePv;
                channels.put(channel, totals);
            }
        }
    }

    private long minutePv(long minuteStart) throws Exception {
        MinuteStats m = minutes.get(minuteStart);
        return m == null ? 0 : m.pv();
    }

    /** Paid gmv of events with {@code ts < at}: everything but the minutes from {@code at} on. */
    private long gmvBefore(CampaignState st, long at) throws Exception {
        long sum = st.gmvCents;
        for (MinuteStats m : minutes.values()) {
            if (m.minuteStart() >= at) {
                sum -= m.gmvCents();
            }
        }
        return sum;
    }

    private CampaignStats snapshot(CampaignState st, String campaignId, ReadOnlyContext ctx, boolean closed)
            throws Exception {
        long now = eventTime(ctx);
        CampaignDefinition campaign = timeline(ctx).inForce(campaignId, now);
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
            ChannelTotals totals = entry.getValue();
            long published = Sketches.published(totals.publishedUv,
                    Sketches.estimate(channelUv.get(entry.getKey())), closed);
            if (published != totals.publishedUv) {
                totals.publishedUv = published;
                entry.setValue(totals);
            }
            channelList.add(new ChannelStats(entry.getKey(), totals.publishedUv, totals.pv));
        }
        channelList.sort(Comparator.comparing(ChannelStats::channel));
        PacingStatus[] pacing = new PacingStatus[campaign.pacing().size()];
        for (int k = 0; k < pacing.length; k++) {
            long at = campaign.pacing().get(k).at();
            PacingStatus evaluated = checkpointOutcomes.get(at);
            long planned = evaluated != null ? evaluated.plannedCents()
                    : Money.roundToCents(campaign.planned(campaign.gmvTargetCents(), k));
            pacing[k] = new PacingStatus(at, planned, gmvBefore(st, at), evaluated != null,
                    evaluated != null && evaluated.behind());
        }
        st.publishedBuyers = Sketches.published(st.publishedBuyers, sum(st.shardBuyers), closed);
        st.publishedUv = Sketches.published(st.publishedUv, Sketches.estimate(uv.value()), closed);
        return new CampaignStats(campaignId, st.gmvCents, st.refundedCents, st.orders, st.units, st.publishedBuyers,
                st.publishedUv, st.pv, st.carts, st.lateDropped, settings.publishedWatermark(now, campaign.start(), campaign.end()),
                campaign.gmvTargetCents(), campaign.plannedCentsAt(now), minuteList.toArray(new MinuteStats[0]),
                channelList.toArray(new ChannelStats[0]), pacing, closed);
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum;
    }
}
