package io.warroom.pipeline;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.MonitorSettings;
import io.warroom.config.StateBackendChoice;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.DeadLetterPolicy;
import io.warroom.config.ItemCatalog;
import io.warroom.functions.AlertIncidentFunction;
import io.warroom.functions.AudienceShardFunction;
import io.warroom.functions.CampaignOpenings;
import io.warroom.functions.CampaignStatsFunction;
import io.warroom.functions.CampaignUpdateAssembler;
import io.warroom.functions.ConversionJudgeFunction;
import io.warroom.functions.DeadLetterRedaction;
import io.warroom.functions.InputRouter;
import io.warroom.functions.EventTimeReach;
import io.warroom.functions.InputSplitter;
import io.warroom.functions.ItemStatsFunction;
import io.warroom.functions.LiveCampaigns;
import io.warroom.functions.OrderEffectRouter;
import io.warroom.functions.OrderLifecycleFunction;
import io.warroom.functions.TrafficShardFunction;
import io.warroom.metrics.BusinessMetricsSink;
import io.warroom.model.AlertEvent;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignStats;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ConversionWindow;
import io.warroom.model.InputRecord;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemStats;
import io.warroom.model.OrderEffect;
import io.warroom.model.OrderEvent;
import io.warroom.model.RejectedRecord;
import io.warroom.model.TrafficSignal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Builds the monitor from "streams in, outputs out". The live job, replay and the tests all go through
 * {@link #build}, so a replay of the same events gives the same results as live.
 *
 * <pre>
 * each source ─ InputSplitter (chained) ─┬─ rejected ─ DeadLetterRedaction ─────────────────────────► rejected
 *                                        ├─ clicks, carts ─ keyBy event shard ─ TrafficShard ─┬─ item traffic
 *                                        │                                                    └─ campaign traffic
 *                                        └─ orders, inventory ─ InputRouter ─┬─ inventory ─► item signals
 *          orders ─ keyBy order ─ OrderLifecycle ─ OrderEffectRouter ─┬─ item effects ─► item signals
 *                                                                     └─ paid, refunded, by user
 *                                        keyBy (campaign, user shard) ─ AudienceShard ─► campaign orders
 *            item signals ─ keyBy (campaign, item) ─ ItemStats ─► item stats, alerts
 *                                                           └─ conversion counts ─ keyBy campaign ─ ConversionJudge ─► alerts
 *   campaign traffic and orders ─ keyBy campaign ─ CampaignStats ─► campaign stats, alerts
 *                                  alerts ─ keyBy subject ─ AlertIncidents ─► alerts with their incidents
 * </pre>
 *
 * Campaign updates from the control input are broadcast to every one of these operators, which keep them in
 * broadcast state on top of the campaigns the pipeline was built with ({@link CampaignTimeline}). Dead letters of the
 * input pass {@link DeadLetterRedaction} before they reach any sink.
 */
public final class MonitorPipeline {
    private final CampaignTimeline campaigns;
    private final MonitorSettings settings;
    private final DeadLetterPolicy deadLetters;

    public MonitorPipeline(CampaignCatalog campaigns, MonitorSettings settings) {
        this(CampaignTimeline.of(campaigns), settings);
    }

    /**
     * A pipeline over campaign files plus updates known in advance (a replay's update file). Its dead letters have
     * their user ids hashed under a random key; {@link #deadLetters} says otherwise.
     */
    public MonitorPipeline(CampaignTimeline campaigns, MonitorSettings settings) {
        this(campaigns, settings, DeadLetterPolicy.randomKey());
    }

    private MonitorPipeline(CampaignTimeline campaigns, MonitorSettings settings, DeadLetterPolicy deadLetters) {
        this.campaigns = campaigns;
        this.settings = settings;
        this.deadLetters = deadLetters;
    }

    /** The same pipeline, with dead-letter payloads kept as {@code policy} says. */
    public MonitorPipeline deadLetters(DeadLetterPolicy policy) {
        return new MonitorPipeline(campaigns, settings, policy);
    }

    /** Builds the pipeline and hands its outputs to the sinks. */
    public void assemble(StreamExecutionEnvironment env, MonitorSources sources, MonitorSinks sinks) {
        sinks.attach(build(env, sources));
    }

    public MonitorStreams build(StreamExecutionEnvironment env, MonitorSources sources) {
        // Every type on the way has a Flink serializer (records as POJOs, sketches with their own); a type falling
        // back to Kryo would be slow and fragile across versions, so it fails the build of the job instead.
        Configuration jobOptions = new Configuration();
        jobOptions.set(PipelineOptions.GENERIC_TYPES, false);
        // Every record on the way is an immutable Java record and no function keeps or changes one it emitted, so
        // chained operators may hand records over without a defensive copy.
        jobOptions.set(PipelineOptions.OBJECT_REUSE, true);
        // The job chooses its state backend itself (the heap by default, the fastest while state fits) whatever the
        // cluster's default; RocksDB, for state larger than memory, checkpoints incrementally.
        jobOptions.set(StateBackendOptions.STATE_BACKEND, settings.stateBackend().flinkName());
        jobOptions.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
                settings.stateBackend() != StateBackendChoice.HASHMAP);
        // Operators keep the event time they acted on across restores (EventTimeFloor), which is sound only if every
        // subtask of an operator has the same watermark when it takes a checkpoint: aligned checkpoints promise that,
        // unaligned ones do not, whatever a cluster's configuration says.
        jobOptions.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        // The heap keeps some state objects changed in place (the traffic shards' seen ids); a changelog would log
        // only what goes through update(), and lose the rest on recovery, whatever a cluster's configuration says.
        jobOptions.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, false);
        env.configure(jobOptions);
        if (env instanceof LocalStreamEnvironment) {
            // The job runs in this JVM: its operators may carry the catalogs by reference (ItemCatalog).
            ItemCatalog.writeByReference();
        }
        EventTimeReach reach = sources.bounded()
                ? EventTimeReach.replay(settings.releaseTime(campaigns.latestEnd()))
                : EventTimeReach.live(settings.wallClockWatermark());
        WatermarkStrategy<InputRecord> watermarks =
                sources.bounded() ? Watermarks.replay(settings, reach) : Watermarks.live(settings, reach);
        DataStream<TrafficSignal> traffic = null;
        DataStream<InputRecord> ordersAndInventory = null;
        DataStream<RejectedRecord> rejectedInput = null;
        int sourceIndex = 0;
        for (DataStream<InputRecord> source : sources.create(env, watermarks)) {
            // Chained to its source (same parallelism, forward): records are split before any network hop.
            SingleOutputStreamOperator<TrafficSignal> split = source
                    .process(new InputSplitter(settings.trafficShards(), reach))
                    .setParallelism(source.getParallelism())
                    .name("Split input")
                    .uid(sourceIndex == 0 ? "split-input" : "split-input-" + sourceIndex);
            sourceIndex++;
            traffic = traffic == null ? split : traffic.union(split);
            DataStream<InputRecord> routed = split.getSideOutput(InputSplitter.ROUTED);
            ordersAndInventory = ordersAndInventory == null ? routed : ordersAndInventory.union(routed);
            DataStream<RejectedRecord> rejected = split.getSideOutput(InputSplitter.REJECTED);
            rejectedInput = rejectedInput == null ? rejected : rejectedInput.union(rejected);
        }
        if (!sources.bounded() && settings.wallClockWatermark()) {
            ordersAndInventory = ordersAndInventory.union(
                    WallClock.ticks(env, Duration.ofMillis(settings.outOfOrdernessMillis())));
        }

        BroadcastStream<CampaignUpdate> updates = campaignUpdates(env, sources).broadcast(LiveCampaigns.UPDATES);

        SingleOutputStreamOperator<ItemSignal> routed = ordersAndInventory.connect(updates)
                .process(new InputRouter(campaigns))
                .name("Route input")
                .uid("route-input");

        DataStream<OrderEvent> orders = routed.getSideOutput(InputRouter.ORDERS);
        SingleOutputStreamOperator<OrderEffect> effects = orders.keyBy(OrderEvent::orderId)
                .connect(updates)
                .process(new OrderLifecycleFunction(campaigns, settings))
                .name("Order lifecycle")
                .uid("order-lifecycle");
        SingleOutputStreamOperator<ItemSignal> orderSignals = effects.connect(updates)
                .process(new OrderEffectRouter(campaigns, settings))
                .name("Route order effects")
                .uid("route-order-effects");

        SingleOutputStreamOperator<ItemSignal> trafficSignals = traffic
                .keyBy(TrafficSignal::shardKey)
                .connect(updates)
                .process(new TrafficShardFunction(campaigns, settings))
                .name("Traffic shards")
                .uid("traffic-shards");

        DataStream<ItemSignal> itemSignals = routed.union(orderSignals, trafficSignals);
        CampaignTimeline timeline = campaigns; // the openings' recipe carries the campaigns, not this assembler
        if (CampaignOpenings.listsItems(timeline)) {
            itemSignals = itemSignals.union(
                    fixedInput(env, () -> CampaignOpenings.of(timeline).items(), TypeInformation.of(ItemSignal.class),
                            "Campaign items", "campaign-items", !sources.bounded()));
        }
        SingleOutputStreamOperator<ItemStats> itemStats = itemSignals
                .keyBy(ItemSignal::key)
                .connect(updates)
                .process(new ItemStatsFunction(campaigns, settings))
                .name("Item stats")
                .uid("item-stats");

        DataStream<AudienceSignal> audience = orderSignals.getSideOutput(OrderEffectRouter.AUDIENCE);
        SingleOutputStreamOperator<CampaignDelta> deltas = audience.keyBy(AudienceSignal::key)
                .connect(updates)
                .process(new AudienceShardFunction(campaigns, settings))
                .name("Audience shards")
                .uid("audience-shards");

        DataStream<CampaignDelta> opened = fixedInput(env, () -> CampaignOpenings.of(timeline).campaigns(),
                TypeInformation.of(CampaignDelta.class), "Campaigns", "campaigns", !sources.bounded())
                .union(routed.getSideOutput(InputRouter.OPENED));
        SingleOutputStreamOperator<CampaignStats> campaignStats = deltas
                .union(opened, trafficSignals.getSideOutput(TrafficShardFunction.CAMPAIGN))
                .keyBy(CampaignDelta::campaignId)
                .connect(updates)
                .process(new CampaignStatsFunction(campaigns, settings))
                .name("Campaign stats")
                .uid("campaign-stats");

        SingleOutputStreamOperator<AlertEvent> conversionAlerts = itemStats
                .getSideOutput(ItemStatsFunction.CONVERSION)
                .keyBy(ConversionWindow::campaignId)
                .connect(updates)
                .process(new ConversionJudgeFunction(campaigns, settings))
                .name("Conversion judge")
                .uid("conversion-judge");
        DataStream<AlertEvent> alerts = itemStats.getSideOutput(ItemStatsFunction.ALERTS)
                .union(campaignStats.getSideOutput(CampaignStatsFunction.ALERTS), conversionAlerts)
                .keyBy(AlertEvent::subjectKey)
                .process(new AlertIncidentFunction(campaigns, settings))
                .name("Alert incidents")
                .uid("alert-incidents");
        // Before any sink, so that every output of dead letters, Kafka or file, gets the same redacted records. Only
        // input records carry user ids; a refused campaign update is ops' own campaign file, kept as published.
        DataStream<RejectedRecord> rejected = rejectedInput
                .map(new DeadLetterRedaction(deadLetters))
                .name("Redact dead letters")
                .uid("redact-dead-letters")
                .union(routed.getSideOutput(InputRouter.REJECTED));
        MonitorStreams streams = new MonitorStreams(itemStats, campaignStats, alerts, rejected);
        streams.merged(false)
                .sinkTo(new BusinessMetricsSink(campaigns, settings.topItems(), settings.maxItemSeries()))
                .setParallelism(1)
                .name("Business metrics")
                .uid("business-metrics");
        return streams;
    }

    /** The control input, or a stream without updates that never holds back event time. */
    private static DataStream<CampaignUpdate> campaignUpdates(StreamExecutionEnvironment env, MonitorSources sources) {
        DataStream<CampaignUpdate> updates = sources.campaignUpdates(env);
        if (updates != null) {
            // One task sees every piece of a split update (campaign push splits catalogs too large for a record).
            return updates.process(new CampaignUpdateAssembler())
                    .setParallelism(1)
                    .name("Assemble campaign updates")
                    .uid("assemble-campaign-updates");
        }
        return fixedInput(env, List::of, TypeInformation.of(CampaignUpdate.class), "No campaign updates",
                "no-campaign-updates", !sources.bounded());
    }

    /**
     * A stream of fixed elements. Live, it is idle throughout and stays open once they are out, since a finished input
     * would carry event time to its end (see {@link FixedInputSource}). In a replay it holds event time back until
     * they are all out, then ends with the other inputs: the openings of a catalog of a million items take longer to
     * send than a sale's files to read, and an item opened after event time passed its campaign's release would be
     * dropped.
     */
    private static <T> DataStream<T> fixedInput(StreamExecutionEnvironment env, SerializableSupplier<List<T>> elements,
            TypeInformation<T> type, String name, String uid, boolean live) {
        WatermarkStrategy<T> watermarks = live ? Watermarks.alwaysIdle() : WatermarkStrategy.noWatermarks();
        return env.fromSource(new FixedInputSource<>(elements, live), watermarks, name, type)
                .uid(uid)
                .setParallelism(1);
    }
}
