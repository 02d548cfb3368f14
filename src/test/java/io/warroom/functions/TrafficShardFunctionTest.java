package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorOptions;
import io.warroom.config.MonitorSettings;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemTraffic;
import io.warroom.model.MinuteStats;
import io.warroom.model.TrafficSignal;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One traffic shard of campaign c1 ({@link TestCampaigns#PACED}, 10:00 to 12:00), tracking at most two channels of
 * its own. Per flush it sends one TRAFFIC {@link ItemSignal} per item and one {@link CampaignDelta} on
 * {@link TrafficShardFunction#CAMPAIGN}; both are compared in a form that does not depend on map iteration order
 * (user hashes and minutes sorted, sketches as their estimates).
 */
class TrafficShardFunctionTest {
    private static final String CAMPAIGN = "c1";
    /** The shard's key suffix; the function trusts its key, so every event id can be sent to it. */
    private static final int SHARD_KEY = 3;
    private static final int MAX_CHANNELS = 2;
    private static final String SHIRT = "shirt";
    private static final String CAP = "cap";

    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long SECOND_CHECKPOINT = at("2026-11-11T11:00:00Z");
    private static final long END = at("2026-11-11T12:00:00Z");
    private static final MonitorSettings SETTINGS = withMaxChannels(MAX_CHANNELS);
    private static final long CLEANUP = END + SETTINGS.retentionMillis();
    private static final long INTERVAL = SETTINGS.flushIntervalMillis();

    private static final long T1 = START + minutes(1);
    private static final long T2 = START + minutes(2);

    private TrafficShardFunction function;
    private KeyedBroadcastOperatorTestHarness<String, TrafficSignal, CampaignUpdate, ItemSignal> harness;
    private long processingTime;

    @BeforeEach
    void setUp() throws Exception {
        open(TestCampaigns.PACED, SETTINGS);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    // --- exact deduplication by event_id

    @Test
    void aClickCountsOncePerEventId() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", SHIRT, T2, "u1", "app"));

        Flush flush = flush();

        assertThat(flush.items()).containsExactly(item(SHIRT, T2, 2, 0, Map.of(T1, 1L, T2, 1L), "u1", "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(2).uv(1)
                .minutes(minute(T1, 1), minute(T2, 1))
                .channels(channel("app", 2, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1), new ChannelMinute("app", T2, 1))
                .build());
    }

    @Test
    void aCopyOfAnEventIsDroppedWhateverItemUserOrChannelItCarries() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "web"));
        // The id alone makes the event: a copy that differs elsewhere is still a copy, not a second click.
        push(click("e1", CAP, T1 + seconds(5), "u2", "app"));
        push(click("e1", SHIRT, T2, "u1", "web"));

        Flush flush = flush();

        assertThat(flush.items()).containsExactly(item(SHIRT, T1, 1, 0, Map.of(T1, 1L), "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).uv(1)
                .minutes(minute(T1, 1))
                .channels(channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("web", T1, 1))
                .build());
        CampaignDelta delta = flush.rawDeltas().get(0);
        assertSketchHoldsExactly(delta.uvSketch(), "u1");
        assertSketchHoldsExactly(delta.channels()[0].uvSketch(), "u1");
    }

    @Test
    void aClickAndACartWithTheSameIdAreSeparateEventsEachCountedOnce() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(cart("e1", SHIRT, T1, "u1"));
        push(cart("e1", CAP, T1, "u2"));
        push(click("e1", SHIRT, T1, "u1", "app"));

        Flush flush = flush();

        assertThat(flush.items()).containsExactly(item(SHIRT, T1, 1, 1, Map.of(T1, 1L), "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(T1, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1))
                .build());
    }

    @Test
    void cartsCountAsCartsAloneNotAsTrafficOrUsers() throws Exception {
        push(cart("k1", SHIRT, T1, "u1"));
        push(cart("k2", SHIRT, T2, "u2"));
        push(cart("k3", CAP, T1, "u1"));

        Flush flush = flush();

        assertThat(flush.items()).containsExactly(
                item(CAP, T1, 0, 1, Map.of()),
                item(SHIRT, T2, 0, 2, Map.of()));
        // No click, so no sketch at all: the campaign has no users to add.
        assertThat(flush.deltas()).containsExactly(expected().carts(3).build());
        assertThat(flush.rawDeltas().get(0).uvSketch()).isNull();
    }

    // --- flushes

    @Test
    void pendingCountsGoOutOnceTheFlushIntervalOfProcessingTimeHasPassed() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(cart("k1", CAP, T1, "u2"));
        push(click("e2", CAP, T1 + seconds(30), "u2", "web"));
        // One flush scheduled, however many events wait for it.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(INTERVAL - 1);
        assertThat(drain().isEmpty()).isTrue();

        processingTime = INTERVAL;
        harness.setProcessingTime(processingTime);
        Flush flush = drain();

        assertThat(flush.items()).containsExactly(
                item(CAP, T1 + seconds(30), 1, 1, Map.of(T1, 1L), "u2"),
                item(SHIRT, T1, 1, 0, Map.of(T1, 1L), "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(2).carts(1).uv(2)
                .minutes(minute(T1, 2))
                .channels(channel("app", 1, 1), channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1), new ChannelMinute("web", T1, 1))
                .build());
        // Nothing new since: nothing sent, and no timer left behind.
        assertThat(flush().isEmpty()).isTrue();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void eachFlushHoldsOnlyWhatCameAfterThePreviousOne() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        assertThat(flush().isEmpty()).isFalse();

        push(click("e2", SHIRT, T2, "u2", "app"));
        push(cart("k1", SHIRT, T2, "u2"));
        Flush flush = flush();

        // Counters, minutes and users are increments: the campaign adds them up and unions the sketches.
        assertThat(flush.items()).containsExactly(item(SHIRT, T2, 1, 1, Map.of(T2, 1L), "u2"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(T2, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T2, 1))
                .build());
        assertSketchHoldsExactly(flush.rawDeltas().get(0).uvSketch(), "u2");
        assertThat(flush().isEmpty()).isTrue();
    }

    @Test
    void flushesWhenTheWatermarkReachesTheEndOfAMinuteWithCounts() throws Exception {
        long minute = START + minutes(10);
        push(click("e1", SHIRT, minute + seconds(30), "u1", "app"));

        harness.processWatermark(minute + minutes(1) - 2);
        assertThat(drain().isEmpty()).isTrue();

        harness.processWatermark(minute + minutes(1) - 1);

        // Emitted ahead of the watermark they belong to, so item and campaign stats have them before they evaluate
        // the boundary.
        assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                .containsExactly(minute + minutes(1) - 1);
        assertThat(harness.getSideOutput(TrafficShardFunction.CAMPAIGN)).extracting(StreamRecord::getTimestamp)
                .containsExactly(minute + minutes(1) - 1);
        Flush flush = drain();
        assertThat(flush.items()).containsExactly(
                item(SHIRT, minute + seconds(30), 1, 0, Map.of(minute, 1L), "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).uv(1)
                .minutes(minute(minute, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", minute, 1))
                .build());

        // The periodic timer still due finds nothing new to send.
        assertThat(flush().isEmpty()).isTrue();
    }

    @Test
    void aCartAloneAlsoFlushesAtTheEndOfItsMinute() throws Exception {
        push(cart("k1", SHIRT, T1 + seconds(10), "u1"));

        harness.processWatermark(T1 + minutes(1) - 2);
        assertThat(drain().isEmpty()).isTrue();

        harness.processWatermark(T1 + minutes(1) - 1);

        Flush flush = drain();
        assertThat(flush.items()).containsExactly(item(SHIRT, T1 + seconds(10), 0, 1, Map.of()));
        assertThat(flush.deltas()).containsExactly(expected().carts(1).build());
    }

    @Test
    void theEndOfAMinuteWithoutCountsFlushesNothing() throws Exception {
        push(click("e1", SHIRT, START + minutes(10), "u1", "app"));
        harness.processWatermark(START + minutes(11) - 1);
        drain();
        push(click("e2", SHIRT, START + minutes(12), "u2", "app"));

        harness.processWatermark(START + minutes(30) - 1);

        // Not at the end of 10:11, which had nothing (the click of 10:12 would have gone out there), nor later.
        assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                .containsExactly(START + minutes(13) - 1);
        assertThat(harness.getSideOutput(TrafficShardFunction.CAMPAIGN)).extracting(StreamRecord::getTimestamp)
                .containsExactly(START + minutes(13) - 1);
    }

    @Test
    void aMinuteFlushCarriesEverythingPendingIncludingLaterMinutes() throws Exception {
        push(click("e1", SHIRT, START + minutes(10), "u1", "app"));
        // Already here, a few seconds ahead of the watermark.
        push(click("e2", CAP, START + minutes(11) + seconds(2), "u2", "web"));

        harness.processWatermark(START + minutes(11) - 1);

        Flush flush = drain();
        assertThat(flush.items()).containsExactly(
                item(CAP, START + minutes(11) + seconds(2), 1, 0, Map.of(START + minutes(11), 1L), "u2"),
                item(SHIRT, START + minutes(10), 1, 0, Map.of(START + minutes(10), 1L), "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(2).uv(2)
                .minutes(minute(START + minutes(10), 1), minute(START + minutes(11), 1))
                .channels(channel("app", 1, 1), channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("app", START + minutes(10), 1),
                        new ChannelMinute("web", START + minutes(11), 1))
                .build());
        // The end of 10:11 comes with nothing left to send.
        harness.processWatermark(START + minutes(12) - 1);
        assertThat(drain().isEmpty()).isTrue();
    }

    @Test
    void theMinuteHoldingTheCampaignEndFlushesJustBeforeTheEnd() throws Exception {
        open(TestCampaigns.ENDS_MID_MINUTE, SETTINGS);
        long end = at("2026-11-11T12:00:30Z");
        push(click("e1", SHIRT, end - seconds(10), "u1", "app"));
        push(cart("k1", SHIRT, end - seconds(5), "u1"));

        harness.processWatermark(end - 2);
        assertThat(drain().isEmpty()).isTrue();

        harness.processWatermark(end - 1);

        Flush flush = drain();
        assertThat(flush.items()).containsExactly(item(SHIRT, end - seconds(5), 1, 1, Map.of(END, 1L), "u1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(END, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", END, 1))
                .build());
    }

    @Test
    void aLateClickWithinRetentionIsFlushedAtTheNextWatermark() throws Exception {
        push(click("e1", SHIRT, START + minutes(10), "u1", "app"));
        harness.processWatermark(END - 1);
        drain();

        // Its minute ended long ago: it must reach item and campaign at once, not wait for the release.
        push(click("e2", CAP, SECOND_CHECKPOINT + minutes(1), "u2", "web"));
        harness.processWatermark(END);

        Flush flush = drain();
        assertThat(flush.items()).containsExactly(
                item(CAP, SECOND_CHECKPOINT + minutes(1), 1, 0, Map.of(SECOND_CHECKPOINT + minutes(1), 1L), "u2"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).uv(1)
                .minutes(minute(SECOND_CHECKPOINT + minutes(1), 1))
                .channels(channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("web", SECOND_CHECKPOINT + minutes(1), 1))
                .build());
    }

    // --- channels

    @Test
    void channelsPastTheLimitCountAsOtherAcrossFlushes() throws Exception {
        push(click("e1", SHIRT, START + seconds(1), "u1", "app"));
        push(click("e2", SHIRT, START + seconds(2), "u2", "web"));
        push(click("e3", SHIRT, START + seconds(3), "u3", "tv"));
        push(click("e4", SHIRT, START + seconds(4), "u4", "mini"));
        push(click("e5", SHIRT, START + seconds(5), "u4", "mini"));
        // A channel already tracked keeps its own label after the limit is reached.
        push(click("e6", SHIRT, START + seconds(6), "u5", "app"));

        assertThat(flush().deltas()).containsExactly(expected()
                .pv(6).uv(5)
                .minutes(minute(START, 6))
                .channels(channel("app", 2, 2), channel(CampaignDefinition.OTHER_CHANNEL, 3, 2),
                        channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("app", START, 2),
                        new ChannelMinute(CampaignDefinition.OTHER_CHANNEL, START, 3),
                        new ChannelMinute("web", START, 1))
                .build());

        // The tracked channels are the shard's for good, not the pending flush's: tv is still "other" later.
        push(click("e7", SHIRT, START + seconds(7), "u6", "tv"));
        push(click("e8", SHIRT, START + seconds(8), "u7", "web"));

        assertThat(flush().deltas()).containsExactly(expected()
                .pv(2).uv(2)
                .minutes(minute(START, 2))
                .channels(channel(CampaignDefinition.OTHER_CHANNEL, 1, 1), channel("web", 1, 1))
                .channelMinutes(new ChannelMinute(CampaignDefinition.OTHER_CHANNEL, START, 1),
                        new ChannelMinute("web", START, 1))
                .build());
    }

    @Test
    void aChannelTheCampaignDoesNotListCountsAsOther() throws Exception {
        open(TestCampaigns.PACED + "channels: [app, web]\n", MonitorSettings.defaults());
        push(click("e1", SHIRT, START + seconds(1), "u1", "app"));
        push(click("e2", SHIRT, START + seconds(2), "u2", "tv"));
        // Clicks that came without a channel keep their own label.
        push(click("e3", SHIRT, START + seconds(3), "u3", CampaignDefinition.UNKNOWN_CHANNEL));
        push(click("e4", SHIRT, START + seconds(4), "u4", "web"));

        assertThat(flush().deltas()).containsExactly(expected()
                .pv(4).uv(4)
                .minutes(minute(START, 4))
                .channels(channel("app", 1, 1), channel(CampaignDefinition.OTHER_CHANNEL, 1, 1),
                        channel(CampaignDefinition.UNKNOWN_CHANNEL, 1, 1), channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("app", START, 1),
                        new ChannelMinute(CampaignDefinition.OTHER_CHANNEL, START, 1),
                        new ChannelMinute(CampaignDefinition.UNKNOWN_CHANNEL, START, 1),
                        new ChannelMinute("web", START, 1))
                .build());
    }

    // --- release

    @Test
    void stateAndTimersAreReleasedAfterTheReleaseTimer() throws Exception {
        push(click("e1", SHIRT, START + minutes(10), "u1", "app"));
        harness.processWatermark(CLEANUP - 1);
        drain();
        // Late but within retention: pending counts, a pending minute and a flush timer when the release comes.
        push(click("e2", SHIRT, END - seconds(1), "u2", "app"));
        push(cart("k1", CAP, END - seconds(1), "u2"));
        assertThat(KeyedHarness.keyedStateEntries(harness)).isPositive();

        harness.processWatermark(CLEANUP);

        Flush flush = drain();
        assertThat(flush.items()).containsExactly(
                item(CAP, END - seconds(1), 0, 1, Map.of()),
                item(SHIRT, END - seconds(1), 1, 0, Map.of(END - minutes(1), 1L), "u2"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(END - minutes(1), 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", END - minutes(1), 1))
                .build());
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(flush().isEmpty()).isTrue();
    }

    @Test
    void eventsAfterTheReleaseAreDroppedAndCounted() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        harness.processWatermark(CLEANUP);
        drain();
        assertThat(droppedAfterRelease()).isZero();

        // Far too late: counting them would open a new shard state that nothing ever releases.
        push(click("e2", SHIRT, T2, "u2", "app"));
        push(cart("k1", SHIRT, T2, "u2"));
        harness.processWatermark(CLEANUP + 1);

        assertThat(flush().isEmpty()).isTrue();
        assertThat(droppedAfterRelease()).isEqualTo(2);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    // --- snapshot and restore

    @Test
    void aRestoreKeepsPendingCountsAndSeenIdsSoNothingIsLostOrCountedTwice() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", CAP, T1, "u2", "web"));
        assertThat(flush().isEmpty()).isFalse();
        // Pending at the snapshot: a click and a cart not yet passed on, and their scheduled flush.
        push(click("e3", SHIRT, T1 + seconds(10), "u3", "app"));
        push(cart("k1", SHIRT, T1 + seconds(10), "u1"));

        restartFromSnapshot();
        // Copies of events counted before the snapshot, flushed or still pending, are copies after it too.
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", CAP, T1, "u2", "web"));
        push(click("e3", SHIRT, T1 + seconds(10), "u3", "app"));
        push(cart("k1", SHIRT, T1 + seconds(10), "u1"));
        push(click("e4", CAP, T1 + seconds(20), "u4", "app"));

        // The processing-time flush scheduled before the snapshot comes back with it.
        Flush flush = flush();

        assertThat(flush.items()).containsExactly(
                item(CAP, T1 + seconds(20), 1, 0, Map.of(T1, 1L), "u4"),
                item(SHIRT, T1 + seconds(10), 1, 1, Map.of(T1, 1L), "u3"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(2).carts(1).uv(2)
                .minutes(minute(T1, 2))
                .channels(channel("app", 2, 2))
                .channelMinutes(new ChannelMinute("app", T1, 2))
                .build());
        assertSketchHoldsExactly(flush.rawDeltas().get(0).uvSketch(), "u3", "u4");
        assertThat(flush().isEmpty()).isTrue();

        // So does the release timer.
        harness.processWatermark(CLEANUP);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aRestoredShardStillFlushesAtTheEndOfThePendingMinute() throws Exception {
        push(click("e1", SHIRT, T1 + seconds(10), "u1", "app"));
        push(click("e2", SHIRT, T1 + seconds(20), "u2", "web"));
        push(cart("k1", CAP, T1 + seconds(30), "u2"));

        restartFromSnapshot();
        push(click("e2", SHIRT, T1 + seconds(20), "u2", "web"));
        harness.processWatermark(T1 + minutes(1) - 1);

        assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                .containsExactly(T1 + minutes(1) - 1, T1 + minutes(1) - 1);
        Flush flush = drain();
        assertThat(flush.items()).containsExactly(
                item(CAP, T1 + seconds(30), 0, 1, Map.of()),
                item(SHIRT, T1 + seconds(20), 2, 0, Map.of(T1, 2L), "u1", "u2"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(2).carts(1).uv(2)
                .minutes(minute(T1, 2))
                .channels(channel("app", 1, 1), channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1), new ChannelMinute("web", T1, 1))
                .build());
        assertSketchHoldsExactly(flush.rawDeltas().get(0).uvSketch(), "u1", "u2");
    }

    @Test
    void aRestoreKeepsTheTrackedChannels() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", SHIRT, T1, "u2", "web"));
        flush();

        restartFromSnapshot();
        push(click("e3", SHIRT, T1, "u3", "tv"));
        push(click("e4", SHIRT, T1, "u4", "web"));

        assertThat(flush().deltas()).singleElement().extracting(Delta::channels).isEqualTo(List.of(
                channel(CampaignDefinition.OTHER_CHANNEL, 1, 1), channel("web", 1, 1)));
    }

    // --- driving the harness

    /** Opens (or reopens) the function under test on a catalog of one campaign. */
    private void open(String campaignYaml, MonitorSettings settings) throws Exception {
        if (harness != null) {
            harness.close();
        }
        function = new TrafficShardFunction(TestCampaigns.timeline(campaignYaml), settings);
        harness = KeyedHarness.open(function, TrafficSignal::key);
        processingTime = 0;
    }

    /**
     * Snapshots the operator, closes it and restores a fresh one from the snapshot, as a restart from a checkpoint
     * does. Processing time stays where it was.
     */
    private void restartFromSnapshot() throws Exception {
        assertThat(drain().isEmpty()).as("nothing emitted before the snapshot").isTrue();
        OperatorSubtaskState snapshot = harness.snapshot(1L, processingTime);
        harness.close();
        function = new TrafficShardFunction(TestCampaigns.timeline(TestCampaigns.PACED), SETTINGS);
        harness = KeyedHarness.restore(function, TrafficSignal::key, snapshot);
        harness.setProcessingTime(processingTime);
    }

    private void push(TrafficSignal signal) throws Exception {
        harness.processElement(signal, signal.ts());
    }

    /** Lets one flush interval of processing time pass and returns what was sent meanwhile. */
    private Flush flush() throws Exception {
        processingTime += INTERVAL;
        harness.setProcessingTime(processingTime);
        return drain();
    }

    private Flush drain() {
        List<ItemSignal> items = harness.extractOutputValues();
        harness.getOutput().clear();
        List<CampaignDelta> deltas = new ArrayList<>();
        var records = harness.getSideOutput(TrafficShardFunction.CAMPAIGN);
        if (records != null) {
            records.forEach(record -> deltas.add(record.getValue()));
            records.clear();
        }
        return new Flush(items.stream().map(TrafficShardFunctionTest::view)
                .sorted(Comparator.comparing(ItemIncrement::itemId)).toList(),
                deltas.stream().map(TrafficShardFunctionTest::view).toList(), deltas);
    }

    /** The function's drop counter: the harness's metric group keeps no counters, so it is read off the function. */
    private long droppedAfterRelease() throws Exception {
        Field counter = TrafficShardFunction.class.getDeclaredField("closedCampaignDrops");
        counter.setAccessible(true);
        return ((Counter) counter.get(function)).getCount();
    }

    /**
     * Asserts that a compact sketch counts exactly these (distinct) users: as many as there are, and none besides
     * them (adding them to it changes nothing). Small sketches are exact, so this tells users apart.
     */
    private static void assertSketchHoldsExactly(byte[] sketch, String... users) {
        HllSketch actual = HllSketch.heapify(sketch);
        assertThat(Sketches.estimate(actual)).isEqualTo(users.length);
        HllSketch expected = Sketches.newSketch(SETTINGS.campaignSketchLgK());
        for (String user : users) {
            expected.update(Sketches.hash64(user));
        }
        Union union = new Union(SETTINGS.campaignSketchLgK());
        union.update(actual);
        union.update(expected);
        assertThat(Sketches.estimate(union)).isEqualTo(users.length);
    }

    // --- signals, as the input router sends them

    private static TrafficSignal click(String eventId, String itemId, long ts, String userId, String channel) {
        return new TrafficSignal(false, CAMPAIGN, SHARD_KEY, ts, eventId, userId, itemId, channel);
    }

    private static TrafficSignal cart(String eventId, String itemId, long ts, String userId) {
        return new TrafficSignal(true, CAMPAIGN, SHARD_KEY, ts, eventId, userId, itemId, null);
    }

    // --- what a flush sends, compared by content

    /** What one flush sent: item increments by item id, and the campaign deltas (raw too, for their sketches). */
    private record Flush(List<ItemIncrement> items, List<Delta> deltas, List<CampaignDelta> rawDeltas) {
        boolean isEmpty() {
            return items.isEmpty() && deltas.isEmpty();
        }
    }

    /** A TRAFFIC item signal: minutes as a map, user hashes sorted (the order they come in means nothing). */
    private record ItemIncrement(ItemSignal.Kind kind, String campaignId, String itemId, long ts, long pv,
            long carts, Map<Long, Long> minutePv, List<Long> userHashes) {}

    /** A campaign delta with sketches as their estimates and arrays as lists sorted by channel, then minute. */
    private record Delta(String campaignId, int shard, long gmvCents, long refundedCents, long orders, long units,
            long buyers, long pv, long carts, Long uv, List<MinuteStats> minutes, List<ChannelView> channels,
            List<ChannelMinute> channelMinutes) {}

    private record ChannelView(String channel, long pv, long uv) {}

    private static ItemIncrement view(ItemSignal signal) {
        ItemTraffic traffic = signal.traffic();
        assertThat(traffic).as("traffic of %s", signal).isNotNull();
        assertThat(traffic.minutePv()).hasSameSizeAs(traffic.minuteStarts());
        Map<Long, Long> minutePv = new TreeMap<>();
        for (int i = 0; i < traffic.minuteStarts().length; i++) {
            assertThat(minutePv.put(traffic.minuteStarts()[i], traffic.minutePv()[i])).as("minute sent twice")
                    .isNull();
        }
        // Only the traffic carries meaning; the fields of other kinds stay empty.
        assertThat(signal.id()).isNull();
        assertThat(signal.userId()).isNull();
        assertThat(signal.quantity()).isZero();
        assertThat(signal.amountCents()).isZero();
        return new ItemIncrement(signal.kind(), signal.campaignId(), signal.itemId(), signal.ts(), traffic.pv(),
                traffic.carts(), minutePv, Arrays.stream(traffic.userHashes()).sorted().boxed().toList());
    }

    private static Delta view(CampaignDelta d) {
        List<MinuteStats> minutes = Arrays.stream(d.minutes())
                .sorted(Comparator.comparingLong(MinuteStats::minuteStart)).toList();
        List<ChannelView> channels = Arrays.stream(d.channels())
                .map(c -> new ChannelView(c.channel(), c.pv(), estimate(c.uvSketch())))
                .sorted(Comparator.comparing(ChannelView::channel)).toList();
        List<ChannelMinute> channelMinutes = Arrays.stream(d.channelMinutes())
                .sorted(Comparator.comparing(ChannelMinute::channel).thenComparingLong(ChannelMinute::minuteStart))
                .toList();
        return new Delta(d.campaignId(), d.shard(), d.gmvCents(), d.refundedCents(), d.orders(), d.units(),
                d.buyers(), d.pv(), d.carts(), d.uvSketch() == null ? null : estimate(d.uvSketch()), minutes,
                channels, channelMinutes);
    }

    private static long estimate(byte[] sketch) {
        return Sketches.estimate(HllSketch.heapify(sketch));
    }

    /** An item's increment: {@code ts} is its latest event's; users of its clicks, one entry per click. */
    private static ItemIncrement item(String itemId, long ts, long pv, long carts, Map<Long, Long> minutePv,
            String... clickUsers) {
        return new ItemIncrement(ItemSignal.Kind.TRAFFIC, CAMPAIGN, itemId, ts, pv, carts, minutePv,
                Arrays.stream(clickUsers).mapToLong(Sketches::hash64).sorted().boxed().toList());
    }

    private static MinuteStats minute(long minuteStart, long pv) {
        return new MinuteStats(minuteStart, 0, 0, pv);
    }

    private static ChannelView channel(String channel, long pv, long uv) {
        return new ChannelView(channel, pv, uv);
    }

    private static Expected expected() {
        return new Expected();
    }

    /** Expected traffic delta: zero or empty, and no users sketch, unless said otherwise. */
    private static final class Expected {
        private long pv, carts;
        private Long uv;
        private List<MinuteStats> minutes = List.of();
        private List<ChannelView> channels = List.of();
        private List<ChannelMinute> channelMinutes = List.of();

        Expected pv(long n) { pv = n; return this; }
        Expected carts(long n) { carts = n; return this; }
        Expected uv(long n) { uv = n; return this; }
        Expected minutes(MinuteStats... m) { minutes = List.of(m); return this; }
        Expected channels(ChannelView... c) { channels = List.of(c); return this; }
        Expected channelMinutes(ChannelMinute... c) { channelMinutes = List.of(c); return this; }

        Delta build() {
            return new Delta(CAMPAIGN, CampaignDelta.TRAFFIC_SHARD, 0, 0, 0, 0, 0, pv, carts, uv, minutes, channels,
                    channelMinutes);
        }
    }

    private static MonitorSettings withMaxChannels(int maxChannels) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.MAX_CHANNELS, maxChannels);
        return MonitorOptions.settings(config);
    }
}
