package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorOptions;
import io.warroom.config.MonitorSettings;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ItemSignal;
import io.warroom.model.ItemTraffic;
import io.warroom.model.MinuteStats;
import io.warroom.model.StreamKind;
import io.warroom.model.TrafficSignal;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeutils.base.BooleanSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One traffic shard: the key of one hash slice of event ids, which routes each click or cart to the campaigns whose
 * windows hold it, then deduplicates and counts per campaign. Most tests run campaign c1 ({@link TestCampaigns#PACED},
 * 10:00 to 12:00) alone, with at most two channels tracked per campaign; the tests of routing run c1 with c2
 * ({@link #FLASH}, 11:30 to 12:30), which overlaps c1's last half hour.
 *
 * <p>Per campaign it sends one {@link CampaignDelta} on {@link TrafficShardFunction#CAMPAIGN} per flush interval
 * (200 ms of processing time), but one TRAFFIC {@link ItemSignal} per item only once a stats interval (1 s) has
 * passed since the first of them was counted; the end of an event-time minute sends both. Outputs are compared in
 * a form that does not depend on map iteration order (user hashes and minutes sorted, sketches as their estimates).
 */
class TrafficShardFunctionTest {
    private static final String CAMPAIGN = "c1";
    private static final String FLASH_CAMPAIGN = "c2";
    private static final String FLASH = """
            campaign_id: c2
            start: "2026-11-11T11:30:00Z"
            end: "2026-11-11T12:30:00Z"
            gmv_target: "100.00"
            pacing:
              - { at: "2026-11-11T12:30:00Z", share: 1.0 }
            """;
    /** The shard's key; the function trusts its key, so every event id can be sent to it. */
    private static final int SHARD_KEY = 3;
    private static final int MAX_CHANNELS = 2;
    private static final String SHIRT = "shirt";
    private static final String CAP = "cap";

    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long SECOND_CHECKPOINT = at("2026-11-11T11:00:00Z");
    private static final long END = at("2026-11-11T12:00:00Z");
    private static final long FLASH_START = at("2026-11-11T11:30:00Z");
    private static final long FLASH_END = at("2026-11-11T12:30:00Z");
    private static final MonitorSettings SETTINGS = withMaxChannels(MAX_CHANNELS);
    private static final long CLEANUP = SETTINGS.releaseTime(END);
    private static final long FLASH_CLEANUP = SETTINGS.releaseTime(FLASH_END);
    private static final long FLUSH_INTERVAL = SETTINGS.flushIntervalMillis();
    private static final long STATS_INTERVAL = SETTINGS.statsIntervalMillis();
    /**
     * Processing time when the function opens: past every event time of these tests, as in a replay or a job
     * catching up. Event and processing times are both epoch milliseconds, so a flush that mixed up the two clocks
     * shows; with the harness's clock at 0, every event time would look later than any processing time due.
     */
    private static final long OPENED_AT = at("2026-11-11T14:00:00Z");

    private static final long HORIZON = CampaignDefinition.DEFAULT_DEDUP_HORIZON.toMillis();
    private static final long MINUTE = 60_000L;
    private static final long T1 = START + minutes(1);
    private static final long T2 = START + minutes(2);
    /** In c1 only, in c1 and c2, in c2 only. */
    private static final long C1_ONLY = START + minutes(10);
    private static final long BOTH = FLASH_START + minutes(10);
    private static final long C2_ONLY = END + minutes(10);

    private TrafficShardFunction function;
    private KeyedBroadcastOperatorTestHarness<Integer, TrafficSignal, CampaignUpdate, ItemSignal> harness;
    private String[] campaignYamls;
    private MonitorSettings settings;
    private long processingTime;

    @BeforeEach
    void setUp() throws Exception {
        open(SETTINGS, TestCampaigns.PACED);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void theDefaultIntervalsAreTheOnesTheseTestsAssume() {
        // Items wait several campaign flushes; the tests of the two intervals below rely on it.
        assertThat(STATS_INTERVAL).isGreaterThan(2 * FLUSH_INTERVAL);
        assertThat(STATS_INTERVAL % FLUSH_INTERVAL).isZero();
    }

    // --- exact deduplication by event_id

    @Test
    void aClickCountsOncePerEventId() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", SHIRT, T2, "u1", "app"));

        Flush flush = afterStatsInterval();

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

        Flush flush = afterStatsInterval();

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

        Flush flush = afterStatsInterval();

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

        Flush flush = afterStatsInterval();

        assertThat(flush.items()).containsExactly(
                item(CAP, T1, 0, 1, Map.of()),
                item(SHIRT, T2, 0, 2, Map.of()));
        // No click, so no sketch at all: the campaign has no users to add.
        assertThat(flush.deltas()).containsExactly(expected().carts(3).build());
        assertThat(flush.rawDeltas().get(0).uvSketch()).isNull();
    }

    // --- routing to campaigns

    @Test
    void aClickInTwoOverlappingCampaignsCountsInEachWithItsOwnDeduplication() throws Exception {
        open(SETTINGS, TestCampaigns.PACED, FLASH);
        push(click("e1", SHIRT, C1_ONLY, "u1", "app"));
        push(click("e2", SHIRT, BOTH, "u2", "app"));
        push(cart("k1", CAP, BOTH, "u2"));
        push(click("e3", CAP, C2_ONLY, "u3", "web"));
        // Copies of the shared events: each campaign drops its own copy. Had the campaigns shared one set of seen
        // ids, the second campaign would take the first copy for a copy and never count the event.
        push(click("e2", SHIRT, BOTH, "u2", "app"));
        push(cart("k1", CAP, BOTH, "u2"));

        Flush flush = afterStatsInterval();

        assertThat(flush.items()).containsExactly(
                item(CAMPAIGN, CAP, BOTH, 0, 1, Map.of()),
                item(CAMPAIGN, SHIRT, BOTH, 2, 0, Map.of(C1_ONLY, 1L, BOTH, 1L), "u1", "u2"),
                item(FLASH_CAMPAIGN, CAP, C2_ONLY, 1, 1, Map.of(C2_ONLY, 1L), "u3"),
                item(FLASH_CAMPAIGN, SHIRT, BOTH, 1, 0, Map.of(BOTH, 1L), "u2"));
        assertThat(flush.deltas()).containsExactly(
                expected()
                        .pv(2).carts(1).uv(2)
                        .minutes(minute(C1_ONLY, 1), minute(BOTH, 1))
                        .channels(channel("app", 2, 2))
                        .channelMinutes(new ChannelMinute("app", C1_ONLY, 1), new ChannelMinute("app", BOTH, 1))
                        .build(),
                expected().campaign(FLASH_CAMPAIGN)
                        .pv(2).carts(1).uv(2)
                        .minutes(minute(BOTH, 1), minute(C2_ONLY, 1))
                        .channels(channel("app", 1, 1), channel("web", 1, 1))
                        .channelMinutes(new ChannelMinute("app", BOTH, 1), new ChannelMinute("web", C2_ONLY, 1))
                        .build());
        assertThat(campaignsWithState()).containsExactly(CAMPAIGN, FLASH_CAMPAIGN);
    }

    @Test
    void aSignalOutsideEveryCampaignIsCountedAndProducesNothing() throws Exception {
        // Just before the start and at the end, which the window leaves out.
        push(click("e1", SHIRT, START - 1, "u1", "app"));
        push(cart("k1", SHIRT, END, "u1"));
        push(click("e2", SHIRT, END + minutes(5), "u2", "app"));

        assertThat(afterStatsInterval().isEmpty()).isTrue();
        harness.processWatermark(CLEANUP + minutes(1));
        assertThat(drain().isEmpty()).isTrue();

        assertThat(outsideCampaigns(StreamKind.CLICK)).isEqualTo(2);
        assertThat(outsideCampaigns(StreamKind.CART)).isEqualTo(1);
        assertThat(droppedAfterRelease()).isZero();
        // Nothing opened for them: no state, no timer.
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aSignalInsideACampaignIsNotCountedOutside() throws Exception {
        push(click("e1", SHIRT, START, "u1", "app"));
        push(cart("k1", SHIRT, END - 1, "u1"));

        assertThat(afterStatsInterval().deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(START, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", START, 1))
                .build());
        assertThat(outsideCampaigns(StreamKind.CLICK)).isZero();
        assertThat(outsideCampaigns(StreamKind.CART)).isZero();
    }

    // --- flushes

    @Test
    void campaignIncrementsGoOutEveryFlushIntervalAndItemIncrementsOnceTheStatsIntervalHasPassed() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(cart("k1", CAP, T1, "u2"));
        // One flush scheduled, however many events wait for it.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        passProcessingTimeTo(OPENED_AT + FLUSH_INTERVAL - 1);
        assertThat(drain().isEmpty()).isTrue();

        passProcessingTimeTo(OPENED_AT + FLUSH_INTERVAL);
        Flush first = drain();
        assertThat(first.items()).as("items wait for the stats interval").isEmpty();
        assertThat(first.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(T1, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1))
                .build());

        passProcessingTimeTo(OPENED_AT + FLUSH_INTERVAL + FLUSH_INTERVAL / 2);
        push(click("e2", SHIRT, T1 + seconds(30), "u3", "web"));
        passProcessingTimeTo(OPENED_AT + 2 * FLUSH_INTERVAL);
        Flush second = drain();
        assertThat(second.items()).isEmpty();
        assertThat(second.deltas()).containsExactly(expected()
                .pv(1).uv(1)
                .minutes(minute(T1, 1))
                .channels(channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("web", T1, 1))
                .build());

        passProcessingTimeTo(OPENED_AT + STATS_INTERVAL - 1);
        assertThat(drain().isEmpty()).isTrue();

        // A stats interval after the first item increment was counted: every item's increments since, at once.
        passProcessingTimeTo(OPENED_AT + STATS_INTERVAL);
        Flush items = drain();
        assertThat(items.deltas()).isEmpty();
        assertThat(items.items()).containsExactly(
                item(CAP, T1, 0, 1, Map.of()),
                item(SHIRT, T1 + seconds(30), 2, 0, Map.of(T1, 2L), "u1", "u3"));

        // Nothing new since: nothing sent, and no timer left behind.
        assertThat(afterStatsInterval().isEmpty()).isTrue();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void theStatsIntervalOfItemsStartsWithTheFirstItemIncrementAfterAnItemFlush() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        assertThat(afterStatsInterval().items()).hasSize(1);

        passProcessingTimeTo(processingTime + 3 * FLUSH_INTERVAL);
        push(click("e2", SHIRT, T1, "u2", "app"));
        long counted = processingTime;

        passProcessingTimeTo(counted + STATS_INTERVAL - 1);
        assertThat(drain().items()).isEmpty();
        passProcessingTimeTo(counted + STATS_INTERVAL);
        assertThat(drain().items()).containsExactly(item(SHIRT, T1, 1, 0, Map.of(T1, 1L), "u2"));
    }

    @Test
    void eachFlushHoldsOnlyWhatCameAfterThePreviousOne() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        assertThat(afterStatsInterval().isEmpty()).isFalse();

        push(click("e2", SHIRT, T2, "u2", "app"));
        push(cart("k1", SHIRT, T2, "u2"));
        Flush flush = afterStatsInterval();

        // Counters, minutes and users are increments: the campaign adds them up and unions the sketches.
        assertThat(flush.items()).containsExactly(item(SHIRT, T2, 1, 1, Map.of(T2, 1L), "u2"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(T2, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T2, 1))
                .build());
        assertSketchHoldsExactly(flush.rawDeltas().get(0).uvSketch(), "u2");
        assertThat(afterStatsInterval().isEmpty()).isTrue();
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
        assertThat(afterStatsInterval().isEmpty()).isTrue();
    }

    @Test
    void theEndOfAMinuteSendsItemIncrementsBeforeTheirStatsInterval() throws Exception {
        long minute = START + minutes(10);
        push(click("e1", SHIRT, minute + seconds(30), "u1", "app"));
        push(cart("k1", CAP, minute + seconds(40), "u1"));
        Flush campaignOnly = afterFlushInterval();
        assertThat(campaignOnly.items()).isEmpty();
        assertThat(campaignOnly.deltas()).hasSize(1);

        // Item stats evaluate the minute's boundary too: they must not wait for the rest of the stats interval.
        harness.processWatermark(minute + minutes(1) - 1);

        assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                .containsExactly(minute + minutes(1) - 1, minute + minutes(1) - 1);
        Flush flush = drain();
        assertThat(flush.deltas()).as("the campaign's increments went out already").isEmpty();
        assertThat(flush.items()).containsExactly(
                item(CAP, minute + seconds(40), 0, 1, Map.of()),
                item(SHIRT, minute + seconds(30), 1, 0, Map.of(minute, 1L), "u1"));
        assertThat(afterStatsInterval().isEmpty()).isTrue();
        assertThat(harness.numProcessingTimeTimers()).isZero();
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
        open(SETTINGS, TestCampaigns.ENDS_MID_MINUTE);
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

    @Test
    void twoCampaignsOnOneKeyEachFlushOnTheirOwnTimer() throws Exception {
        open(SETTINGS, TestCampaigns.PACED, FLASH);
        push(click("e1", SHIRT, C1_ONLY, "u1", "app"));
        passProcessingTimeTo(OPENED_AT + FLUSH_INTERVAL / 2);
        push(click("e2", CAP, C2_ONLY, "u2", "web"));
        // c1's flush is due a flush interval after its click, c2's after its own: two timers on the one key.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

        passProcessingTimeTo(OPENED_AT + FLUSH_INTERVAL);
        assertThat(drain().deltas()).extracting(Delta::campaignId).containsExactly(CAMPAIGN);
        passProcessingTimeTo(OPENED_AT + FLUSH_INTERVAL + FLUSH_INTERVAL / 2);
        assertThat(drain().deltas()).containsExactly(expected().campaign(FLASH_CAMPAIGN)
                .pv(1).uv(1)
                .minutes(minute(C2_ONLY, 1))
                .channels(channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("web", C2_ONLY, 1))
                .build());

        // Items follow each campaign's own stats interval, from its own first item increment.
        passProcessingTimeTo(OPENED_AT + STATS_INTERVAL);
        assertThat(drain().items()).containsExactly(item(SHIRT, C1_ONLY, 1, 0, Map.of(C1_ONLY, 1L), "u1"));
        passProcessingTimeTo(OPENED_AT + STATS_INTERVAL + FLUSH_INTERVAL / 2);
        assertThat(drain().items()).containsExactly(
                item(FLASH_CAMPAIGN, CAP, C2_ONLY, 1, 0, Map.of(C2_ONLY, 1L), "u2"));
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aTimerTwoCampaignsShareFlushesBoth() throws Exception {
        open(SETTINGS, TestCampaigns.PACED, FLASH);
        push(click("e1", SHIRT, BOTH, "u1", "app"));
        // Both campaigns schedule their flush for the same instant: the key holds one timer for the two.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        Flush flush = afterFlushInterval();

        assertThat(flush.deltas()).extracting(Delta::campaignId).containsExactly(CAMPAIGN, FLASH_CAMPAIGN);
        assertThat(afterStatsInterval().items()).extracting(ItemIncrement::campaignId)
                .containsExactly(CAMPAIGN, FLASH_CAMPAIGN);
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

        assertThat(afterStatsInterval().deltas()).containsExactly(expected()
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

        assertThat(afterStatsInterval().deltas()).containsExactly(expected()
                .pv(2).uv(2)
                .minutes(minute(START, 2))
                .channels(channel(CampaignDefinition.OTHER_CHANNEL, 1, 1), channel("web", 1, 1))
                .channelMinutes(new ChannelMinute(CampaignDefinition.OTHER_CHANNEL, START, 1),
                        new ChannelMinute("web", START, 1))
                .build());
    }

    @Test
    void aChannelTheCampaignDoesNotListCountsAsOther() throws Exception {
        open(MonitorSettings.defaults(), TestCampaigns.PACED + "channels: [app, web]\n");
        push(click("e1", SHIRT, START + seconds(1), "u1", "app"));
        push(click("e2", SHIRT, START + seconds(2), "u2", "tv"));
        // Clicks that came without a channel keep their own label.
        push(click("e3", SHIRT, START + seconds(3), "u3", CampaignDefinition.UNKNOWN_CHANNEL));
        push(click("e4", SHIRT, START + seconds(4), "u4", "web"));

        assertThat(afterStatsInterval().deltas()).containsExactly(expected()
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

    // --- the dedup horizon (c1: the default hour)

    @Test
    void anEventBeyondTheHorizonBehindItsInputIsDroppedAndCountedAsLate() throws Exception {
        long limit = SETTINGS.outOfOrdernessMillis() + HORIZON;
        push(clickBehind("e1", T1, limit));
        push(clickBehind("e2", T1, limit + 1));
        push(clickBehind("e1", T1, limit + 1)); // a copy, too late: late, not a duplicate
        push(new TrafficSignal(true, SHARD_KEY, T1, "k1", "u1", SHIRT, null, limit + 1));

        Flush flush = afterStatsInterval();

        assertThat(flush.items()).containsExactly(item(SHIRT, T1, 1, 0, Map.of(T1, 1L), "u-e1"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).uv(1).lateDropped(3)
                .minutes(minute(T1, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1))
                .build());
        assertThat(lateDropped(StreamKind.CLICK)).isEqualTo(2);
        assertThat(lateDropped(StreamKind.CART)).isEqualTo(1);
    }

    @Test
    void idsAreForgottenOnceTheHorizonHasPassedAndTheirCopiesAreThenTooLate() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        afterStatsInterval();
        long forgetAt = MinuteStats.minuteOf(T1 + HORIZON) + MINUTE;
        assertThat(seenIds()).isEqualTo(1);

        harness.processWatermark(forgetAt - 1);
        assertThat(seenIds()).as("within the horizon").isEqualTo(1);
        harness.processWatermark(forgetAt);
        assertThat(seenIds()).isZero();

        // By this operator's event time the copy is beyond the horizon, wherever its input stands.
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", SHIRT, forgetAt - HORIZON, "u2", "app")); // exactly the horizon behind: counts
        Flush flush = afterStatsInterval();
        assertThat(flush.items()).containsExactly(
                item(SHIRT, forgetAt - HORIZON, 1, 0, Map.of(forgetAt - HORIZON, 1L), "u2"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).uv(1).lateDropped(1)
                .minutes(minute(forgetAt - HORIZON, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", forgetAt - HORIZON, 1))
                .build());
    }

    @Test
    void aCampaignsOwnHorizonDecides() throws Exception {
        open(SETTINGS, TestCampaigns.PACED.replace("campaign_id: c1\n", "campaign_id: c1\ndedup_horizon: 5min\n"));
        long limit = SETTINGS.outOfOrdernessMillis() + minutes(5);
        push(clickBehind("e1", T1, limit));
        push(clickBehind("e2", T1, limit + 1));

        Flush flush = afterStatsInterval();

        assertThat(flush.deltas()).extracting(Delta::pv, Delta::lateDropped).containsExactly(tuple(1L, 1L));
    }

    // --- release

    @Test
    void stateAndTimersAreReleasedAfterTheReleaseTimer() throws Exception {
        push(click("e1", SHIRT, START + minutes(10), "u1", "app"));
        harness.processWatermark(END + minutes(30));
        drain();
        // Late but within retention and the dedup horizon: pending counts, a pending minute and a flush timer when
        // the release comes.
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
        assertReleasedStateLeavesNoTimerBehind();
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

        assertThat(afterStatsInterval().isEmpty()).isTrue();
        assertThat(droppedAfterRelease()).isEqualTo(2);
        assertThat(outsideCampaigns(StreamKind.CLICK)).as("still inside the campaign's window").isZero();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aReleasedCampaignStaysReleasedAfterARestore() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        harness.processWatermark(CLEANUP);
        drain();

        restartFromSnapshot();
        // In the campaign's window, and no watermark since the restore: only the saved event time knows it is over.
        push(click("e2", SHIRT, T2, "u2", "app"));
        push(cart("k1", SHIRT, T2, "u2"));

        assertThat(afterStatsInterval().isEmpty()).isTrue();
        assertThat(droppedAfterRelease()).isEqualTo(2);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void releasingOneCampaignKeepsTheOtherCampaignsStateOnTheKey() throws Exception {
        open(SETTINGS, TestCampaigns.PACED, FLASH);
        push(click("e1", SHIRT, C1_ONLY, "u1", "app"));
        push(click("e2", SHIRT, BOTH, "u2", "app"));
        push(click("e3", CAP, C2_ONLY, "u3", "web"));
        assertThat(afterStatsInterval().deltas()).hasSize(2);

        // c1 ends at noon, c2 half an hour later: the first release is c1's alone.
        harness.processWatermark(CLEANUP);
        assertThat(drain().isEmpty()).isTrue();
        assertThat(campaignsWithState()).containsExactly(FLASH_CAMPAIGN);

        // c2 still knows what it counted, and still counts late events; c1 counts nothing any more.
        push(click("e2", SHIRT, BOTH, "u2", "app"));
        push(click("e3", CAP, C2_ONLY, "u3", "web"));
        push(click("e4", CAP, C2_ONLY + minutes(1), "u4", "web"));
        push(click("e5", SHIRT, C1_ONLY, "u5", "app"));
        Flush late = afterStatsInterval();
        assertThat(late.items()).containsExactly(
                item(FLASH_CAMPAIGN, CAP, C2_ONLY + minutes(1), 1, 0, Map.of(C2_ONLY + minutes(1), 1L), "u4"));
        assertThat(late.deltas()).containsExactly(expected().campaign(FLASH_CAMPAIGN)
                .pv(1).uv(1).lateDropped(1)
                .minutes(minute(C2_ONLY + minutes(1), 1))
                .channels(channel("web", 1, 1))
                .channelMinutes(new ChannelMinute("web", C2_ONLY + minutes(1), 1))
                .build());
        // Dropped after c1's release: its copy of e2, and e5. c2 drops its own copy of e2 as too late: 80 minutes
        // behind c2's event time, beyond its dedup horizon of an hour.
        assertThat(droppedAfterRelease()).isEqualTo(2);

        // Pending for c2 when its own release comes: flushed, then nothing is left of either campaign.
        push(cart("k1", SHIRT, C2_ONLY, "u6"));
        harness.processWatermark(FLASH_CLEANUP);

        Flush last = drain();
        assertThat(last.items()).containsExactly(item(FLASH_CAMPAIGN, SHIRT, C2_ONLY, 0, 1, Map.of()));
        assertThat(last.deltas()).containsExactly(expected().campaign(FLASH_CAMPAIGN).carts(1).build());
        assertThat(campaignsWithState()).isEmpty();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertReleasedStateLeavesNoTimerBehind();
    }

    // --- snapshot and restore

    @Test
    void aRestoreKeepsPendingCountsAndSeenIdsSoNothingIsLostOrCountedTwice() throws Exception {
        push(click("e1", SHIRT, T1, "u1", "app"));
        push(click("e2", CAP, T1, "u2", "web"));
        assertThat(afterStatsInterval().isEmpty()).isFalse();
        // Pending at the snapshot: a click and a cart not yet passed on, and their scheduled flush.
        push(click("e3", SHIRT, T1 + seconds(10), "u3", "app"));
        push(cart("k1", SHIRT, T1 + seconds(10), "u1"));

        restartFromSnapshot();
        // Copies of events counted before the snapshot, flushed or still pending, are copies after it too.
        push(click("e1", SHIRT, T1, "u1", "app"));

        // The increments pending at the snapshot go out with the first element after the restore.
        Flush restored = drain();
        assertThat(restored.items()).containsExactly(item(SHIRT, T1 + seconds(10), 1, 1, Map.of(T1, 1L), "u3"));
        assertThat(restored.deltas()).containsExactly(expected()
                .pv(1).carts(1).uv(1)
                .minutes(minute(T1, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1))
                .build());

        push(click("e2", CAP, T1, "u2", "web"));
        push(click("e3", SHIRT, T1 + seconds(10), "u3", "app"));
        push(cart("k1", SHIRT, T1 + seconds(10), "u1"));
        push(click("e4", CAP, T1 + seconds(20), "u4", "app"));
        Flush flush = afterStatsInterval();

        assertThat(flush.items()).containsExactly(item(CAP, T1 + seconds(20), 1, 0, Map.of(T1, 1L), "u4"));
        assertThat(flush.deltas()).containsExactly(expected()
                .pv(1).uv(1)
                .minutes(minute(T1, 1))
                .channels(channel("app", 1, 1))
                .channelMinutes(new ChannelMinute("app", T1, 1))
                .build());
        assertSketchHoldsExactly(flush.rawDeltas().get(0).uvSketch(), "u4");
        assertThat(afterStatsInterval().isEmpty()).isTrue();

        // So does the release timer.
        harness.processWatermark(CLEANUP);
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aRestoreBetweenACampaignFlushAndTheItemFlushKeepsTheWaitingItemsOfEveryCampaign() throws Exception {
        open(SETTINGS, TestCampaigns.PACED, FLASH);
        push(click("e1", SHIRT, BOTH, "u1", "app"));
        assertThat(afterFlushInterval().deltas()).hasSize(2);
        // At the snapshot both campaigns have sent e1 to the campaign totals, but still hold it for the items.
        passProcessingTimeTo(processingTime + FLUSH_INTERVAL / 2);

        restartFromSnapshot();
        push(click("e1", SHIRT, BOTH, "u1", "app"));

        // The items waiting at the snapshot go out with the first element after the restore, e1 once in each
        // campaign's; the copy of e1 adds nothing.
        Flush restored = drain();
        assertThat(restored.deltas()).isEmpty();
        assertThat(restored.items()).containsExactly(
                item(CAMPAIGN, SHIRT, BOTH, 1, 0, Map.of(BOTH, 1L), "u1"),
                item(FLASH_CAMPAIGN, SHIRT, BOTH, 1, 0, Map.of(BOTH, 1L), "u1"));

        push(click("e2", SHIRT, BOTH + seconds(5), "u2", "web"));
        push(click("e3", CAP, C1_ONLY, "u3", "app"));
        passProcessingTimeTo(OPENED_AT + STATS_INTERVAL - 1);
        Flush campaigns = drain();
        assertThat(campaigns.deltas()).containsExactly(
                expected()
                        .pv(2).uv(2)
                        .minutes(minute(C1_ONLY, 1), minute(BOTH, 1))
                        .channels(channel("app", 1, 1), channel("web", 1, 1))
                        .channelMinutes(new ChannelMinute("app", C1_ONLY, 1), new ChannelMinute("web", BOTH, 1))
                        .build(),
                expected().campaign(FLASH_CAMPAIGN)
                        .pv(1).uv(1)
                        .minutes(minute(BOTH, 1))
                        .channels(channel("web", 1, 1))
                        .channelMinutes(new ChannelMinute("web", BOTH, 1))
                        .build());
        assertThat(campaigns.items()).isEmpty();

        Flush items = afterStatsInterval();
        assertThat(items.deltas()).isEmpty();
        assertThat(items.items()).containsExactly(
                item(CAMPAIGN, CAP, C1_ONLY, 1, 0, Map.of(C1_ONLY, 1L), "u3"),
                item(CAMPAIGN, SHIRT, BOTH + seconds(5), 1, 0, Map.of(BOTH, 1L), "u2"),
                item(FLASH_CAMPAIGN, SHIRT, BOTH + seconds(5), 1, 0, Map.of(BOTH, 1L), "u2"));
        assertThat(afterStatsInterval().isEmpty()).isTrue();
    }

    @Test
    void aRestoredShardWithQuietInputStillFlushesAtTheEndOfThePendingMinute() throws Exception {
        push(click("e1", SHIRT, T1 + seconds(10), "u1", "app"));
        push(click("e2", SHIRT, T1 + seconds(20), "u2", "web"));
        push(cart("k1", CAP, T1 + seconds(30), "u2"));

        restartFromSnapshot();
        harness.processWatermark(T1 + minutes(1) - 1);
        push(click("e2", SHIRT, T1 + seconds(20), "u2", "web")); // a copy after the restore adds nothing

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
        afterStatsInterval();

        restartFromSnapshot();
        push(click("e3", SHIRT, T1, "u3", "tv"));
        push(click("e4", SHIRT, T1, "u4", "web"));

        assertThat(afterStatsInterval().deltas()).singleElement().extracting(Delta::channels).isEqualTo(List.of(
                channel(CampaignDefinition.OTHER_CHANNEL, 1, 1), channel("web", 1, 1)));
    }

    // --- driving the harness

    /** Opens (or reopens) the function under test on a catalog of these campaigns, keyed as in the job. */
    private void open(MonitorSettings settings, String... campaigns) throws Exception {
        if (harness != null) {
            harness.close();
        }
        this.settings = settings;
        campaignYamls = campaigns;
        function = new TrafficShardFunction(TestCampaigns.timeline(campaigns), settings);
        harness = KeyedHarness.open(function, TrafficSignal::shardKey, BasicTypeInfo.INT_TYPE_INFO);
        processingTime = OPENED_AT;
        harness.setProcessingTime(processingTime);
    }

    /**
     * Snapshots the operator, closes it and restores a fresh one from the snapshot, as a restart from a checkpoint
     * does. Processing time stays where it was.
     */
    private void restartFromSnapshot() throws Exception {
        assertThat(drain().isEmpty()).as("nothing emitted before the snapshot").isTrue();
        OperatorSubtaskState snapshot = harness.snapshot(1L, processingTime);
        harness.close();
        function = new TrafficShardFunction(TestCampaigns.timeline(campaignYamls), settings);
        harness = KeyedHarness.restore(function, TrafficSignal::shardKey, BasicTypeInfo.INT_TYPE_INFO, snapshot);
        harness.setProcessingTime(processingTime);
    }

    private void push(TrafficSignal signal) throws Exception {
        harness.processElement(signal, signal.ts());
    }

    /** Lets one flush interval of processing time pass: campaign increments go out, items may still wait. */
    private Flush afterFlushInterval() throws Exception {
        passProcessingTimeTo(processingTime + FLUSH_INTERVAL);
        return drain();
    }

    /** Lets a stats interval of processing time pass, long enough for everything pending to go out. */
    private Flush afterStatsInterval() throws Exception {
        passProcessingTimeTo(processingTime + STATS_INTERVAL);
        return drain();
    }

    /**
     * Moves processing time on as it passes in a running job, where each timer fires at its own time. Moved straight
     * to the target, the harness would fire every timer due with its clock already at the target, and the flushes
     * they re-arm would come late.
     */
    private void passProcessingTimeTo(long target) throws Exception {
        while (true) {
            OptionalLong next = harness.getProcessingTimeService().getActiveTimerTimestamps().stream()
                    .mapToLong(Long::longValue).min();
            if (next.isEmpty() || next.getAsLong() > target) {
                break;
            }
            processingTime = Math.max(processingTime, next.getAsLong());
            harness.setProcessingTime(processingTime);
        }
        processingTime = target;
        harness.setProcessingTime(processingTime);
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
                .sorted(Comparator.comparing(ItemIncrement::campaignId).thenComparing(ItemIncrement::itemId))
                .toList(),
                deltas.stream().map(TrafficShardFunctionTest::view)
                        .sorted(Comparator.comparing(Delta::campaignId)).toList(),
                deltas);
    }

    /** The campaigns the shard keeps state for, read from the key's map state. */
    private Set<String> campaignsWithState() throws Exception {
        KeyedStateBackend<Integer> backend = KeyedHarness.backend(harness);
        backend.setCurrentKey(SHARD_KEY);
        MapState<String, List<String>> state = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("traffic-channels",
                        StringSerializer.INSTANCE, new ListSerializer<>(StringSerializer.INSTANCE)));
        Set<String> campaigns = new TreeSet<>();
        state.keys().forEach(campaigns::add);
        return campaigns;
    }

    /**
     * After a release, the campaign's processing-time flush may still be scheduled (the function leaves it to fire,
     * as another campaign on the key may be due at the same instant): it must find nothing to send and leave nothing
     * behind.
     */
    private void assertReleasedStateLeavesNoTimerBehind() throws Exception {
        assertThat(afterFlushInterval().isEmpty()).isTrue();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
    }

    /** The function's drop counter: the harness's metric group keeps no counters, so it is read off the function. */
    private long droppedAfterRelease() throws Exception {
        return ((Counter) field("closedCampaignDrops")).getCount();
    }

    /** Signals dropped as too late, read off the function like {@link #droppedAfterRelease}. */
    private long lateDropped(StreamKind stream) throws Exception {
        return ((Counter[]) field("lateDropped"))[stream.ordinal()].getCount();
    }

    /** How many ids the shard's key holds (the harness keeps state on the heap, in a table of ids). */
    private int seenIds() throws Exception {
        KeyedStateBackend<Integer> backend = KeyedHarness.backend(harness);
        backend.setCurrentKey(SHARD_KEY);
        ValueState<IdTable> state = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("seen-ids-table", SeenIds.IdTableSerializer.INSTANCE));
        return state.value() == null ? 0 : state.value().size();
    }

    /** Signals of a stream in no campaign's window, read off the function like {@link #droppedAfterRelease}. */
    private long outsideCampaigns(StreamKind stream) throws Exception {
        return ((Counter[]) field("outsideCampaigns"))[stream.ordinal()].getCount();
    }

    private Object field(String name) throws Exception {
        Field field = TrafficShardFunction.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(function);
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

    // --- signals, as the input splitter sends them: no campaign, the shard's key

    private static TrafficSignal click(String eventId, String itemId, long ts, String userId, String channel) {
        return new TrafficSignal(false, SHARD_KEY, ts, eventId, userId, itemId, channel, 0);
    }

    /** A click {@code behindMillis} behind the highest ts its input had sent before it. */
    private static TrafficSignal clickBehind(String eventId, long ts, long behindMillis) {
        return new TrafficSignal(false, SHARD_KEY, ts, eventId, "u-" + eventId, SHIRT, "app", behindMillis);
    }

    private static TrafficSignal cart(String eventId, String itemId, long ts, String userId) {
        return new TrafficSignal(true, SHARD_KEY, ts, eventId, userId, itemId, null, 0);
    }

    // --- what a flush sends, compared by content

    /** What was sent meanwhile: item increments by campaign and item, campaign deltas by campaign (raw too). */
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
            long buyers, long pv, long carts, long lateDropped, Long uv, List<MinuteStats> minutes,
            List<ChannelView> channels,
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
                d.buyers(), d.pv(), d.carts(), d.lateDropped(), d.uvSketch() == null ? null : estimate(d.uvSketch()), minutes,
                channels, channelMinutes);
    }

    private static long estimate(byte[] sketch) {
        return Sketches.estimate(HllSketch.heapify(sketch));
    }

    /** An item's increment in c1: {@code ts} is its latest event's; users of its clicks, one entry per click. */
    private static ItemIncrement item(String itemId, long ts, long pv, long carts, Map<Long, Long> minutePv,
            String... clickUsers) {
        return item(CAMPAIGN, itemId, ts, pv, carts, minutePv, clickUsers);
    }

    private static ItemIncrement item(String campaignId, String itemId, long ts, long pv, long carts,
            Map<Long, Long> minutePv, String... clickUsers) {
        return new ItemIncrement(ItemSignal.Kind.TRAFFIC, campaignId, itemId, ts, pv, carts, minutePv,
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

    /** Expected traffic delta of c1 unless said otherwise: zero or empty, and no users sketch, unless said so. */
    private static final class Expected {
        private String campaignId = CAMPAIGN;
        private long pv, carts, lateDropped;
        private Long uv;
        private List<MinuteStats> minutes = List.of();
        private List<ChannelView> channels = List.of();
        private List<ChannelMinute> channelMinutes = List.of();

        Expected campaign(String id) { campaignId = id; return this; }
        Expected pv(long n) { pv = n; return this; }
        Expected carts(long n) { carts = n; return this; }
        Expected lateDropped(long n) { lateDropped = n; return this; }
        Expected uv(long n) { uv = n; return this; }
        Expected minutes(MinuteStats... m) { minutes = List.of(m); return this; }
        Expected channels(ChannelView... c) { channels = List.of(c); return this; }
        Expected channelMinutes(ChannelMinute... c) { channelMinutes = List.of(c); return this; }

        Delta build() {
            return new Delta(campaignId, CampaignDelta.TRAFFIC_SHARD, 0, 0, 0, 0, 0, pv, carts, lateDropped, uv, minutes,
                    channels, channelMinutes);
        }
    }

    private static MonitorSettings withMaxChannels(int maxChannels) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.MAX_CHANNELS, maxChannels);
        return MonitorOptions.settings(config);
    }
}
