package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.MonitorSettings;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.MinuteStats;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One audience shard of campaign c1: paid and refunded order effects only (clicks and carts go to the traffic shards,
 * see {@code TrafficShardFunctionTest}).
 */
class AudienceShardFunctionTest {
    private static final String CAMPAIGN = "c1";
    /** The shard under test; the function trusts the key, so every user can be sent to it. */
    private static final int SHARD = 7;

    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long FIRST_CHECKPOINT = at("2026-11-11T10:30:00Z");
    private static final long SECOND_CHECKPOINT = at("2026-11-11T11:00:00Z");
    private static final long END = at("2026-11-11T12:00:00Z");
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();
    private static final long CLEANUP = END + SETTINGS.retentionMillis();
    private static final long INTERVAL = SETTINGS.flushIntervalMillis();

    private KeyedBroadcastOperatorTestHarness<String, AudienceSignal, CampaignUpdate, CampaignDelta> harness;
    private long processingTime;

    @BeforeEach
    void setUp() throws Exception {
        open(TestCampaigns.PACED);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aDeltaSumsPaidAndRefundedEffects() throws Exception {
        push(paid("u1", START + seconds(50), 2, 5000));
        push(paid("u3", START + seconds(55), 1, 3000));
        push(refund("u1", START + seconds(58), 1, 1000));

        assertDeltas(flush(), expected()
                .gmv(8000).refunded(1000).orders(2).units(3).buyers(2)
                .minutes(new MinuteStats(START, 8000, 2, 0)));
    }

    @Test
    void buyersCountEachUserOnce() throws Exception {
        push(paid("u1", START + seconds(10), 1, 100));
        push(paid("u2", START + seconds(20), 1, 100));
        push(paid("u1", START + minutes(3), 1, 100));

        assertDeltas(flush(), expected()
                .gmv(300).orders(3).units(3).buyers(2)
                .minutes(new MinuteStats(START, 200, 2, 0), new MinuteStats(START + minutes(3), 100, 1, 0)));
    }

    @Test
    void paidGmvGoesToTheMinuteOfItsEventTimeSoACheckpointSplitsItExactly() throws Exception {
        // The campaign takes gmv before a checkpoint as the total less the minutes from the checkpoint on.
        push(paid("u1", FIRST_CHECKPOINT - 1, 1, 100));
        push(paid("u2", FIRST_CHECKPOINT, 1, 200));
        push(paid("u3", SECOND_CHECKPOINT + minutes(5), 1, 400));
        push(paid("u4", END - 1, 1, 800));

        assertDeltas(flush(), expected()
                .gmv(1500).orders(4).units(4).buyers(4)
                .minutes(
                        new MinuteStats(FIRST_CHECKPOINT - minutes(1), 100, 1, 0),
                        new MinuteStats(FIRST_CHECKPOINT, 200, 1, 0),
                        new MinuteStats(SECOND_CHECKPOINT + minutes(5), 400, 1, 0),
                        new MinuteStats(END - minutes(1), 800, 1, 0)));
    }

    @Test
    void minutesBucketGmvAndOrdersByEventTimeMinute() throws Exception {
        long minute = START + minutes(5);
        push(paid("u1", minute + seconds(30), 1, 700));
        push(paid("u2", minute + seconds(59) + 999, 1, 200));
        push(paid("u3", minute + minutes(1), 1, 100));
        push(paid("u2", minute + minutes(2) + 1, 1, 300));

        assertDeltas(flush(), expected()
                .gmv(1300).orders(4).units(4).buyers(3)
                .minutes(
                        new MinuteStats(minute, 900, 2, 0),
                        new MinuteStats(minute + minutes(1), 100, 1, 0),
                        new MinuteStats(minute + minutes(2), 300, 1, 0)));
    }

    @Test
    void changedCountsGoOutOnceTheFlushIntervalOfProcessingTimeHasPassed() throws Exception {
        push(paid("u1", START + minutes(5), 1, 700));
        push(refund("u2", START + minutes(5), 1, 100));
        // One flush scheduled, however many effects wait for it.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(INTERVAL - 1);
        assertThat(drainDeltas()).isEmpty();

        processingTime = INTERVAL;
        harness.setProcessingTime(processingTime);
        assertDeltas(drainDeltas(), expected()
                .gmv(700).refunded(100).orders(1).units(1).buyers(1)
                .minutes(new MinuteStats(START + minutes(5), 700, 1, 0)));

        // Nothing new since: nothing sent, and no timer left behind.
        assertThat(flush()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void flushesWhenTheWatermarkReachesTheEndOfAMinuteWithData() throws Exception {
        long minute = START + minutes(10);
        push(paid("u1", minute + seconds(30), 1, 4000));

        harness.processWatermark(minute + minutes(1) - 2);
        assertThat(drainDeltas()).isEmpty();

        harness.processWatermark(minute + minutes(1) - 1);

        List<StreamRecord<? extends CampaignDelta>> records = harness.extractOutputStreamRecords();
        assertThat(records).hasSize(1);
        // Emitted ahead of the watermark it belongs to, so the campaign has it before it evaluates the boundary.
        assertThat(records.get(0).getTimestamp()).isEqualTo(minute + minutes(1) - 1);
        assertDeltas(drainDeltas(), expected()
                .gmv(4000).orders(1).units(1).buyers(1)
                .minutes(new MinuteStats(minute, 4000, 1, 0)));

        // The periodic timer still due finds nothing new to send.
        assertThat(flush()).isEmpty();
    }

    @Test
    void aRefundAloneAlsoFlushesAtTheEndOfItsMinute() throws Exception {
        long minute = START + minutes(10);
        push(refund("u1", minute + seconds(10), 1, 1500));

        harness.processWatermark(minute + minutes(1) - 2);
        assertThat(drainDeltas()).isEmpty();

        harness.processWatermark(minute + minutes(1) - 1);

        // Refunds are no paid gmv: no minute, and no buyer.
        assertDeltas(drainDeltas(), expected().refunded(1500));
    }

    @Test
    void theEndOfAMinuteWithoutDataFlushesNothing() throws Exception {
        push(paid("u1", START + minutes(10), 1, 100));
        harness.processWatermark(START + minutes(11) - 1);
        drainDeltas();
        push(paid("u2", START + minutes(12), 1, 100));

        harness.processWatermark(FIRST_CHECKPOINT - 1);

        // Not at the end of 10:11, which had nothing (the order of 10:12 would have gone out there), nor later.
        assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                .containsExactly(START + minutes(13) - 1);
    }

    @Test
    void aMinuteFlushCarriesEverythingPendingIncludingLaterMinutes() throws Exception {
        push(paid("u1", START + minutes(10), 1, 100));
        // Already here, a few seconds ahead of the watermark.
        push(paid("u2", START + minutes(11) + seconds(2), 1, 200));

        harness.processWatermark(START + minutes(11) - 1);

        assertDeltas(drainDeltas(), expected()
                .gmv(300).orders(2).units(2).buyers(2)
                .minutes(new MinuteStats(START + minutes(10), 100, 1, 0),
                        new MinuteStats(START + minutes(11), 200, 1, 0)));
        // The end of 10:11 comes with nothing left to send.
        harness.processWatermark(START + minutes(12) - 1);
        assertThat(drainDeltas()).isEmpty();
    }

    @Test
    void theMinuteHoldingTheCampaignEndFlushesJustBeforeTheEnd() throws Exception {
        open(TestCampaigns.ENDS_MID_MINUTE);
        long end = at("2026-11-11T12:00:30Z");
        push(paid("u1", end - seconds(10), 1, 500));

        harness.processWatermark(end - 2);
        assertThat(drainDeltas()).isEmpty();

        harness.processWatermark(end - 1);

        assertDeltas(drainDeltas(), expected()
                .gmv(500).orders(1).units(1).buyers(1)
                .minutes(new MinuteStats(END, 500, 1, 0)));
    }

    @Test
    void eachDeltaHoldsOnlyWhatCameAfterThePreviousOne() throws Exception {
        push(paid("u1", START + minutes(10), 2, 5000));
        flush();

        push(paid("u2", START + minutes(20), 1, 3000));
        push(refund("u1", START + minutes(20), 1, 2500));

        // Counters, money and minutes are increments; buyers is the shard's absolute estimate.
        assertDeltas(flush(), expected()
                .gmv(3000).refunded(2500).orders(1).units(1).buyers(2)
                .minutes(new MinuteStats(START + minutes(20), 3000, 1, 0)));
        assertThat(flush()).isEmpty();
    }

    @Test
    void aLateSignalWithinRetentionIsFlushedAtTheNextWatermark() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));
        harness.processWatermark(END - 1);
        drainDeltas();

        // Its minute ended long ago: it must reach the campaign at once, not wait for the release.
        push(paid("u2", SECOND_CHECKPOINT + minutes(1), 1, 600));
        harness.processWatermark(END);

        assertDeltas(drainDeltas(), expected()
                .gmv(600).orders(1).units(1).buyers(2)
                .minutes(new MinuteStats(SECOND_CHECKPOINT + minutes(1), 600, 1, 0)));
    }

