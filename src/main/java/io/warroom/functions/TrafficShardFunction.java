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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One traffic shard (keyed by a hash of event_id, see {@link TrafficShards}): it routes clicks and carts to the
 * campaigns whose windows hold their event time, drops those too late for a campaign's dedup horizon, deduplicates the
 * rest exactly by event_id per campaign, and pre-aggregates the first copies, so the per-item and per-campaign totals
 * downstream receive a handful of increments instead of one record per click. A hit item costs it no more than any
 * other.
 *
 * <ul>
 *   <li>Per campaign, it sends one {@link CampaignDelta} on {@link #CAMPAIGN} at most once per flush interval
 *       (processing time): pv, carts, late drops, pv per minute and per channel, and sketches of the users of the
 *       clicks, which the campaign unions into uv.
 *   <li>Per item, it sends one {@link ItemSignal} of kind TRAFFIC at most once per stats interval (item stats go
 *       out no more often): pv, carts, pv per minute and the hashed users of the clicks, for the item's uv sketch.
 * </ul>
 *
 * Both are also flushed when the watermark reaches the end of each event-time minute it holds counts of (or a
 * campaign's end within it), so evaluations downstream at that boundary see every earlier event. When event time
 * passes a campaign's end plus the retention period it flushes and releases that campaign's state; events of the
 * campaign after that are counted and dropped.
 *
 * <p>Keyed state holds only what must outlive a flush: the ids within the horizon ({@link SeenIds}) and the channels
 * a shard labels on its own. The increments live in the task's memory ({@link PendingTraffic}), one set per campaign
 * for all the task's shards, and go into operator state at a checkpoint.
 *
 * <p><b>Too late.</b> A click or cart is dropped as too late for a campaign, and counted in its {@code late_dropped},
 * when it is more than the out-of-orderness bound plus the campaign's {@code dedup_horizon} behind the highest
 * {@code ts} read before it from its input ({@link TrafficSignal#behindMillis}), or more than the horizon behind
 * this operator's event time, past which its id may have been forgotten. In order, the second never catches what the
 * first let through; it guards a restore, where inputs start their count afresh.
 */
public final class TrafficShardFunction extends CampaignKeyedFunction<Integer, TrafficSignal, ItemSignal> {
    public static final OutputTag<CampaignDelta> CAMPAIGN = new OutputTag<>("traffic-deltas") {};

    private final MonitorSettings settings;

    private transient SeenIds seenIds;
    /** Per campaign, the channels this shard counts under their own label (the others go to "other"). */
    private transient MapState<String, List<String>> channelsByCampaign;
    private transient ListState<PendingTraffic> pendingAtCheckpoint;

    /** This task's uncounted increments, per campaign. */
    private transient Map<String, PendingTraffic> pending;
    /** Increments a restore brought back; sent on with the first element or timer. */
    private transient List<PendingTraffic> restored;
    /** Per shard key: its channels per campaign, as in {@link #channelsByCampaign}, read once. */
    private transient Map<Integer, Map<String, Set<String>>> channelCache;
    /** Per shard key: the latest time it has a timer to forget ids at, so repeats skip the timer service. */
    private transient Map<Integer, Long> forgetTimers;

    private transient Counter closedCampaignDrops;
    private transient Counter[] outsideCampaigns;
    private transient Counter[] lateDropped;

    public TrafficShardFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, TrafficSignal.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        seenIds = new SeenIds(getRuntimeContext(), settings.stateBackend().iteratesMapsInKeyOrder());
        channelsByCampaign = getRuntimeContext().getMapState(new MapStateDescriptor<>("traffic-channels",
                StringSerializer.INSTANCE, new ListSerializer<>(StringSerializer.INSTANCE)));
        pending = new HashMap<>();
        channelCache = new HashMap<>();
        forgetTimers = new HashMap<>();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        closedCampaignDrops = metrics.counter("eventsAfterCampaignClosed");
        MetricGroup warroom = metrics.addGroup("warroom");
        outsideCampaigns = StreamCounters.perStream(warroom, "events_outside_campaigns");
        lateDropped = StreamCounters.perStream(warroom, "events_late_dropped");
    }

    @Override
    protected void initializeOperatorState(FunctionInitializationContext context) throws Exception {
        pendingAtCheckpoint = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("traffic-pending", PendingTraffic.Serializer.INSTANCE));
        restored = new ArrayList<>();
        for (PendingTraffic increments : pendingAtCheckpoint.get()) {
            restored.add(increments);
        }
    }

    @Override
    protected void snapshotOperatorState(FunctionSnapshotContext context) throws Exception {
        List<PendingTraffic> unsent = new ArrayList<>(restored);
        for (PendingTraffic increments : pending.values()) {
            if (!increments.isEmpty()) {
                unsent.add(increments);
            }
        }
        pendingAtCheckpoint.update(unsent);
    }

    /** None: a shard is chosen by event id and finds the campaigns of each event itself. */
    @Override
    protected String campaignOf(TrafficSignal element) {
        return null;
    }

    @Override
    protected void process(TrafficSignal signal, ReadOnlyContext ctx, Collector<ItemSignal> out) throws Exception {
        sendRestored(ctx, out);
        List<CampaignDefinition> matching = timeline(ctx).containing(signal.ts());
        StreamKind stream = signal.cart() ? StreamKind.CART : StreamKind.CLICK;
        if (matching.isEmpty()) {
            outsideCampaigns[stream.ordinal()].inc();
            return;
        }
        for (CampaignDefinition campaign : matching) {
            count(signal, stream, campaign, ctx);
        }
    }

    private void count(TrafficSignal signal, StreamKind stream, CampaignDefinition campaign, ReadOnlyContext ctx)
            throws Exception {
        long now = eventTime(ctx);
        long releaseTime = settings.releaseTime(campaign.end());
        if (now >= releaseTime) {
            closedCampaignDrops.inc();
            return;
        }
        Set<String> channels = channels(campaign, ctx);
        PendingTraffic st = pending.computeIfAbsent(campaign.campaignId(), PendingTraffic::new);
        long horizon = campaign.dedupHorizonMillis();
        boolean tooLate = signal.behindMillis() > settings.outOfOrdernessMillis() + horizon
                || signal.ts() + horizon < now;
        if (tooLate) {
            lateDropped[stream.ordinal()].inc();
            st.pending.lateDropped++;
        } else {
            // Nothing counts for a released campaign, so its ids go with it at the latest.
            long forgetAt = Math.min(SeenIds.forgetAt(signal.ts(), horizon), releaseTime);
            if (!seenIds.add(campaign.campaignId(), signal.cart(), signal.eventId(), forgetAt)) {
                return; // a copy of an event already counted
            }
            Integer shardKey = ctx.getCurrentKey();
            Long forgetTimer = forgetTimers.get(shardKey);
            if (forgetTimer == null || forgetTimer != forgetAt) {
                ctx.timerService().registerEventTimeTimer(forgetAt);
                forgetTimers.put(shardKey, forgetAt);
            }
        }
        long minute = MinuteStats.minuteOf(signal.ts());
        long flushAt = Math.min(minute + MinuteStats.MINUTE_MILLIS, campaign.end()) - 1;
        if (st.scheduledFlush != flushAt) {
            ctx.timerService().registerEventTimeTimer(flushAt);
            st.scheduledFlush = flushAt;
        }
        st.markChanged(ctx.timerService(), settings.flushIntervalMillis());
        if (!tooLate) {
            add(signal, minute, st, signal.cart() ? null : channelFor(channels, campaign, signal.channel()), ctx);
        }
    }

    private void add(TrafficSignal signal, long minute, PendingTraffic st, String channel, ReadOnlyContext ctx) {
        PendingTraffic.Pending increments = st.pending;
        if (st.pendingItems.isEmpty()) {
            st.itemsDueAt = ctx.timerService().currentProcessingTime() + settings.statsIntervalMillis();
        }
        PendingTraffic.ItemIncrement item = st.pendingItems.get(signal.itemId());
        if (item == null) {
            item = new PendingTraffic.ItemIncrement();
            st.pendingItems.put(signal.itemId(), item);
        }
        item.lastTs = Math.max(item.lastTs, signal.ts());
        if (signal.cart()) {
            increments.carts++;
            item.carts++;
            return;
        }
        long user = Sketches.hash64(signal.userId());
        increments.pv++;
        increments.minutePv.add(minute, 1);
        increments.users = addUser(increments.users, user);
        PendingTraffic.ChannelIncrement channelIncrement = increments.channels.get(channel);
        if (channelIncrement == null) {
            channelIncrement = new PendingTraffic.ChannelIncrement();
            increments.channels.put(channel, channelIncrement);
        }
        channelIncrement.pv++;
        channelIncrement.minutePv.add(minute, 1);
        channelIncrement.users = addUser(channelIncrement.users, user);
        item.pv++;
        item.minutePv.add(minute, 1);
        item.addUser(user);
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<ItemSignal> out) throws Exception {
        sendRestored(ctx, out);
        boolean processingTime = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        // Ids are forgotten at whole minutes and at releases (SeenIds.forgetAt, capped by the release), not at the
        // minute-end flushes: on the heap forgetting scans the live ids.
        if (!processingTime) {
            boolean released = releaseChannels(timestamp, ctx);
            if (released || timestamp % MinuteStats.MINUTE_MILLIS == 0) {
                seenIds.forgetUpTo(eventTime(ctx));
            }
        }
        Iterator<PendingTraffic> campaigns = pending.values().iterator();
        while (campaigns.hasNext()) {
            PendingTraffic st = campaigns.next();
            if (processingTime && st.flushTimer != timestamp) {
                continue; // another campaign's flush
            }
            // Both clocks flush: processing time for freshness, event time at minute ends and at the end. A
            // campaign's timer may flush the others early, which only makes them fresher.
            boolean changed = processingTime ? st.takeChanges() : st.takeChangesNow();
            if (changed && !st.pending.isEmpty()) {
                flushCampaign(st, ctx);
            }
            if (!st.pendingItems.isEmpty()) {
                // Item stats go out once per stats interval anyway: items wait that long, so a busy item sends
                // one increment per interval rather than one per flush.
                if (!processingTime || timestamp >= st.itemsDueAt) {
                    flushItems(st, out);
                } else {
                    st.markChanged(ctx.timerService(), settings.flushIntervalMillis());
                }
            }
            if (!processingTime && timestamp >= releaseTime(st.campaignId, ctx)) {
                campaigns.remove(); // its processing-time flush, if any, finds nothing
            }
        }
    }

    /** Sends on the increments a restore brought back, once. */
    private void sendRestored(ReadOnlyContext ctx, Collector<ItemSignal> out) {
        if (restored.isEmpty()) {
            return;
        }
        for (PendingTraffic increments : restored) {
            if (!increments.pending.isEmpty()) {
                flushCampaign(increments, ctx);
            }
            flushItems(increments, out);
        }
        restored.clear();
    }

    /**
     * The channels this shard labels for the campaign; the first event of a campaign in a shard also schedules the
     * shard's release of it.
     */
    private Set<String> channels(CampaignDefinition campaign, ReadOnlyContext ctx) throws Exception {
        Map<String, Set<String>> byCampaign = channelCache.computeIfAbsent(ctx.getCurrentKey(), k -> new HashMap<>());
        Set<String> channels = byCampaign.get(campaign.campaignId());
        if (channels != null) {
            return channels;
        }
        List<String> stored = channelsByCampaign.get(campaign.campaignId());
        if (stored == null) {
            stored = List.of();
            channelsByCampaign.put(campaign.campaignId(), stored);
            ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
        }
        channels = new HashSet<>(stored);
        byCampaign.put(campaign.campaignId(), channels);
        return channels;
    }

    private String channelFor(Set<String> channels, CampaignDefinition campaign, String sent) throws Exception {
        String channel = campaign.channelLabel(sent);
        if (channels.contains(channel)) {
            return channel;
        }
        if (channels.size() >= settings.maxChannels()) {
            return CampaignDefinition.OTHER_CHANNEL;
        }
        channels.add(channel);
        // The only write of this state, once per new channel: the events between read the cache.
        channelsByCampaign.put(campaign.campaignId(), List.copyOf(channels));
        return channel;
    }

    /** Releases this shard's channels of every campaign whose release time has come; true if there was one. */
    private boolean releaseChannels(long timestamp, OnTimerContext ctx) throws Exception {
        Map<String, Set<String>> cached = channelCache.get(ctx.getCurrentKey());
        List<String> due = new ArrayList<>();
        for (String campaignId : channelsByCampaign.keys()) {
            if (timestamp >= releaseTime(campaignId, ctx)) {
                due.add(campaignId);
            }
        }
        // Removed by key, not through the iterator: the heap backend drops a key's map once it is empty only then.
        for (String campaignId : due) {
            channelsByCampaign.remove(campaignId);
            if (cached != null) {
                cached.remove(campaignId);
            }
        }
        return !due.isEmpty();
    }

    private long releaseTime(String campaignId, ReadOnlyContext ctx) throws Exception {
        return settings.releaseTime(timeline(ctx).get(campaignId).end());
    }

    private HllSketch addUser(HllSketch users, long userHash) {
        HllSketch sketch = users != null ? users : Sketches.newSketch(settings.campaignSketchLgK());
        sketch.update(userHash);
        return sketch;
    }

    private static void flushItems(PendingTraffic st, Collector<ItemSignal> out) {
        for (Map.Entry<String, PendingTraffic.ItemIncrement> entry : st.pendingItems.entrySet()) {
            PendingTraffic.ItemIncrement item = entry.getValue();
            out.collect(ItemSignal.traffic(st.campaignId, entry.getKey(), item.lastTs, new ItemTraffic(item.pv,
                    item.carts, item.minutePv.minutes(), item.minutePv.counts(),
                    Arrays.copyOf(item.users, item.userCount))));
        }
        st.pendingItems.clear();
        st.itemsDueAt = 0;
    }

    private static void flushCampaign(PendingTraffic st, ReadOnlyContext ctx) {
        PendingTraffic.Pending increments = st.pending;
        MinuteStats[] minutes = new MinuteStats[increments.minutePv.size()];
        for (int i = 0; i < minutes.length; i++) {
            minutes[i] = new MinuteStats(increments.minutePv.minuteAt(i), 0, 0, increments.minutePv.countAt(i));
        }
        List<ChannelTraffic> channels = new ArrayList<>();
        List<ChannelMinute> channelMinutes = new ArrayList<>();
        for (Map.Entry<String, PendingTraffic.ChannelIncrement> entry : increments.channels.entrySet()) {
            PendingTraffic.ChannelIncrement channel = entry.getValue();
            channels.add(new ChannelTraffic(entry.getKey(), channel.pv, channel.users.toCompactByteArray()));
            for (int i = 0; i < channel.minutePv.size(); i++) {
                channelMinutes.add(new ChannelMinute(entry.getKey(), channel.minutePv.minuteAt(i),
                        channel.minutePv.countAt(i)));
            }
        }
        ctx.output(CAMPAIGN, CampaignDelta.traffic(st.campaignId, increments.pv, increments.carts,
                increments.lateDropped, increments.users == null ? null : increments.users.toCompactByteArray(),
                minutes, channels.toArray(new ChannelTraffic[0]), channelMinutes.toArray(new ChannelMinute[0])));
        st.pending = new PendingTraffic.Pending();
        st.scheduledFlush = PendingTraffic.NO_FLUSH;
    }
}
