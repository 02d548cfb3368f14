package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorOptions;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelStats;
import io.warroom.model.MinuteStats;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AudienceShardFunctionTest {
    private static final String CAMPAIGN = "c1";
    /** The shard under test; the function trusts the key, so every user can be sent to it. */
    private static final int SHARD = 7;
    private static final int MAX_CHANNELS = 2;

    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long FIRST_CHECKPOINT = at("2026-11-11T10:30:00Z");
    private static final long SECOND_CHECKPOINT = at("2026-11-11T11:00:00Z");
    private static final long END = at("2026-11-11T12:00:00Z");
    private static final MonitorSettings SETTINGS = withMaxChannels(MAX_CHANNELS);
    private static final long CLEANUP = END + SETTINGS.retentionMillis();
    private static final long INTERVAL = SETTINGS.statsIntervalMillis();

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
    void aDeltaSumsClicksCartsPaidAndRefunds() throws Exception {
        push(click("u1", "app", START + seconds(10)));
        push(click("u2", "app", START + seconds(20)));
        push(click("u1", "app", START + seconds(30)));
        push(cart("u1", START + seconds(40), 3));
        push(cart("u2", START + seconds(50), 1));
        push(paid("u1", START + seconds(50), 2, 5000));
        push(paid("u3", START + seconds(55), 1, 3000));
        push(refund("u1", START + seconds(58), 1, 1000));

        assertDeltas(flush(), expected()
                .gmv(8000).refunded(1000).orders(2).units(3).pv(3).carts(2).uv(2).buyers(2)
                .minutes(new MinuteStats(START, 8000, 2, 3))
                .channels(new ChannelStats("app", 2, 3))
                .channelMinutes(new ChannelMinute("app", START, 3)));
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
    void minutesBucketGmvOrdersAndPvByEventTimeMinute() throws Exception {
        long minute = START + minutes(5);
        push(click("u1", "app", minute));
        push(click("u2", "app", minute + seconds(59) + 999));
        push(click("u3", "app", minute + minutes(1)));
        push(paid("u1", minute + seconds(30), 1, 700));
        push(paid("u2", minute + minutes(2) + 1, 1, 300));

        assertDeltas(flush(), expected()
                .gmv(1000).orders(2).units(2).pv(3).uv(3).buyers(2)
                .minutes(
                        new MinuteStats(minute, 700, 1, 2),
                        new MinuteStats(minute + minutes(1), 0, 0, 1),
                        new MinuteStats(minute + minutes(2), 300, 1, 0))
                .channels(new ChannelStats("app", 3, 3))
                .channelMinutes(new ChannelMinute("app", minute, 2), new ChannelMinute("app", minute + minutes(1), 1)));
    }

    @Test
    void channelMinutesCountPvPerChannelAndEventTimeMinute() throws Exception {
        long minute = START + minutes(5);
        push(click("u1", "app", minute));
        push(click("u2", "web", minute + seconds(30)));
        push(click("u1", "app", minute + seconds(59) + 999));
        push(click("u3", "web", minute + minutes(1)));
        // Carts and sales are no traffic.
        push(cart("u1", minute + seconds(10), 1));
        push(paid("u1", minute + seconds(20), 1, 700));

        assertThat(flush()).singleElement().extracting(d -> sorted(d).channelMinutes()).usingRecursiveComparison()
                .isEqualTo(new ChannelMinute[] {
                    new ChannelMinute("app", minute, 2),
                    new ChannelMinute("web", minute, 1),
                    new ChannelMinute("web", minute + minutes(1), 1)
                });
    }

    @Test
    void channelsPastTheLimitCountAsOther() throws Exception {
        push(click("u1", "app", START + seconds(1)));
        push(click("u2", "web", START + seconds(2)));
        push(click("u3", "tv", START + seconds(3)));
        push(click("u4", "mini", START + seconds(4)));
        push(click("u4", "mini", START + seconds(5)));
        // A channel already tracked keeps its own label after the limit is reached.
        push(click("u5", "app", START + seconds(6)));

        assertDeltas(flush(), expected()
                .pv(6).uv(5)
                .minutes(new MinuteStats(START, 0, 0, 6))
                .channels(
                        new ChannelStats("app", 2, 2),
                        new ChannelStats("web", 1, 1),
                        new ChannelStats(CampaignDefinition.OTHER_CHANNEL, 2, 3))
                .channelMinutes(
                        new ChannelMinute("app", START, 2),
                        new ChannelMinute("web", START, 1),
                        new ChannelMinute(CampaignDefinition.OTHER_CHANNEL, START, 3)));
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
    void theEndOfAMinuteWithoutDataFlushesNothing() throws Exception {
        push(click("u1", "app", START + minutes(10)));
        harness.processWatermark(START + minutes(11) - 1);
        drainDeltas();
        push(click("u2", "app", START + minutes(12)));

        harness.processWatermark(FIRST_CHECKPOINT - 1);

        // Not at the end of 10:11, which had nothing (the click of 10:12 would have gone out there), nor later.
        assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                .containsExactly(START + minutes(13) - 1);
    }

    @Test
    void aMinuteFlushCarriesEverythingPendingIncludingLaterMinutes() throws Exception {
        push(click("u1", "app", START + minutes(10)));
        // Already here, a few seconds ahead of the watermark.
        push(click("u2", "web", START + minutes(11) + seconds(2)));

        harness.processWatermark(START + minutes(11) - 1);

        assertDeltas(drainDeltas(), expected()
                .pv(2).uv(2)
                .minutes(new MinuteStats(START + minutes(10), 0, 0, 1),
                        new MinuteStats(START + minutes(11), 0, 0, 1))
                .channels(new ChannelStats("app", 1, 1), new ChannelStats("web", 1, 1))
                .channelMinutes(new ChannelMinute("app", START + minutes(10), 1),
                        new ChannelMinute("web", START + minutes(11), 1)));
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
        push(click("u1", "app", START + minutes(5)));
        push(paid("u1", START + minutes(10), 2, 5000));
        flush();

        push(paid("u2", START + minutes(20), 1, 3000));
        push(cart("u2", START + minutes(20), 1));

        // Counters, money, minutes and channel minutes are increments; uv, buyers and channel uv are the shard's
        // absolute estimates.
        assertDeltas(flush(), expected()
                .gmv(3000).orders(1).units(1).carts(1).uv(1).buyers(2)
                .minutes(new MinuteStats(START + minutes(20), 3000, 1, 0))
                .channels(new ChannelStats("app", 1, 0)));
        assertThat(flush()).isEmpty();
    }

    @Test
    void aLateSignalWithinRetentionIsFlushedAtTheNextWatermark() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));
        harness.processWatermark(END - 1);
        drainDeltas();

        // Its minute ended long ago: it must reach the campaign at once, not wait for the release.
        push(click("u2", "web", SECOND_CHECKPOINT + minutes(1)));
        harness.processWatermark(END);

        assertDeltas(drainDeltas(), expected()
                .pv(1).uv(1).buyers(1)
                .minutes(new MinuteStats(SECOND_CHECKPOINT + minutes(1), 0, 0, 1))
                .channels(new ChannelStats("web", 1, 1))
                .channelMinutes(new ChannelMinute("web", SECOND_CHECKPOINT + minutes(1), 1)));
    }

    @Test
    void stateAndTimersAreReleasedAfterTheReleaseTimer() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));
        harness.processWatermark(CLEANUP - 1);
        drainDeltas();
        // Late but within retention: pending minutes, channel pv and channel minutes when the release comes.
        push(click("u2", "app", END - seconds(1)));
        assertThat(KeyedHarness.keyedStateEntries(harness)).isPositive();

        harness.processWatermark(CLEANUP);

        assertDeltas(drainDeltas(), expected()
                .pv(1).uv(1).buyers(1)
                .minutes(new MinuteStats(END - minutes(1), 0, 0, 1))
                .channels(new ChannelStats("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", END - minutes(1), 1)));
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush()).isEmpty();
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
        assertThat(sorted(actual.get(0))).usingRecursiveComparison().isEqualTo(sorted(expected.build()));
    }

    /** Minutes, channels and channel minutes come from map state, whose iteration order means nothing. */
    private static CampaignDelta sorted(CampaignDelta d) {
        MinuteStats[] minutes = d.minutes().clone();
        Arrays.sort(minutes, Comparator.comparingLong(MinuteStats::minuteStart));
        ChannelStats[] channels = d.channels().clone();
        Arrays.sort(channels, Comparator.comparing(ChannelStats::channel));
        ChannelMinute[] channelMinutes = d.channelMinutes().clone();
        Arrays.sort(channelMinutes,
                Comparator.comparingLong(ChannelMinute::minuteStart).thenComparing(ChannelMinute::channel));
        return new CampaignDelta(d.campaignId(), d.shard(), d.gmvCents(), d.refundedCents(), d.orders(), d.units(),
                d.pv(), d.carts(), d.uv(), d.buyers(), minutes, channels, channelMinutes);
    }

    // --- signals, as item stats and the order router send them

    private static AudienceSignal click(String userId, String channel, long ts) {
        return new AudienceSignal(AudienceSignal.Kind.CLICK, CAMPAIGN, SHARD, ts, userId, channel, 1, 0);
    }

    private static AudienceSignal cart(String userId, long ts, long quantity) {
        return new AudienceSignal(AudienceSignal.Kind.CART, CAMPAIGN, SHARD, ts, userId, null, quantity, 0);
    }

    private static AudienceSignal paid(String userId, long ts, long units, long cents) {
        return new AudienceSignal(AudienceSignal.Kind.PAID, CAMPAIGN, SHARD, ts, userId, null, units, cents);
    }

    private static AudienceSignal refund(String userId, long ts, long units, long cents) {
        return new AudienceSignal(AudienceSignal.Kind.REFUND, CAMPAIGN, SHARD, ts, userId, null, units, cents);
    }

    private static Expected expected() {
        return new Expected();
    }

    /** Expected delta of {@link #SHARD}: everything zero or empty unless said otherwise. */
    private static final class Expected {
        private long gmv, refunded, orders, units, pv, carts, uv, buyers;
        private MinuteStats[] minutes = new MinuteStats[0];
        private ChannelStats[] channels = new ChannelStats[0];
        private ChannelMinute[] channelMinutes = new ChannelMinute[0];

        Expected gmv(long cents) { gmv = cents; return this; }
        Expected refunded(long cents) { refunded = cents; return this; }
        Expected orders(long n) { orders = n; return this; }
        Expected units(long n) { units = n; return this; }
        Expected pv(long n) { pv = n; return this; }
        Expected carts(long n) { carts = n; return this; }
        Expected uv(long n) { uv = n; return this; }
        Expected buyers(long n) { buyers = n; return this; }
        Expected minutes(MinuteStats... m) { minutes = m; return this; }
        Expected channels(ChannelStats... c) { channels = c; return this; }
        Expected channelMinutes(ChannelMinute... c) { channelMinutes = c; return this; }

        CampaignDelta build() {
            return new CampaignDelta(CAMPAIGN, SHARD, gmv, refunded, orders, units, pv, carts, uv, buyers, minutes,
                    channels, channelMinutes);
        }
    }

    private static MonitorSettings withMaxChannels(int maxChannels) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.MAX_CHANNELS, maxChannels);
        return MonitorOptions.settings(config);
    }
}