    @Test
    void stateAndTimersAreReleasedAfterTheReleaseTimer() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));
        harness.processWatermark(CLEANUP - 1);
        drainDeltas();
        // Late but within retention: pending counts and a pending minute when the release comes.
        push(paid("u2", END - seconds(1), 1, 900));
        push(refund("u1", END - seconds(1), 1, 4000));
        assertThat(KeyedHarness.keyedStateEntries(harness)).isPositive();

        harness.processWatermark(CLEANUP);

        assertDeltas(drainDeltas(), expected()
                .gmv(900).refunded(4000).orders(1).units(1).buyers(2)
                .minutes(new MinuteStats(END - minutes(1), 900, 1, 0)));
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush()).isEmpty();
    }

    @Test
    void anEffectAfterTheReleaseDoesNotReopenTheShard() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));
        harness.processWatermark(CLEANUP);
        drainDeltas();

        // Far too late: counting it would open a new shard state that nothing ever releases.
        push(paid("u2", START + minutes(20), 1, 600));
        push(refund("u1", START + minutes(20), 1, 4000));
        harness.processWatermark(CLEANUP + 1);

        assertThat(flush()).isEmpty();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    // --- driving the harness

    /** Opens (or reopens) the function under test on a catalog of one campaign. */
    private void open(String campaignYaml) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = KeyedHarness.open(new AudienceShardFunction(TestCampaigns.timeline(campaignYaml), SETTINGS),
                AudienceSignal::key);
        processingTime = 0;
    }

    private void push(AudienceSignal signal) throws Exception {
        harness.processElement(signal, signal.ts());
    }

    /** Lets one flush interval of processing time pass and returns what was sent meanwhile. */
    private List<CampaignDelta> flush() throws Exception {
        processingTime += INTERVAL;
        harness.setProcessingTime(processingTime);
        return drainDeltas();
    }

    private List<CampaignDelta> drainDeltas() {
        List<CampaignDelta> deltas = harness.extractOutputValues();
        harness.getOutput().clear();
        return deltas;
    }

    private static void assertDeltas(List<CampaignDelta> actual, Expected expected) {
        assertThat(actual).hasSize(1);
        assertThat(sorted(actual.get(0))).usingRecursiveComparison().isEqualTo(expected.build());
    }

    /** Minutes come from map state, whose iteration order means nothing. */
    private static CampaignDelta sorted(CampaignDelta d) {
        MinuteStats[] minutes = d.minutes().clone();
        Arrays.sort(minutes, Comparator.comparingLong(MinuteStats::minuteStart));
        return new CampaignDelta(d.campaignId(), d.shard(), d.gmvCents(), d.refundedCents(), d.orders(), d.units(),
                d.pv(), d.carts(), d.lateDropped(), d.buyers(), d.uvSketch(), minutes, d.channels(), d.channelMinutes());
    }

    // --- signals, as the order router sends them

    private static AudienceSignal paid(String userId, long ts, long units, long cents) {
        return new AudienceSignal(AudienceSignal.Kind.PAID, CAMPAIGN, SHARD, ts, userId, units, cents);
    }

    private static AudienceSignal refund(String userId, long ts, long units, long cents) {
        return new AudienceSignal(AudienceSignal.Kind.REFUND, CAMPAIGN, SHARD, ts, userId, units, cents);
    }

    private static Expected expected() {
        return new Expected();
    }

    /** Expected delta of {@link #SHARD}: orders only, everything zero or empty unless said otherwise. */
    private static final class Expected {
        private long gmv, refunded, orders, units, buyers;
        private MinuteStats[] minutes = new MinuteStats[0];

        Expected gmv(long cents) { gmv = cents; return this; }
        Expected refunded(long cents) { refunded = cents; return this; }
        Expected orders(long n) { orders = n; return this; }
        Expected units(long n) { units = n; return this; }
        Expected buyers(long n) { buyers = n; return this; }
        Expected minutes(MinuteStats... m) { minutes = m; return this; }

        CampaignDelta build() {
            return CampaignDelta.orders(CAMPAIGN, SHARD, gmv, refunded, orders, units, buyers, minutes);
        }
    }
}
