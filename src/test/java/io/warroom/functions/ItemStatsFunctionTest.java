package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.warroom.config.MonitorSettings;
import org.apache.flink.configuration.Configuration;
import io.warroom.config.MonitorOptions;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.ConversionWindow;
import io.warroom.model.Severity;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemStats;
import io.warroom.model.ItemTraffic;
import io.warroom.model.MinuteStats;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Items of {@link TestCampaigns#SHOP}. Its early warnings: STOCK_ETA when the stock lasts at most 30 minutes at the
 * sell rate of the last 10; CONVERSION_DROP when the last 5 minutes convert less than half as well as the sale
 * before them, both with at least 20 pv.
 *
 * <p>Clicks and carts arrive as the traffic shards send them: deduplicated and pre-aggregated, one TRAFFIC signal
 * per item and flush (see {@code TrafficShardFunctionTest} for the deduplication).
 */
class ItemStatsFunctionTest {
    private static final String CAMPAIGN = "c1";
    /** Configured stock 10, safety stock 3, gmv target 200.00. */
    private static final String SHIRT = "shirt";
    /** Listed without stock or target; falls back to the campaign's safety stock of 5. */
    private static final String CAP = "cap";
    /** Configured stock 480, safety stock 20, no target. */
    private static final String PHONE = "phone";

    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long FIRST_CHECKPOINT = at("2026-11-11T10:30:00Z");
    private static final long SECOND_CHECKPOINT = at("2026-11-11T11:00:00Z");
    private static final long END = at("2026-11-11T12:00:00Z");
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();
    private static final long CLEANUP = END + SETTINGS.retentionMillis();
    private static final long INTERVAL = SETTINGS.statsIntervalMillis();

    private static final long T1 = START + minutes(1);
    private static final long T2 = START + minutes(2);
    private static final long T3 = START + minutes(3);
    private static final long T4 = START + minutes(4);

    private ItemStatsFunction function;
    private KeyedBroadcastOperatorTestHarness<String, ItemSignal, CampaignUpdate, ItemStats> harness;
    private long processingTime;

    @BeforeEach
    void setUp() throws Exception {
        open(TestCampaigns.SHOP);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void trafficFromSeveralShardsAddsUpAndCountsEachUserOnce() throws Exception {
        // One shard saw two clicks of u1 (10:01 and 10:02) and a cart; another, clicks of u1 and u2 at 10:02.
        push(ItemSignal.traffic(CAMPAIGN, SHIRT, T2,
                new ItemTraffic(2, 1, new long[] {T1, T2}, new long[] {1, 1}, users("u1", "u1"))));
        push(ItemSignal.traffic(CAMPAIGN, SHIRT, T2,
                new ItemTraffic(2, 0, new long[] {T2}, new long[] {2}, users("u1", "u2"))));
        push(carts(SHIRT, T2, 2));
        harness.processWatermark(T2);

        assertThat(flush()).containsExactly(expected(SHIRT).pv(4).carts(3).uv(2).watermark(T2).build());
    }

    @Test
    void cartsAloneAreNoVisitors() throws Exception {
        push(carts(SHIRT, T1, 2));
        harness.processWatermark(T1);

        assertThat(flush()).containsExactly(expected(SHIRT).carts(2).watermark(T1).build());
    }

    @Test
    void paidAndRefundedEffectsAddUp() throws Exception {
        push(paid("o1", CAP, T1, "u1", 2, 3998));
        push(paid("o2", CAP, T2, "u2", 1, 1999));
        push(paid("o3", CAP, T2, "u1", 1, 1999));
        push(refund("o1", CAP, T3, "u1", 1, 1999));
        harness.processWatermark(T3);

        assertThat(flush()).containsExactly(
                expected(CAP).gmv(7996).orders(3).units(4).buyers(2).refunded(1999).watermark(T3).build());
    }

    @Test
    void changedStatsAreEmittedOncePerStatsInterval() throws Exception {
        push(clicks(CAP, T1, "u1"));

        harness.setProcessingTime(INTERVAL - 1);
        assertThat(drainStats()).isEmpty();

        harness.setProcessingTime(INTERVAL);
        processingTime = INTERVAL;
        assertThat(drainStats()).containsExactly(expected(CAP).pv(1).uv(1).build());

        push(clicks(CAP, T2, "u2"));
        assertThat(flush()).containsExactly(expected(CAP).pv(2).uv(2).build());

        // Nothing changed since: no emission, and no timer left behind.
        assertThat(flush()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void statsOnlyAtTheCloseComeOnceWithEverythingAndNoTimerInBetween() throws Exception {
        Configuration config = new Configuration();
        config.set(MonitorOptions.ITEM_STATS_WHILE_RUNNING, false);
        harness.close();
        function = new ItemStatsFunction(TestCampaigns.timeline(TestCampaigns.SHOP), MonitorOptions.settings(config));
        harness = KeyedHarness.open(function, ItemSignal::key);
        push(clicks(SHIRT, T1, "u1"));
        push(paid("o1", SHIRT, T2, "u1", 1, 1999));
        harness.processWatermark(T3);

        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush()).isEmpty();

        harness.processWatermark(CLEANUP);
        assertThat(drainStats()).containsExactly(expected(SHIRT)
                .gmv(1999).orders(1).units(1).buyers(1).uv(1).pv(1).watermark(CLEANUP).closed().build());
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void configuredStockIsSetAtCampaignStartOnceTheWatermarkGetsThere() throws Exception {
        push(init(SHIRT, 10));
        harness.processWatermark(START - 1);

        // Nothing changed yet: the configured stock is applied only when event time reaches the start.
        assertThat(flush()).isEmpty();

        harness.processWatermark(START);

        assertThat(flush()).containsExactly(expected(SHIRT).stock(10).watermark(START).build());
    }

    @Test
    void anItemOpensOnceThoughARestartedJobSendsItsOpeningAgain() throws Exception {
        push(init(SHIRT, 10));
        push(reserve("o1", SHIRT, T1, 2));
        harness.processWatermark(T1);
        assertThat(flush()).containsExactly(expected(SHIRT).stock(8).watermark(T1).build());

        restoreFromSnapshot();
        // Every start of the job sends the openings again; applied again, it would undo the reservation.
        push(init(SHIRT, 10));
        push(reserve("o2", SHIRT, T2, 1));
        harness.processWatermark(T2);

        assertThat(flush()).containsExactly(expected(SHIRT).stock(7).watermark(T2).build());
        assertThat(alerts()).isEmpty();
    }

    @Test
    void aReservationLaterThanTheBoundButOlderThanTheLastSnapshotIsAlreadyInIt() throws Exception {
        push(init(SHIRT, 10));
        push(inventory(SHIRT, T3, 7));
        harness.processWatermark(T3);
        assertThat(flush()).containsExactly(expected(SHIRT).stock(7).watermark(T3).build());

        // Arrives after the watermark passed T3; the warehouse's count at T3 already reflects it.
        push(reserve("late", SHIRT, T2, 2));
        push(reserve("fresh", SHIRT, T4, 1));
        harness.processWatermark(T4);

        assertThat(flush()).containsExactly(expected(SHIRT).stock(6).watermark(T4).build());
    }

    @Test
    void stockChangesApplyInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
        push(init(SHIRT, 10));
        push(inventory(SHIRT, T3, 7));
        push(reserve("o1", SHIRT, T2, 2));
        push(release("o1", SHIRT, T4, 2));

        harness.processWatermark(T2);
        assertThat(flush()).containsExactly(expected(SHIRT).stock(8).watermark(T2).build());

        // In arrival order this would be 10 -> 7 -> 5 -> 7; in event time the snapshot at T3 overrides.
        harness.processWatermark(T4);
        assertThat(flush()).containsExactly(expected(SHIRT).stock(9).watermark(T4).build());
        assertThat(sideOutput(ItemStatsFunction.ALERTS)).isEmpty();
    }

    @Test
    void withinOneTimestampASnapshotComesBeforeReservations() throws Exception {
        push(init(SHIRT, 10));
        push(reserve("o1", SHIRT, T2, 2));
        push(inventory(SHIRT, T2, 7));
        harness.processWatermark(T2);

        // The snapshot does not yet know of the reservation made in the same millisecond.
        assertThat(flush()).containsExactly(expected(SHIRT).stock(5).watermark(T2).build());
    }

    @Test
    void stockLowAndStockOutFireAndResolveAtTheEventTimeOfTheChange() throws Exception {
        push(init(SHIRT, 10));
        push(reserve("o1", SHIRT, T1, 7));
        push(reserve("o2", SHIRT, T2, 3));
        push(release("o1", SHIRT, T3, 7));
        harness.processWatermark(T3);

        assertThat(sideOutput(ItemStatsFunction.ALERTS)).containsExactly(
                AlertEvent.fired(AlertType.STOCK_LOW, CAMPAIGN, SHIRT, T1,
                        "shirt: 3 left, safety stock is 3", "3", "3"),
                AlertEvent.fired(AlertType.STOCK_OUT, CAMPAIGN, SHIRT, null, T2,
                                "shirt: out of stock (0 left); no sales in the last 10 min", "0", "0",
                                Severity.WARNING),
                AlertEvent.resolved(AlertType.STOCK_LOW, CAMPAIGN, SHIRT, T1, T3,
                        "shirt: 7 left, safety stock is 3", "7", "3"),
                AlertEvent.resolved(AlertType.STOCK_OUT, CAMPAIGN, SHIRT, T2, T3,
                        "shirt: back in stock (7 left)", "7", "0"));
    }

    @Test
    void sellingBeyondTheKnownStockIsOversoldUntilASnapshotSaysOtherwise() throws Exception {
        push(init(SHIRT, 2));
        push(reserve("o1", SHIRT, T1, 5));
        push(inventory(SHIRT, T2, 4));
        harness.processWatermark(T2);

        assertThat(sideOutput(ItemStatsFunction.ALERTS))
                .filteredOn(alert -> alert.type() == AlertType.OVERSOLD)
                .containsExactly(
                        AlertEvent.fired(AlertType.OVERSOLD, CAMPAIGN, SHIRT, T1,
                                "shirt: oversold by 3 units", "-3", "0"),
                        AlertEvent.resolved(AlertType.OVERSOLD, CAMPAIGN, SHIRT, T1, T2,
                                "shirt: no longer oversold (4 left)", "4", "0"));
    }

    @Test
    void firedAndResolvedRecordsOfOneAlertShareAStableId() throws Exception {
        push(init(SHIRT, 10));
        push(reserve("o1", SHIRT, T1, 10));
        push(release("o1", SHIRT, T2, 10));
        harness.processWatermark(T2);

        String stockLow = AlertEvent.idOf(CAMPAIGN, AlertType.STOCK_LOW, SHIRT, null, T1);
        String stockOut = AlertEvent.idOf(CAMPAIGN, AlertType.STOCK_OUT, SHIRT, null, T1);
        // The id depends only on what fired and when, so a replay yields the same ids and a sink can match the
        // resolved record to its alert without state of its own.
        assertThat(sideOutput(ItemStatsFunction.ALERTS))
                .extracting(AlertEvent::state, AlertEvent::id)
                .containsExactly(
                        tuple(AlertEvent.State.FIRED, stockLow),
                        tuple(AlertEvent.State.FIRED, stockOut),
                        tuple(AlertEvent.State.RESOLVED, stockLow),
                        tuple(AlertEvent.State.RESOLVED, stockOut));
    }

    @Test
    void stockIsJudgedOnlyAfterAllChangesOfOneTimestamp() throws Exception {
        push(init(SHIRT, 10));
        push(release("o1", SHIRT, T1, 8));
        push(reserve("o2", SHIRT, T1, 8));
        harness.processWatermark(T1);

        // Reserve sorts before release within a timestamp, so stock dips to 2 in between; that dip is not a state
        // anyone could observe and must not alert.
        assertThat(sideOutput(ItemStatsFunction.ALERTS)).isEmpty();
        assertThat(flush()).containsExactly(expected(SHIRT).stock(10).watermark(T1).build());
    }

    @Test
    void withoutConfiguredStockReservationsWaitForAnInventorySnapshot() throws Exception {
        push(init(CAP, -1));
        push(reserve("o1", CAP, T1, 4));
        push(inventory(CAP, T2, 6));
        push(reserve("o2", CAP, T3, 1));
        harness.processWatermark(T1);

        assertThat(flush()).containsExactly(expected(CAP).watermark(T1).build());

        harness.processWatermark(T3);

        assertThat(flush()).containsExactly(expected(CAP).stock(5).watermark(T3).build());
        assertThat(sideOutput(ItemStatsFunction.ALERTS)).containsExactly(
                AlertEvent.fired(AlertType.STOCK_LOW, CAMPAIGN, CAP, T3, "cap: 5 left, safety stock is 5", "5", "5"));
    }

    @Test
    void itemTargetShortfallFiresAtACheckpointAndResolvesAtALaterOne() throws Exception {
        push(paid("o1", SHIRT, START + minutes(10), "u1", 2, 4000));
        // Exactly at the checkpoint counts toward the next one (ts < at).
        push(paid("o2", SHIRT, FIRST_CHECKPOINT, "u2", 1, 1000));
        harness.processWatermark(FIRST_CHECKPOINT - 2);

        assertThat(sideOutput(ItemStatsFunction.ALERTS)).isEmpty();

        harness.processWatermark(FIRST_CHECKPOINT - 1);

        AlertEvent fired = AlertEvent.fired(AlertType.ITEM_TARGET_SHORTFALL, CAMPAIGN, SHIRT, FIRST_CHECKPOINT,
                "shirt: gmv 40.00 by 2026-11-11T10:30:00Z against a plan of 50.00 (shortfall below 45.00)",
                "40.00", "45.00");
        assertThat(sideOutput(ItemStatsFunction.ALERTS)).containsExactly(fired);

        push(paid("o3", SHIRT, FIRST_CHECKPOINT + minutes(10), "u3", 3, 6000));
        harness.processWatermark(SECOND_CHECKPOINT - 1);

        assertThat(sideOutput(ItemStatsFunction.ALERTS)).containsExactly(
                fired,
                AlertEvent.resolved(AlertType.ITEM_TARGET_SHORTFALL, CAMPAIGN, SHIRT, FIRST_CHECKPOINT,
                        SECOND_CHECKPOINT,
                        "shirt: gmv 110.00 by 2026-11-11T11:00:00Z against a plan of 100.00 (shortfall below 90.00)",
                        "110.00", "90.00"));
    }

    @Test
    void aQuietItemWithATargetWaitsForItsCheckpointsWithoutTickingEveryMinute() throws Exception {
        int checkpoints = TestCampaigns.timeline(TestCampaigns.SHOP).get(CAMPAIGN).pacing().size();
        push(init(SHIRT, 100));
        harness.processWatermark(START + minutes(2));

        // Its release and its checkpoints, nothing per minute: a million quiet items stay a few million timers.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1 + checkpoints);
        harness.processWatermark(START + minutes(20));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1 + checkpoints);

        harness.processWatermark(FIRST_CHECKPOINT - 1);
        assertThat(alerts()).extracting(AlertEvent::type, AlertEvent::itemId, AlertEvent::firedAt)
                .containsExactly(tuple(AlertType.ITEM_TARGET_SHORTFALL, SHIRT, FIRST_CHECKPOINT));
    }

    // --- STOCK_ETA at minute boundaries

    @Test
    void stockEtaFiresAtTheBoundaryWhereStockLastsNoLongerThanTheHorizonAtTheWindowsSellRate() throws Exception {
        push(init(PHONE, 480));
        push(paid("o1", PHONE, START + minutes(4) + seconds(30), "u1", 100, 100 * 999));
        push(paid("o2", PHONE, START + minutes(5) + seconds(30), "u2", 300, 300 * 999));

        // At 10:05, 100 units in 10 minutes: 480 x 10 > 30 x 100.
        harness.processWatermark(START + minutes(6) - 2);
        assertThat(alerts()).isEmpty();

        // At 10:06, 400 units: 480 x 10 <= 30 x 400.
        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.STOCK_ETA, CAMPAIGN, PHONE, null,
                START + minutes(6),
                "phone: sells out in ~12 min at 40.0 units/min; 480 left; about 23976.00/h at risk", "12 min",
                "30 min", Severity.WARNING));
    }

    @Test
    void stockLastingExactlyTheHorizonIsSellingOutSoon() throws Exception {
        push(init(PHONE, 480));
        // 480 x 10 = 30 x 160.
        push(paid("o1", PHONE, START + minutes(5), "u1", 160, 160 * 999));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.STOCK_ETA, CAMPAIGN, PHONE, null,
                START + minutes(6),
                "phone: sells out in ~30 min at 16.0 units/min; 480 left; about 9590.40/h at risk", "30 min",
                "30 min", Severity.WARNING));
    }

    @Test
    void aStockAlertPagesWhenTheGmvAtRiskUntilTheEndReachesTheLine() throws Exception {
        push(init(PHONE, 480));
        // 400 units at 99.00 in the window: 39600.00 per 10 min, 114 min before the end: 451440.00 >= 100000.00
        push(paid("o1", PHONE, START + minutes(5) + seconds(30), "u1", 400, 400 * 9900));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).extracting(AlertEvent::type, AlertEvent::severity, AlertEvent::summary).containsExactly(
                tuple(AlertType.STOCK_ETA, Severity.PAGE,
                        "phone: sells out in ~12 min at 40.0 units/min; 480 left; about 237600.00/h at risk"));
    }

    @Test
    void stockLastingLongerThanTheHorizonIsNotSellingOutSoon() throws Exception {
        push(init(PHONE, 480));
        // 480 x 10 > 30 x 159.
        push(paid("o1", PHONE, START + minutes(5), "u1", 159, 159 * 999));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void stockEtaReadsTheStockAfterEveryChangeBeforeTheBoundaryAndNoneAtIt() throws Exception {
        push(init(PHONE, 480));
        push(paid("o1", PHONE, START + minutes(5), "u1", 100, 100 * 999));
        push(reserve("o2", PHONE, START + minutes(6) - 1, 200));
        push(reserve("o3", PHONE, START + minutes(6), 100));

        harness.processWatermark(START + minutes(6) - 1);

        // 280 left after the reservation just before 10:06; the one at 10:06 belongs to the next boundary.
        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.STOCK_ETA, CAMPAIGN, PHONE, null,
                START + minutes(6),
                "phone: sells out in ~28 min at 10.0 units/min; 280 left; about 5994.00/h at risk", "28 min",
                "30 min", Severity.WARNING));
    }

    @Test
    void stockEtaResolvesWhenSalesStopForAWholeWindow() throws Exception {
        push(init(PHONE, 480));
        push(paid("o1", PHONE, START + minutes(5) + seconds(30), "u1", 400, 400 * 999));
        harness.processWatermark(START + minutes(6) - 1);
        AlertEvent fired = alerts().get(0);

        // At 10:15 the window [10:05, 10:15) still holds the sale.
        harness.processWatermark(START + minutes(16) - 2);
        assertThat(alerts()).containsExactly(fired);

        harness.processWatermark(START + minutes(16) - 1);

        assertThat(alerts()).containsExactly(fired, AlertEvent.resolved(AlertType.STOCK_ETA, CAMPAIGN, PHONE,
                START + minutes(6), START + minutes(16), "phone: no longer selling fast (480 left, no sales in 10 min)",
                "-", "30 min"));
    }

    @Test
    void anItemAlreadyOutOfStockThatKeepsSellingIsInStockEta() throws Exception {
        push(init(PHONE, 480));
        push(reserve("o1", PHONE, START + minutes(4), 480));
        push(paid("o1", PHONE, START + minutes(5), "u1", 10, 10 * 999));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).filteredOn(alert -> alert.type() == AlertType.STOCK_ETA).containsExactly(
                AlertEvent.fired(AlertType.STOCK_ETA, CAMPAIGN, PHONE, null, START + minutes(6),
                        "phone: sold out and still selling at 1.0 units/min; about 599.40/h at risk", "0 min",
                        "30 min", Severity.WARNING));
    }

    @Test
    void aLateSaleDoesNotReevaluateABoundaryAlreadyPassed() throws Exception {
        push(init(PHONE, 480));
        push(paid("o1", PHONE, START + minutes(5) + seconds(30), "u1", 400, 400 * 999));
        harness.processWatermark(START + minutes(7) - 1);
        AlertEvent fired = alerts().get(0);

        // Boundary 10:03 was evaluated long ago; this sale only counts in the totals and the windows to come.
        push(paid("o2", PHONE, START + minutes(2) + seconds(30), "u2", 1, 999));
        harness.processWatermark(START + minutes(8) - 1);

        assertThat(alerts()).containsExactly(fired);
    }

    /**
     * An item never sold before has no boundaries scheduled; its first sale, late, still counts in the window of
     * every boundary evaluated after it arrives (docs/alerts.md: every item at every boundary).
     */
    @Test
    void aLateFirstSaleCountsInTheWindowsOfTheBoundariesAfterIt() throws Exception {
        assertThat(stockEtaOfAFirstSale(START + minutes(20) + seconds(30), START + minutes(19) + seconds(10)))
                .containsExactly(START + minutes(21));
    }

    /** At a watermark of E - 1 boundary E has been evaluated: an order arriving then counts from E + 1 minute. */
    @Test
    void aFirstSaleArrivingAtABoundaryCountsFromTheNextOne() throws Exception {
        assertThat(stockEtaOfAFirstSale(START + minutes(21) - 1, START + minutes(20) + seconds(10)))
                .containsExactly(START + minutes(22));
    }

    /**
     * The fire times of STOCK_ETA when the phone, stocked with 480 and never sold, gets its first sale (400 units at
     * {@code saleTs}) once the watermark is at {@code watermark}, and the watermark then moves on a minute.
     */
    private List<Long> stockEtaOfAFirstSale(long watermark, long saleTs) throws Exception {
        push(init(PHONE, 480));
        harness.processWatermark(watermark);
        push(paid("o1", PHONE, saleTs, "u1", 400, 400 * 999));
        harness.processWatermark(MinuteStats.minuteOf(watermark) + minutes(2) - 1);
        return alerts().stream().filter(alert -> alert.type() == AlertType.STOCK_ETA).map(AlertEvent::firedAt)
                .toList();
    }

    // --- CONVERSION_DROP counts at minute boundaries (judged by ConversionJudgeFunction)

    /**
     * Window 5 minutes, payment lag 1: at boundary E, paid orders of [E - 5, E) and from 10:01 (start + lag) before
     * it, pv of [E - 6, E - 1) and before it.
     */
    @Test
    void theItemSendsItsConversionCountsWithPvMovedBackByThePaymentLag() throws Exception {
        clicks(CAP, START, 40);
        // paid before 10:01: led to by no pv of the campaign, so in no baseline
        paidOrders(CAP, START + seconds(30), 2);
        paidOrders(CAP, START + minutes(1) + seconds(30), 4);
        clicks(CAP, START + minutes(5), 40);
        paidOrders(CAP, START + minutes(6) + seconds(30), 1);

        harness.processWatermark(START + minutes(7) - 2);
        assertThat(conversionWindows()).isEmpty();

        harness.processWatermark(START + minutes(7) - 1);

        assertThat(conversionWindows()).containsExactly(
                new ConversionWindow(CAMPAIGN, CAP, START + minutes(7), 40, 1, 40, 4, true));
    }

    @Test
    void countsGoToTheJudgeWhileComparableAndOnceMoreAfter() throws Exception {
        clicks(CAP, START, 40);
        paidOrders(CAP, START + minutes(1) + seconds(30), 4);
        clicks(CAP, START + minutes(5), 40);

        harness.processWatermark(START + minutes(20));

        // From 10:12 the pv window [10:06, 10:11) no longer holds 10:05's clicks: 10:12 is sent so that an alert can
        // resolve, and nothing after it.
        assertThat(conversionWindows()).extracting(ConversionWindow::boundary).containsExactly(
                START + minutes(7), START + minutes(8), START + minutes(9), START + minutes(10), START + minutes(11),
                START + minutes(12));
        assertThat(conversionWindows()).last().extracting(ConversionWindow::recentPv).isEqualTo(0L);
    }

    @Test
    void theClicksOfOneTrafficSignalCountInTheirOwnMinutes() throws Exception {
        // One shard flush carries both minutes' clicks, stamped with the later one: 10:00 must still hold its 40 pv
        // for the baseline and 10:05 its 50 for the recent window.
        long[] minutes = {START, START + minutes(5)};
        String[] users = new String[90];
        for (int i = 0; i < users.length; i++) {
            users[i] = "u" + (i < 40 ? i : i - 40);
        }
        push(ItemSignal.traffic(CAMPAIGN, CAP, START + minutes(5),
                new ItemTraffic(90, 0, minutes, new long[] {40, 50}, users(users))));
        paidOrders(CAP, START + minutes(1) + seconds(30), 4);
        paidOrders(CAP, START + minutes(6) + seconds(30), 1);

        harness.processWatermark(START + minutes(7) - 1);

        assertThat(conversionWindows()).containsExactly(
                new ConversionWindow(CAMPAIGN, CAP, START + minutes(7), 50, 1, 40, 4, true));
    }

    @Test
    void anItemThatSellsOutIsNoLongerComparable() throws Exception {
        push(init(PHONE, 480));
        clicks(PHONE, START, 40);
        paidOrders(PHONE, START + minutes(1) + seconds(30), 4);
        clicks(PHONE, START + minutes(5), 40);
        paidOrders(PHONE, START + minutes(6) + seconds(30), 1);
        // sold out at 10:07:30: the orders window ending 10:08 holds sold-out time; back at 10:08:30, but the windows
        // in stock throughout (from 10:14) no longer hold enough pv
        push(inventory(PHONE, START + minutes(7) + seconds(30), 0));
        push(inventory(PHONE, START + minutes(8) + seconds(30), 50));

        harness.processWatermark(START + minutes(20));

        assertThat(conversionWindows()).extracting(ConversionWindow::boundary, ConversionWindow::comparable)
                .containsExactly(tuple(START + minutes(7), true), tuple(START + minutes(8), false));
    }

    @Test
    void fewerRecentPvThanMinPvSendsNothing() throws Exception {
        clicks(CAP, START, 40);
        paidOrders(CAP, START + minutes(1) + seconds(30), 4);
        // Not a single order, but only 19 pv.
        clicks(CAP, START + minutes(5), 19);

        harness.processWatermark(START + minutes(20));

        assertThat(conversionWindows()).isEmpty();
    }

    @Test
    void aBaselineWithFewerPvThanMinPvSendsNothing() throws Exception {
        clicks(CAP, START, 19);
        paidOrders(CAP, START + minutes(1) + seconds(30), 4);
        clicks(CAP, START + minutes(5), 40);

        harness.processWatermark(START + minutes(20));

        assertThat(conversionWindows()).isEmpty();
    }

    private List<ConversionWindow> conversionWindows() {
        return sideOutput(ItemStatsFunction.CONVERSION);
    }

    @Test
    void finalStatsAreEmittedClosedAndEveryTimerAndStateEntryIsReleased() throws Exception {
        push(init(SHIRT, 10));
        push(clicks(SHIRT, T1, "u1"));
        push(carts(SHIRT, T1, 1));
        push(paid("o1", SHIRT, T2, "u1", 1, 1999));
        push(reserve("o1", SHIRT, T2, 1));
        push(refund("o1", SHIRT, T3, "u1", 1, 1999));
        harness.processWatermark(T3);
        flush();
        // A change whose periodic emission is still pending when the campaign closes.
        push(clicks(SHIRT, T4, "u2"));
        // A sale in the last minute, whose counts are still kept for the windows when the campaign ends.
        push(paid("o2", SHIRT, END - seconds(30), "u2", 1, 1999));

        harness.processWatermark(CLEANUP - 1);
        assertThat(drainStats()).isEmpty();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isPositive();

        harness.processWatermark(CLEANUP);

        assertThat(drainStats()).containsExactly(expected(SHIRT)
                .gmv(3998).refunded(1999).orders(2).units(2).buyers(2).uv(2).pv(2).carts(1).stock(9)
                .watermark(CLEANUP).closed().build());
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush()).isEmpty();
    }

    @Test
    void anEarlyWarningStillActiveAtTheEndLeavesNoStateOrTimerAfterTheRelease() throws Exception {
        push(init(PHONE, 480));
        push(paid("o1", PHONE, END - seconds(30), "u1", 400, 400 * 999));
        harness.processWatermark(END - 1);
        assertThat(alerts()).extracting(AlertEvent::type, AlertEvent::state)
                .containsExactly(tuple(AlertType.STOCK_ETA, AlertEvent.State.FIRED));

        harness.processWatermark(CLEANUP);

        assertThat(drainStats()).last().extracting(ItemStats::closed).isEqualTo(true);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anEventAfterTheCampaignClosedDoesNotReopenIt() throws Exception {
        push(clicks(SHIRT, T1, "u1"));
        harness.processWatermark(CLEANUP);
        drainStats();
        assertThat(droppedAfterClose()).isZero();

        // Far too late: counting it would emit a second "closed" item holding only this click.
        push(clicks(SHIRT, T2, "u2"));
        push(paid("o1", SHIRT, T2, "u2", 1, 1999));
        harness.processWatermark(CLEANUP + 1);

        assertThat(flush()).isEmpty();
        assertThat(droppedAfterClose()).isEqualTo(2);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aReleasedCampaignStaysReleasedAfterARestore() throws Exception {
        push(clicks(SHIRT, T1, "u1"));
        harness.processWatermark(CLEANUP);
        assertThat(drainStats()).singleElement().extracting(ItemStats::closed).isEqualTo(true);

        restoreFromSnapshot();
        // In the campaign's window, and no watermark since the restore: only the saved event time knows it is over.
        push(clicks(SHIRT, T2, "u2"));
        push(paid("o1", SHIRT, T2, "u2", 1, 1999));
        push(inventory(SHIRT, T2, 5));

        assertThat(flush()).isEmpty();
        assertThat(droppedAfterClose()).isEqualTo(3);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void statsAfterARestoreCarryTheEventTimeReachedBeforeIt() throws Exception {
        push(clicks(SHIRT, T1, "u1"));
        harness.processWatermark(T2);
        assertThat(flush()).singleElement().extracting(ItemStats::watermark).isEqualTo(T2);

        restoreFromSnapshot();
        push(clicks(SHIRT, T3, "u2"));

        assertThat(flush()).singleElement().extracting(ItemStats::watermark).isEqualTo(T2);
    }

    @Test
    void publishedUvNeverGoesDownWhenTheEstimateDips() throws Exception {
        // Where the item's sketch turns from counting users to estimating them, one more user can lower the
        // estimate; whether it does depends on the users' hashes, so look for a set of users where it does.
        DippingAudience audience = DippingAudience.find(SETTINGS.itemSketchLgK());
        assertThat(audience.estimateAfterNextUser()).as("the estimate dips").isLessThan(audience.highest());

        push(clicks(SHIRT, T1, audience.userIds()));
        assertThat(flush()).singleElement().extracting(ItemStats::uv).isEqualTo(audience.highest());
        push(clicks(SHIRT, T2, audience.nextUserId()));

        assertThat(flush()).singleElement().extracting(ItemStats::uv).isEqualTo(audience.highest());
    }

    /** Users whose sketch estimate is {@code highest}, and one more user who lowers it. */
    private record DippingAudience(String[] userIds, String nextUserId, long highest, long estimateAfterNextUser) {
        static DippingAudience find(int lgK) {
            for (int attempt = 0; attempt < 100; attempt++) {
                HllSketch sketch = Sketches.newSketch(lgK);
                List<String> ids = new ArrayList<>();
                long previous = 0;
                for (int n = 0; n < 4 << lgK; n++) {
                    String id = "a" + attempt + "-u" + n;
                    sketch.update(Sketches.hash64(id));
                    long estimate = Sketches.estimate(sketch);
                    if (estimate < previous) {
                        return new DippingAudience(ids.toArray(String[]::new), id, previous, estimate);
                    }
                    ids.add(id);
                    previous = estimate;
                }
            }
            throw new AssertionError("no dipping estimate in 100 audiences");
        }
    }

    // --- driving the harness

    /** Opens (or reopens) the function under test on a catalog of one campaign. */
    private void open(String campaignYaml) throws Exception {
        if (harness != null) {
            harness.close();
        }
        function = new ItemStatsFunction(TestCampaigns.timeline(campaignYaml), SETTINGS);
        harness = KeyedHarness.open(function, ItemSignal::key);
        processingTime = 0;
    }

    /** Snapshots the operator and starts a new one from the snapshot, as a restart from a checkpoint does. */
    private void restoreFromSnapshot() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1L, processingTime);
        harness.close();
        function = new ItemStatsFunction(TestCampaigns.timeline(TestCampaigns.SHOP), SETTINGS);
        harness = KeyedHarness.restore(function, ItemSignal::key, snapshot);
        harness.setProcessingTime(processingTime);
    }

    private void push(ItemSignal signal) throws Exception {
        harness.processElement(signal, signal.ts());
    }

    /** {@code n} clicks of different users on the item at {@code ts}, as one traffic shard's flush. */
    private void clicks(String itemId, long ts, int n) throws Exception {
        String[] users = new String[n];
        for (int i = 0; i < n; i++) {
            users[i] = "u" + i;
        }
        push(clicks(itemId, ts, users));
    }

    /** {@code n} paid orders of one unit (9.99) of the item at {@code ts}. */
    private void paidOrders(String itemId, long ts, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            push(paid("order-" + ts + "-" + i, itemId, ts, "u" + i, 1, 999));
        }
    }

    /** Lets one stats interval of processing time pass and returns what was emitted meanwhile. */
    private List<ItemStats> flush() throws Exception {
        processingTime += INTERVAL;
        harness.setProcessingTime(processingTime);
        return drainStats();
    }

    private List<ItemStats> drainStats() {
        List<ItemStats> stats = harness.extractOutputValues();
        harness.getOutput().clear();
        return stats;
    }

    /** The function's drop counter: the harness's metric group keeps no counters, so it is read off the function. */
    private long droppedAfterClose() throws Exception {
        Field counter = ItemStatsFunction.class.getDeclaredField("closedCampaignDrops");
        counter.setAccessible(true);
        return ((Counter) counter.get(function)).getCount();
    }

    private List<AlertEvent> alerts() {
        return sideOutput(ItemStatsFunction.ALERTS);
    }

    private <T> List<T> sideOutput(OutputTag<T> tag) {
        List<T> values = new ArrayList<>();
        var records = harness.getSideOutput(tag);
        if (records != null) {
            for (StreamRecord<T> record : records) {
                values.add(record.getValue());
            }
        }
        return values;
    }

    // --- signals, as the routers and traffic shards upstream produce them

    private static ItemSignal init(String itemId, long stock) {
        return ItemSignal.stockOnly(ItemSignal.Kind.INIT, CAMPAIGN, itemId, START, null, stock);
    }

    private static ItemSignal inventory(String itemId, long ts, long stock) {
        return ItemSignal.stockOnly(ItemSignal.Kind.INVENTORY, CAMPAIGN, itemId, ts, null, stock);
    }

    private static ItemSignal reserve(String orderId, String itemId, long ts, long quantity) {
        return ItemSignal.stockOnly(ItemSignal.Kind.RESERVE, CAMPAIGN, itemId, ts, orderId, quantity);
    }

    private static ItemSignal release(String orderId, String itemId, long ts, long quantity) {
        return ItemSignal.stockOnly(ItemSignal.Kind.RELEASE, CAMPAIGN, itemId, ts, orderId, quantity);
    }

    /** A traffic shard's flush of one click per user on the item, all in the minute of {@code ts}. */
    private static ItemSignal clicks(String itemId, long ts, String... userIds) {
        return ItemSignal.traffic(CAMPAIGN, itemId, ts, new ItemTraffic(userIds.length, 0,
                new long[] {MinuteStats.minuteOf(ts)}, new long[] {userIds.length}, users(userIds)));
    }

    /** A traffic shard's flush of {@code n} carts of the item. */
    private static ItemSignal carts(String itemId, long ts, long n) {
        return ItemSignal.traffic(CAMPAIGN, itemId, ts, new ItemTraffic(0, n, new long[0], new long[0], new long[0]));
    }

    /** Users as the traffic shards send them: their 64-bit hashes. */
    private static long[] users(String... userIds) {
        return Arrays.stream(userIds).mapToLong(Sketches::hash64).toArray();
    }

    private static ItemSignal paid(String orderId, String itemId, long ts, String userId, long quantity, long cents) {
        return new ItemSignal(ItemSignal.Kind.PAID, CAMPAIGN, itemId, ts, orderId, userId, quantity, cents);
    }

    private static ItemSignal refund(String orderId, String itemId, long ts, String userId, long quantity, long cents) {
        return new ItemSignal(ItemSignal.Kind.REFUND, CAMPAIGN, itemId, ts, orderId, userId, quantity, cents);
    }

    /** Expected item stats: everything zero and no stock unless said otherwise. */
    private static Expected expected(String itemId) {
        return new Expected(itemId);
    }

    private static final class Expected {
        private final String itemId;
        private long gmv, refunded, orders, units, buyers, uv, pv, carts;
        private Long stock;
        /** Before the first watermark, stats are complete up to just before the campaign's start. */
        private long watermark = START - 1;
        private boolean closed;

        Expected(String itemId) {
            this.itemId = itemId;
        }

        Expected gmv(long cents) { gmv = cents; return this; }
        Expected refunded(long cents) { refunded = cents; return this; }
        Expected orders(long n) { orders = n; return this; }
        Expected units(long n) { units = n; return this; }
        Expected buyers(long n) { buyers = n; return this; }
        Expected uv(long n) { uv = n; return this; }
        Expected pv(long n) { pv = n; return this; }
        Expected carts(long n) { carts = n; return this; }
        Expected stock(long n) { stock = n; return this; }
        Expected watermark(long ts) { watermark = ts; return this; }
        Expected closed() { closed = true; return this; }

        ItemStats build() {
            return new ItemStats(CAMPAIGN, itemId, gmv, refunded, orders, units, buyers, uv, pv, carts, stock,
                    watermark, closed);
        }
    }
}
