package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorOptions;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AudienceSignal;
import io.warroom.model.CampaignDelta;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelStats;
import io.warroom.model.MinuteStats;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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
    private static final long THIRD_CHECKPOINT = at("2026-11-11T12:00:00Z");
    private static final long END = THIRD_CHECKPOINT;
    private static final MonitorSettings SETTINGS = withMaxChannels(MAX_CHANNELS);
    private static final long CLEANUP = END + SETTINGS.retentionMillis();
    private static final long INTERVAL = SETTINGS.statsIntervalMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, AudienceSignal, CampaignDelta> harness;
    private long processingTime;

    @BeforeEach
    void setUp() throws Exception {
        harness = KeyedHarness.open(new AudienceShardFunction(catalog(), SETTINGS), AudienceSignal::key);
        processingTime = 0;
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
                .segments(8000, 0, 0, 0)
                .minutes(new MinuteStats(START, 8000, 2, 3))
                .channels(new ChannelStats("app", 2, 3)));
    }

    @Test
    void paidGmvGoesToThePacingSegmentOfItsEventTime() throws Exception {
        push(paid("u1", FIRST_CHECKPOINT - 1, 1, 100));
        // A checkpoint's own instant already belongs to the segment after it.
        push(paid("u2", FIRST_CHECKPOINT, 1, 200));
        push(paid("u3", SECOND_CHECKPOINT + minutes(5), 1, 400));
        push(paid("u4", END - 1, 1, 800));

        assertDeltas(flush(), expected()
                .gmv(1500).orders(4).units(4).buyers(4)
                .segments(100, 200, 1200, 0)
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
                .segments(1000, 0, 0, 0)
                .minutes(
                        new MinuteStats(minute, 700, 1, 2),
                        new MinuteStats(minute + minutes(1), 0, 0, 1),
                        new MinuteStats(minute + minutes(2), 300, 1, 0))
                .channels(new ChannelStats("app", 3, 3)));
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
                        new ChannelStats(CampaignDefinition.OTHER_CHANNEL, 2, 3)));
    }

    @Test
    void flushesJustBeforeEachPacingCheckpointWithoutWaitingForProcessingTime() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));

        harness.processWatermark(FIRST_CHECKPOINT - 2);
        assertThat(drainDeltas()).isEmpty();

        harness.processWatermark(FIRST_CHECKPOINT - 1);

        List<StreamRecord<? extends CampaignDelta>> records = harness.extractOutputStreamRecords();
        assertThat(records).hasSize(1);
        // Emitted ahead of the watermark it belongs to, so the campaign sees it before it evaluates the checkpoint.
        assertThat(records.get(0).getTimestamp()).isEqualTo(FIRST_CHECKPOINT - 1);
        assertDeltas(drainDeltas(), expected()
                .gmv(4000).orders(1).units(1).buyers(1)
                .segments(4000, 0, 0, 0)
                .minutes(new MinuteStats(START + minutes(10), 4000, 1, 0)));

        // The periodic timer still due finds nothing new to send.
        assertThat(flush()).isEmpty();
    }

    @Test
    void eachDeltaHoldsOnlyWhatCameAfterThePreviousOne() throws Exception {
        push(click("u1", "app", START + minutes(5)));
        push(paid("u1", START + minutes(10), 2, 5000));
        flush();

        push(paid("u2", START + minutes(20), 1, 3000));
        push(cart("u2", START + minutes(20), 1));

        // Counters and money are increments; uv, buyers and channel uv are the shard's absolute estimates.
        assertDeltas(flush(), expected()
                .gmv(3000).orders(1).units(1).carts(1).uv(1).buyers(2)
                .segments(3000, 0, 0, 0)
                .minutes(new MinuteStats(START + minutes(20), 3000, 1, 0))
                .channels(new ChannelStats("app", 1, 0)));
        assertThat(flush()).isEmpty();
    }

    @Test
    void stateAndTimersAreReleasedAfterAFinalDelta() throws Exception {
        push(paid("u1", START + minutes(10), 1, 4000));
        harness.processWatermark(THIRD_CHECKPOINT - 1);
        drainDeltas();
        // Late, but still within retention: it must reach the campaign before the shard forgets it.
        push(click("u2", "web", SECOND_CHECKPOINT + minutes(1)));
        harness.processWatermark(CLEANUP - 1);
        assertThat(drainDeltas()).isEmpty();

        harness.processWatermark(CLEANUP);

        assertDeltas(drainDeltas(), expected()
                .pv(1).uv(1).buyers(1)
                .minutes(new MinuteStats(SECOND_CHECKPOINT + minutes(1), 0, 0, 1))
                .channels(new ChannelStats("web", 1, 1)));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush()).isEmpty();
    }

    // --- driving the harness

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

    /** Minutes and channels come from map state, whose iteration order means nothing. */
    private static CampaignDelta sorted(CampaignDelta d) {
        MinuteStats[] minutes = d.minutes().clone();
        Arrays.sort(minutes, Comparator.comparingLong(MinuteStats::minuteStart));
        ChannelStats[] channels = d.channels().clone();
        Arrays.sort(channels, Comparator.comparing(ChannelStats::channel));
        return new CampaignDelta(d.campaignId(), d.shard(), d.gmvCents(), d.refundedCents(), d.orders(), d.units(),
                d.pv(), d.carts(), d.uv(), d.buyers(), minutes, channels, d.channelMinutes());
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

    /** Expected delta of {@link #SHARD}: everything zero unless said otherwise. */
    private static final class Expected {
        private long gmv, refunded, orders, units, pv, carts, uv, buyers;
        private long[] segments = new long[4];
        private MinuteStats[] minutes = new MinuteStats[0];
        private ChannelStats[] channels = new ChannelStats[0];

        Expected gmv(long cents) { gmv = cents; return this; }
        Expected refunded(long cents) { refunded = cents; return this; }
        Expected orders(long n) { orders = n; return this; }
        Expected units(long n) { units = n; return this; }
        Expected pv(long n) { pv = n; return this; }
        Expected carts(long n) { carts = n; return this; }
        Expected uv(long n) { uv = n; return this; }
        Expected buyers(long n) { buyers = n; return this; }
        Expected segments(long... cents) { segments = cents; return this; }
        Expected minutes(MinuteStats... m) { minutes = m; return this; }
        Expected channels(ChannelStats... c) { channels = c; return this; }

        CampaignDelta build() {
            return new CampaignDelta(CAMPAIGN, SHARD, gmv, refunded, orders, units, pv, carts, uv, buyers, minutes,
                    channels, new ChannelMinute[0]);
        }
    }

    private static MonitorSettings withMaxChannels(int maxChannels) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.MAX_CHANNELS, maxChannels);
        return MonitorOptions.settings(config);
    }

    private static CampaignCatalog catalog() throws CampaignConfigException {
        return TestCampaigns.catalog(TestCampaigns.PACED);
    }

}
