package io.warroom.pipeline;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.ItemSettings;
import io.warroom.config.MonitorSettings;
import io.warroom.functions.AudienceShardFunction;
import io.warroom.functions.CampaignStatsFunction;
import io.warroom.functions.InputRouter;
import io.warroom.functions.ItemStatsFunction;
import io.warroom.functions.OrderEffectRouter;
import io.warroom.functions.OrderLifecycleFunction;
import io.warroom.metrics.BusinessMetricsSink;
import io.warroom.model.AlertEvent;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignStats;
import io.warroom.model.InputRecord;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemStats;
import io.warroom.model.OrderEffect;
import io.warroom.model.OrderEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the monitor from "streams in, outputs out". The live job, replay and the tests all go through
 * {@link #build}, so a replay of the same events gives the same results as live.
 *
 * <pre>
 * input ─ InputRouter ─┬─ rejected ───────────────────────────────────────────────────────────► rejected
 *                      ├─ orders ─ keyBy order ─ OrderLifecycle ─ OrderEffectRouter ─┐
 *                      └─ clicks, carts, inventory ──────────────────────────────────┤
 *                                                       keyBy (campaign, item) ─ ItemStats ─► item stats, alerts
 *                       deduplicated clicks and carts, paid and refunded orders ─┐
 *                                     keyBy (campaign, user shard) ─ AudienceShard ─┐
 *                                                     keyBy campaign ─ CampaignStats ─► campaign stats, alerts
 * </pre>
 */
public final class MonitorPipeline {
    private final CampaignCatalog campaigns;
    private final MonitorSettings settings;

    public MonitorPipeline(CampaignCatalog campaigns, MonitorSettings settings) {
        this.campaigns = campaigns;
        this.settings = settings;
    }

    /** Builds the pipeline and hands its outputs to the sinks. */
    public void assemble(StreamExecutionEnvironment env, MonitorSources sources, MonitorSinks sinks) {
        sinks.attach(build(env, sources));
    }

    public MonitorStreams build(StreamExecutionEnvironment env, MonitorSources sources) {
        // Every type on the way has a Flink serializer (records as POJOs, sketches with their own); a type falling
        // back to Kryo would be slow and fragile across versions, so it fails the build of the job instead.
        Configuration serialization = new Configuration();
        serialization.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(serialization);
        WatermarkStrategy<InputRecord> watermarks =
                sources.bounded() ? Watermarks.replay(settings) : Watermarks.live(settings);
        DataStream<InputRecord> input = sources.create(env, watermarks);
        if (!sources.bounded() && settings.wallClockWatermark()) {
            input = input.union(WallClock.ticks(env, Duration.ofMillis(settings.outOfOrdernessMillis())));
        }

        SingleOutputStreamOperator<ItemSignal> routed = input.process(new InputRouter(campaigns))
                .name("Route input")
                .uid("route-input");

        DataStream<OrderEvent> orders = routed.getSideOutput(InputRouter.ORDERS);
        SingleOutputStreamOperator<OrderEffect> effects = orders.keyBy(OrderEvent::orderId)
                .process(new OrderLifecycleFunction(campaigns, settings))
                .name("Order lifecycle")
                .uid("order-lifecycle");
        SingleOutputStreamOperator<ItemSignal> orderSignals = effects
                .process(new OrderEffectRouter(campaigns, settings))
                .name("Route order effects")
                .uid("route-order-effects");

        DataStream<ItemSignal> itemSignals = routed.union(orderSignals);
        DataStream<ItemSignal> configuredItems = itemBootstrap(env);
        if (configuredItems != null) {
            itemSignals = itemSignals.union(configuredItems);
        }
        SingleOutputStreamOperator<ItemStats> itemStats = itemSignals
                .keyBy(ItemSignal::key)
                .process(new ItemStatsFunction(campaigns, settings))
                .name("Item stats")
                .uid("item-stats");

        DataStream<AudienceSignal> audience = itemStats.getSideOutput(ItemStatsFunction.AUDIENCE)
                .union(orderSignals.getSideOutput(OrderEffectRouter.AUDIENCE));
        SingleOutputStreamOperator<CampaignDelta> deltas = audience.keyBy(AudienceSignal::key)
                .process(new AudienceShardFunction(campaigns, settings))
                .name("Audience shards")
                .uid("audience-shards");

        SingleOutputStreamOperator<CampaignStats> campaignStats = deltas.union(campaignBootstrap(env))
                .keyBy(CampaignDelta::campaignId)
                .process(new CampaignStatsFunction(campaigns, settings))
                .name("Campaign stats")
                .uid("campaign-stats");

        DataStream<AlertEvent> alerts = itemStats.getSideOutput(ItemStatsFunction.ALERTS)
                .union(campaignStats.getSideOutput(CampaignStatsFunction.ALERTS));
        MonitorStreams streams =
                new MonitorStreams(itemStats, campaignStats, alerts, routed.getSideOutput(InputRouter.REJECTED));
        streams.merged(false)
                .sinkTo(new BusinessMetricsSink(campaigns, settings.topItems(), settings.maxItemSeries()))
                .setParallelism(1)
                .name("Business metrics")
                .uid("business-metrics");
        return streams;
    }

    /**
     * Opens every item listed in a campaign file at the campaign's start, with its configured stock if any; null
     * when no campaign lists items (a source of no elements fails at run time).
     */
    private DataStream<ItemSignal> itemBootstrap(StreamExecutionEnvironment env) {
        List<ItemSignal> signals = new ArrayList<>();
        for (CampaignDefinition campaign : campaigns.all()) {
            for (ItemSettings item : campaign.items().values()) {
                long stock = item.stock() == null ? -1 : item.stock();
                signals.add(ItemSignal.stockOnly(ItemSignal.Kind.INIT, campaign.campaignId(), item.itemId(),
                        campaign.start(), null, stock));
            }
        }
        if (signals.isEmpty()) {
            return null;
        }
        return bootstrap(env, signals, TypeInformation.of(ItemSignal.class), "Campaign items");
    }

    /** Opens every campaign, so its pacing checkpoints are checked even if it never sells anything. */
    private DataStream<CampaignDelta> campaignBootstrap(StreamExecutionEnvironment env) {
        List<CampaignDelta> deltas = new ArrayList<>();
        for (CampaignDefinition campaign : campaigns.all()) {
            deltas.add(CampaignDelta.bootstrap(campaign.campaignId()));
        }
        return bootstrap(env, deltas, TypeInformation.of(CampaignDelta.class), "Campaigns");
    }

    private static <T> DataStream<T> bootstrap(
            StreamExecutionEnvironment env, List<T> elements, TypeInformation<T> type, String name) {
        return env.fromData(elements, type).name(name).setParallelism(1);
    }
}
