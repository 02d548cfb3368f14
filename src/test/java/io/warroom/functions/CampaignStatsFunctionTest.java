package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.PacingStatus;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Campaign c1 plans 1000.00 by its end with a 10% tolerance: 250.00 by 10:30 (shortfall below 225.00), 500.00 by
 * 11:00 (below 450.00) and 1000.00 by 12:00 (below 900.00).
 */
class CampaignStatsFunctionTest {
    private static final String CAMPAIGN = "c1";

    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long FIRST_CHECKPOINT = at("2026-11-11T10:30:00Z");
    private static final long SECOND_CHECKPOINT = at("2026-11-11T11:00:00Z");
    private static final long THIRD_CHECKPOINT = at("2026-11-11T12:00:00Z");
    private static final long END = THIRD_CHECKPOINT;
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();
    private static final long CLEANUP = END + SETTINGS.retentionMillis();
    private static final long INTERVAL = SETTINGS.statsIntervalMillis();

    private static final long MINUTE_5 = START + minutes(5);
    private static final long MINUTE_6 = START + minutes(6);

    private KeyedOneInputStreamOperatorTestHarness<String, CampaignDelta, CampaignStats> harness;
    private long processingTime;

    @BeforeEach
    void setUp() throws Exception {
        harness = KeyedHarness.open(new CampaignStatsFunction(catalog(), SETTINGS), CampaignDelta::campaignId);
        processingTime = 0;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void sumsTheDeltasOfSeveralShards() throws Exception {
        push(delta(3).gmv(5000, 0, 0).orders(2).units(3).pv(10).carts(2).uv(4).buyers(2)
                .minutes(new MinuteStats(MINUTE_5, 5000, 2, 10))
                .channels(new ChannelStats("app", 4, 10)));
        push(delta(5).gmv(3000, 0, 0).refunded(1000).orders(1).units(1).pv(5).carts(1).uv(3).buyers(1)
                .minutes(new MinuteStats(MINUTE_5, 3000, 1, 5))
                .channels(new ChannelStats("app", 2, 3), new ChannelStats("web", 1, 2)));
        // Shard 3 again: its uv, buyers and channel uv are new estimates that replace the old ones.
        push(delta(3).gmv(2000, 0, 0).orders(1).units(1).pv(2).uv(5).buyers(3)
                .minutes(new MinuteStats(MINUTE_6, 2000, 1, 2))
                .channels(new ChannelStats("app", 5, 2)));

        assertStats(flush(), expected()
                .gmv(10000).refunded(1000).orders(4).units(5).pv(17).carts(3).uv(8).buyers(4)
                .minutes(new MinuteStats(MINUTE_5, 8000, 3, 15), new MinuteStats(MINUTE_6, 2000, 1, 2))
                .channels(new ChannelStats("app", 7, 15), new ChannelStats("web", 1, 2))
                .pacing(notYet(FIRST_CHECKPOINT, 25000, 10000), notYet(SECOND_CHECKPOINT, 50000, 10000),
                        notYet(THIRD_CHECKPOINT, 100000, 10000)));
    }

    @Test
    void aCampaignWithoutSalesFallsShortAtItsFirstCheckpoint() throws Exception {
        push(CampaignDelta.bootstrap(CAMPAIGN));
        harness.processWatermark(FIRST_CHECKPOINT - 2);

        assertThat(alerts()).isEmpty();

        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.TARGET_SHORTFALL, CAMPAIGN, null,
                FIRST_CHECKPOINT,
                "c1: gmv 0.00 by 2026-11-11T10:30:00Z against a plan of 250.00 (shortfall below 225.00)",
                "0.00", "225.00"));
        // The checkpoint's outcome is published at once, not at the next stats interval.
        assertStats(drainStats(), expected()
                .watermark(FIRST_CHECKPOINT - 1)
                .pacing(behind(FIRST_CHECKPOINT, 25000, 0), notYet(SECOND_CHECKPOINT, 50000, 0),
                        notYet(THIRD_CHECKPOINT, 100000, 0)));
        assertThat(flush()).isEmpty();
    }

    @Test
    void gmvExactlyOnTheShortfallLineIsNotBehind() throws Exception {
        push(delta(1).gmv(22500, 0, 0).orders(1).units(1).buyers(1));
        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).isEmpty();
        assertThat(drainStats()).last().extracting(CampaignStats::pacing).usingRecursiveComparison().isEqualTo(
                new PacingStatus[] {
                    onTrack(FIRST_CHECKPOINT, 25000, 22500),
                    notYet(SECOND_CHECKPOINT, 50000, 22500),
                    notYet(THIRD_CHECKPOINT, 100000, 22500)
                });
    }

    @Test
    void oneCentBelowTheShortfallLineIsBehind() throws Exception {
        push(delta(1).gmv(22499, 0, 0).orders(1).units(1).buyers(1));
        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).extracting(AlertEvent::state, AlertEvent::observed, AlertEvent::threshold)
                .containsExactly(tuple(AlertEvent.State.FIRED, "224.99", "225.00"));
    }

    @Test
    void onlyGmvOfEventsBeforeTheCheckpointCounts() throws Exception {
        // 300.00 in the segment after the first checkpoint would be plenty, but it came too late for it.
        push(delta(1).gmv(0, 30000, 0).orders(1).units(1).buyers(1));
        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).extracting(AlertEvent::state, AlertEvent::observed)
                .containsExactly(tuple(AlertEvent.State.FIRED, "0.00"));
    }

    @Test
    void aShortfallResolvesAtTheFirstLaterCheckpointBackOnTrack() throws Exception {
        push(CampaignDelta.bootstrap(CAMPAIGN));
        harness.processWatermark(FIRST_CHECKPOINT - 1);
        AlertEvent fired = alerts().get(0);
        drainStats();

        push(delta(2).gmv(0, 45000, 0).orders(3).units(3).buyers(3));
        harness.processWatermark(SECOND_CHECKPOINT - 1);

        assertThat(alerts()).containsExactly(fired, AlertEvent.resolved(AlertType.TARGET_SHORTFALL, CAMPAIGN, null,
                FIRST_CHECKPOINT, SECOND_CHECKPOINT,
                "c1: gmv 450.00 by 2026-11-11T11:00:00Z against a plan of 500.00 (shortfall below 450.00)",
                "450.00", "450.00"));
        assertStats(drainStats(), expected()
                .gmv(45000).orders(3).units(3).buyers(3).watermark(SECOND_CHECKPOINT - 1)
                .pacing(behind(FIRST_CHECKPOINT, 25000, 0), onTrack(SECOND_CHECKPOINT, 50000, 45000),
                        notYet(THIRD_CHECKPOINT, 100000, 45000)));
    }

    @Test
    void aShortfallThatPersistsFiresOnlyOnce() throws Exception {
        push(CampaignDelta.bootstrap(CAMPAIGN));
        harness.processWatermark(SECOND_CHECKPOINT - 1);

        assertThat(alerts()).extracting(AlertEvent::state, AlertEvent::firedAt)
                .containsExactly(tuple(AlertEvent.State.FIRED, FIRST_CHECKPOINT));
        assertThat(drainStats()).last().extracting(CampaignStats::pacing).usingRecursiveComparison().isEqualTo(
                new PacingStatus[] {
                    behind(FIRST_CHECKPOINT, 25000, 0),
                    behind(SECOND_CHECKPOINT, 50000, 0),
                    notYet(THIRD_CHECKPOINT, 100000, 0)
                });
    }

    @Test
    void periodicStatsCarryOnlyChangedMinutesAndTheClosedStatsCarryThemAll() throws Exception {
        push(delta(1).gmv(3000, 0, 0).orders(2).units(2).pv(4).uv(2).buyers(2)
                .minutes(new MinuteStats(MINUTE_5, 1000, 1, 3), new MinuteStats(MINUTE_6, 2000, 1, 1)));
        assertThat(flush()).singleElement().extracting(CampaignStats::minutes).usingRecursiveComparison()
                .isEqualTo(new MinuteStats[] {
                    new MinuteStats(MINUTE_5, 1000, 1, 3), new MinuteStats(MINUTE_6, 2000, 1, 1)
                });

        push(delta(2).gmv(500, 0, 0).orders(1).units(1).pv(1).uv(1).buyers(1)
                .minutes(new MinuteStats(MINUTE_6, 500, 1, 1)));
        assertThat(flush()).singleElement().extracting(CampaignStats::minutes).usingRecursiveComparison()
                .isEqualTo(new MinuteStats[] {new MinuteStats(MINUTE_6, 2500, 2, 2)});

        harness.processWatermark(CLEANUP);

        assertThat(drainStats()).last().extracting(CampaignStats::minutes).usingRecursiveComparison()
                .isEqualTo(new MinuteStats[] {
                    new MinuteStats(MINUTE_5, 1000, 1, 3), new MinuteStats(MINUTE_6, 2500, 2, 2)
                });
    }

    @Test
    void closedStatsAreFinalAndEveryTimerAndStateEntryIsReleased() throws Exception {
        push(CampaignDelta.bootstrap(CAMPAIGN));
        push(delta(1).gmv(20000, 30000, 50000).refunded(500).orders(3).units(4).pv(9).carts(2).uv(3).buyers(3)
                .minutes(new MinuteStats(MINUTE_5, 100000, 3, 9))
                .channels(new ChannelStats("app", 3, 9)));
        harness.processWatermark(END - 1);
        flush();
        // A shard's final delta, still waiting for its periodic emission when the campaign closes.
        push(delta(2).pv(1).uv(1).channels(new ChannelStats("web", 1, 1)));
        harness.processWatermark(CLEANUP - 1);
        assertThat(drainStats()).isEmpty();

        harness.processWatermark(CLEANUP);

        assertStats(drainStats(), expected()
                .gmv(100000).refunded(500).orders(3).units(4).pv(10).carts(2).uv(4).buyers(3)
                .watermark(CLEANUP)
                .minutes(new MinuteStats(MINUTE_5, 100000, 3, 9))
                .channels(new ChannelStats("app", 3, 9), new ChannelStats("web", 1, 1))
                .pacing(behind(FIRST_CHECKPOINT, 25000, 20000), onTrack(SECOND_CHECKPOINT, 50000, 50000),
                        onTrack(THIRD_CHECKPOINT, 100000, 100000))
                .closed());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush()).isEmpty();
    }

    // --- driving the harness

    private void push(DeltaBuilder delta) throws Exception {
        push(delta.build());
    }

    private void push(CampaignDelta delta) throws Exception {
        // Deltas carry no event time of their own; the stream record's timestamp is not read by the function.
        harness.processElement(delta, START);
    }

    private List<CampaignStats> flush() throws Exception {
        processingTime += INTERVAL;
        harness.setProcessingTime(processingTime);
        return drainStats();
    }

    private List<CampaignStats> drainStats() {
        List<CampaignStats> stats = harness.extractOutputValues();
        harness.getOutput().clear();
        return stats;
    }

    private List<AlertEvent> alerts() {
        List<AlertEvent> values = new ArrayList<>();
        var records = harness.getSideOutput(CampaignStatsFunction.ALERTS);
        if (records != null) {
            for (StreamRecord<AlertEvent> record : records) {
                values.add(record.getValue());
            }
        }
        return values;
    }

    private static void assertStats(List<CampaignStats> actual, Expected expected) {
        assertThat(actual).hasSize(1);
        // Records compare arrays by reference; minutes, channels and pacing must match by content.
        assertThat(actual.get(0)).usingRecursiveComparison().isEqualTo(expected.build());
    }

    // --- deltas and expectations

    private static PacingStatus notYet(long at, long plannedCents, long gmvBeforeCents) {
        return new PacingStatus(at, plannedCents, gmvBeforeCents, false, false);
    }

    private static PacingStatus onTrack(long at, long plannedCents, long gmvBeforeCents) {
        return new PacingStatus(at, plannedCents, gmvBeforeCents, true, false);
    }

    private static PacingStatus behind(long at, long plannedCents, long gmvBeforeCents) {
        return new PacingStatus(at, plannedCents, gmvBeforeCents, true, true);
    }

    private static DeltaBuilder delta(int shard) {
        return new DeltaBuilder(shard);
    }

    /** A shard's delta: zero unless said otherwise; gmv is given per pacing segment and totalled. */
    private static final class DeltaBuilder {
        private final int shard;
        private long refunded, orders, units, pv, carts, uv, buyers;
        private long[] segments = new long[4];
        private MinuteStats[] minutes = new MinuteStats[0];
        private ChannelStats[] channels = new ChannelStats[0];

        DeltaBuilder(int shard) {
            this.shard = shard;
        }

        /** Paid gmv before the first checkpoint, before the second, before the third (the end). */
        DeltaBuilder gmv(long beforeFirst, long beforeSecond, long beforeThird) {
            segments = new long[] {beforeFirst, beforeSecond, beforeThird, 0};
            return this;
        }

        DeltaBuilder refunded(long cents) { refunded = cents; return this; }
        DeltaBuilder orders(long n) { orders = n; return this; }
        DeltaBuilder units(long n) { units = n; return this; }
        DeltaBuilder pv(long n) { pv = n; return this; }
        DeltaBuilder carts(long n) { carts = n; return this; }
        DeltaBuilder uv(long n) { uv = n; return this; }
        DeltaBuilder buyers(long n) { buyers = n; return this; }
        DeltaBuilder minutes(MinuteStats... m) { minutes = m; return this; }
        DeltaBuilder channels(ChannelStats... c) { channels = c; return this; }

        CampaignDelta build() {
            long gmv = 0;
            for (long cents : segments) {
                gmv += cents;
            }
            return new CampaignDelta(CAMPAIGN, shard, gmv, refunded, orders, units, pv, carts, uv, buyers, minutes,
                    channels, new ChannelMinute[0]);
        }
    }

    private static Expected expected() {
        return new Expected();
    }

    /** Expected campaign stats: zero, nothing evaluated and no watermark yet, unless said otherwise. */
    private static final class Expected {
        private long gmv, refunded, orders, units, buyers, uv, pv, carts;
        private long watermark = Long.MIN_VALUE;
        private MinuteStats[] minutes = new MinuteStats[0];
        private ChannelStats[] channels = new ChannelStats[0];
        private PacingStatus[] pacing = {
            notYet(FIRST_CHECKPOINT, 25000, 0), notYet(SECOND_CHECKPOINT, 50000, 0),
            notYet(THIRD_CHECKPOINT, 100000, 0)
        };
        private boolean closed;

        Expected gmv(long cents) { gmv = cents; return this; }
        Expected refunded(long cents) { refunded = cents; return this; }
        Expected orders(long n) { orders = n; return this; }
        Expected units(long n) { units = n; return this; }
        Expected buyers(long n) { buyers = n; return this; }
        Expected uv(long n) { uv = n; return this; }
        Expected pv(long n) { pv = n; return this; }
        Expected carts(long n) { carts = n; return this; }
        Expected watermark(long ts) { watermark = ts; return this; }
        Expected minutes(MinuteStats... m) { minutes = m; return this; }
        Expected channels(ChannelStats... c) { channels = c; return this; }
        Expected pacing(PacingStatus... p) { pacing = p; return this; }
        Expected closed() { closed = true; return this; }

        CampaignStats build() {
            return new CampaignStats(CAMPAIGN, gmv, refunded, orders, units, buyers, uv, pv, carts, watermark,
                    minutes, channels, pacing, closed);
        }
    }

    private static CampaignCatalog catalog() throws CampaignConfigException {
        return TestCampaigns.catalog(TestCampaigns.PACED);
    }

}
