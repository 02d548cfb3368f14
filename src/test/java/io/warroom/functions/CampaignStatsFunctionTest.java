package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignDelta;
import io.warroom.model.CampaignStats;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ChannelMinute;
import io.warroom.model.ChannelStats;
import io.warroom.model.ChannelTraffic;
import io.warroom.model.MinuteStats;
import io.warroom.model.PacingStatus;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import io.warroom.testkit.TestTimes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Campaign c1 plans 1000.00 by its end with a 10% tolerance: 250.00 by 10:30 (shortfall below 225.00), 500.00 by
 * 11:00 (below 450.00) and 1000.00 by 12:00 (below 900.00).
 *
 * <p>TRAFFIC_DROP tests mostly use {@link TestCampaigns#TRAFFIC_WATCHED}: a minute is a drop when its pv is below
 * half the average of the 3 minutes before it, and those had at least 30 pv; so the first evaluation is at 10:04.
 *
 * <p>Deltas come from two kinds of shard: audience shards ({@link #orders}) send order increments and their latest
 * buyers estimate; traffic shards ({@link #traffic}) send click and cart increments with real HLL sketches of the
 * users of those clicks, which the campaign unions into uv.
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

    private KeyedBroadcastOperatorTestHarness<String, CampaignDelta, CampaignUpdate, CampaignStats> harness;
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
    void sumsTheDeltasOfSeveralShards() throws Exception {
        push(orders(3).gmv(5000).orders(2).units(3).buyers(2)
                .minutes(new MinuteStats(MINUTE_5, 5000, 2, 0)));
        push(orders(5).gmv(3000).refunded(1000).orders(1).units(1).buyers(1)
                .minutes(new MinuteStats(MINUTE_5, 3000, 1, 0)));
        // Audience shard 3 again: its buyers are a new estimate that replaces the old one.
        push(orders(3).gmv(2000).orders(1).units(1).buyers(3)
                .minutes(new MinuteStats(MINUTE_6, 2000, 1, 0)));
        push(traffic().carts(2).clicks("app", MINUTE_5, 10, "u1", "u2", "u3", "u4"));
        push(traffic().carts(1).clicks("app", MINUTE_5, 3, "u3", "u5").clicks("web", MINUTE_5, 2, "u6"));
        // A traffic shard again: its users are those of its new clicks, unioned with everyone counted before.
        push(traffic().clicks("app", MINUTE_6, 2, "u1", "u7"));

        assertStats(flush(), expected()
                .gmv(10000).refunded(1000).orders(4).units(5).pv(17).carts(3).uv(7).buyers(4)
                .minutes(new MinuteStats(MINUTE_5, 8000, 3, 15), new MinuteStats(MINUTE_6, 2000, 1, 2))
                .channels(new ChannelStats("app", 6, 15), new ChannelStats("web", 1, 2))
                .pacing(notYet(FIRST_CHECKPOINT, 25000, 10000), notYet(SECOND_CHECKPOINT, 50000, 10000),
                        notYet(THIRD_CHECKPOINT, 100000, 10000)));
    }

    @Test
    void aUserSeenByTwoTrafficShardsCountsOnce() throws Exception {
        // Clicks are sharded by event id, so one user's clicks land in several shards, each with its own sketch.
        push(traffic().clicks("app", MINUTE_5, 2, "u1", "u2"));
        push(traffic().clicks("app", MINUTE_5, 1, "u1").clicks("web", MINUTE_5, 1, "u3"));
        push(traffic().clicks("web", MINUTE_6, 1, "u1"));

        assertStats(flush(), expected()
                .pv(5).uv(3)
                .minutes(new MinuteStats(MINUTE_5, 0, 0, 4), new MinuteStats(MINUTE_6, 0, 0, 1))
                .channels(new ChannelStats("app", 2, 3), new ChannelStats("web", 2, 2)));
    }

    @Test
    void aTrafficDeltaOfCartsAloneLeavesUvAsItWas() throws Exception {
        push(traffic().clicks("app", MINUTE_5, 1, "u1"));
        // No clicks, so no sketch: nothing to add to uv.
        push(traffic().carts(2));

        assertStats(flush(), expected()
                .pv(1).carts(2).uv(1)
                .minutes(new MinuteStats(MINUTE_5, 0, 0, 1))
                .channels(new ChannelStats("app", 1, 1)));
    }

    @Test
    void uvUnionsAndBuyersSurviveARestore() throws Exception {
        push(traffic().clicks("app", MINUTE_5, 2, "u1", "u2"));
        push(orders(1).paid(MINUTE_5, 1000).buyers(1));
        push(orders(2).paid(MINUTE_5, 2000).buyers(1));
        assertThat(flush()).hasSize(1);

        restoreFromSnapshot();
        // u2 was counted before the restore: the restored union must still hold it.
        push(traffic().clicks("app", MINUTE_6, 1, "u2").clicks("web", MINUTE_6, 1, "u3"));
        push(orders(1).paid(MINUTE_6, 500).buyers(2));

        assertStats(flush(), expected()
                .gmv(3500).orders(3).units(3).pv(4).uv(3).buyers(3)
                .minutes(new MinuteStats(MINUTE_6, 500, 1, 2))
                .channels(new ChannelStats("app", 2, 3), new ChannelStats("web", 1, 1))
                .pacing(notYet(FIRST_CHECKPOINT, 25000, 3500), notYet(SECOND_CHECKPOINT, 50000, 3500),
                        notYet(THIRD_CHECKPOINT, 100000, 3500)));
    }

    @Test
    void aShardWhoseBuyersEstimateFallsDoesNotTakeThePublishedBuyersDown() throws Exception {
        push(orders(1).paid(MINUTE_5, 1000).buyers(5));
        assertThat(flush()).singleElement().extracting(CampaignStats::buyers).isEqualTo(5L);

        // A sketch's estimate of a growing set can dip where it changes estimators.
        push(orders(1).paid(MINUTE_6, 1000).buyers(4));
        assertThat(flush()).singleElement().extracting(CampaignStats::buyers).isEqualTo(5L);

        push(orders(2).paid(MINUTE_6, 1000).buyers(2));
        assertThat(flush()).singleElement().extracting(CampaignStats::buyers).isEqualTo(6L);
    }

    // --- restores: event time does not fall back

    @Test
    void statsAfterARestoreCarryTheEventTimeReachedBeforeIt() throws Exception {
        push(traffic().clicks("app", MINUTE_5, 1, "u1"));
        harness.processWatermark(MINUTE_6);
        assertThat(flush()).singleElement().extracting(CampaignStats::watermark).isEqualTo(MINUTE_6);

        restoreFromSnapshot();
        // Watermarks start over after a restore; until the inputs move event time again, it stays where it was.
        push(traffic().clicks("app", MINUTE_6, 1, "u2"));

        assertThat(flush()).singleElement().extracting(CampaignStats::watermark).isEqualTo(MINUTE_6);
    }

    @Test
    void aReleasedCampaignStaysReleasedAfterARestore() throws Exception {
        push(traffic().clicks("app", MINUTE_5, 1, "u1"));
        harness.processWatermark(CLEANUP);
        assertThat(drainStats()).last().extracting(CampaignStats::closed).isEqualTo(true);

        restoreFromSnapshot();
        // In the campaign's window, and no watermark since the restore: only the saved event time knows it is over.
        push(traffic().clicks("app", MINUTE_6, 1, "u2"));
        push(orders(1).paid(MINUTE_6, 1000).buyers(1));
        harness.processWatermark(MINUTE_6);

        assertThat(flush()).isEmpty();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    // --- TARGET_SHORTFALL at pacing checkpoints

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
        push(orders(1).paid(MINUTE_5, 22500).buyers(1));
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
        push(orders(1).paid(MINUTE_5, 22499).buyers(1));
        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).extracting(AlertEvent::state, AlertEvent::observed, AlertEvent::threshold)
                .containsExactly(tuple(AlertEvent.State.FIRED, "224.99", "225.00"));
    }

    @Test
    void gmvBeforeACheckpointExcludesTheMinutesFromTheCheckpointOn() throws Exception {
        // 300.00 in the checkpoint's own minute would be plenty, but it is not before the checkpoint. It is already
        // here (ahead of the watermark), so the campaign must subtract it from the total.
        push(orders(1).paid(FIRST_CHECKPOINT - minutes(1), 10000).paid(FIRST_CHECKPOINT, 30000).buyers(2));
        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).extracting(AlertEvent::state, AlertEvent::observed)
                .containsExactly(tuple(AlertEvent.State.FIRED, "100.00"));
        assertThat(drainStats()).last().extracting(CampaignStats::pacing).usingRecursiveComparison().isEqualTo(
                new PacingStatus[] {
                    behind(FIRST_CHECKPOINT, 25000, 10000),
                    notYet(SECOND_CHECKPOINT, 50000, 40000),
                    notYet(THIRD_CHECKPOINT, 100000, 40000)
                });
    }

    @Test
    void aShortfallResolvesAtTheFirstLaterCheckpointBackOnTrack() throws Exception {
        push(CampaignDelta.bootstrap(CAMPAIGN));
        harness.processWatermark(FIRST_CHECKPOINT - 1);
        AlertEvent fired = alerts().get(0);
        drainStats();

        push(orders(2).paid(FIRST_CHECKPOINT + minutes(10), 45000).buyers(1));
        harness.processWatermark(SECOND_CHECKPOINT - 1);

        assertThat(alerts()).containsExactly(fired, AlertEvent.resolved(AlertType.TARGET_SHORTFALL, CAMPAIGN, null,
                FIRST_CHECKPOINT, SECOND_CHECKPOINT,
                "c1: gmv 450.00 by 2026-11-11T11:00:00Z against a plan of 500.00 (shortfall below 450.00)",
                "450.00", "450.00"));
        assertStats(drainStats(), expected()
                .gmv(45000).orders(1).units(1).buyers(1).watermark(SECOND_CHECKPOINT - 1)
                .minutes(new MinuteStats(FIRST_CHECKPOINT + minutes(10), 45000, 1, 0))
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
    void anEvaluatedCheckpointKeepsItsOutcomeWhileLateGmvStillAddsToItsGmvBefore() throws Exception {
        push(CampaignDelta.bootstrap(CAMPAIGN));
        harness.processWatermark(FIRST_CHECKPOINT - 1);
        AlertEvent fired = alerts().get(0);
        drainStats();

        // Later than the out-of-orderness bound: it counts, but the checkpoint is not evaluated again.
        push(orders(1).paid(FIRST_CHECKPOINT - minutes(2), 30000).buyers(1));

        assertThat(flush()).last().extracting(CampaignStats::pacing).usingRecursiveComparison().isEqualTo(
                new PacingStatus[] {
                    behind(FIRST_CHECKPOINT, 25000, 30000),
                    notYet(SECOND_CHECKPOINT, 50000, 30000),
                    notYet(THIRD_CHECKPOINT, 100000, 30000)
                });
        assertThat(alerts()).containsExactly(fired);
    }

    // --- TRAFFIC_DROP at minute boundaries

    @Test
    void trafficDropFiresAtTheBoundaryEndingAMinuteBelowTheLineNotOneBoundaryEarlier() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // 10:05 has 49 pv against 100 a minute before it: 49 x 3 < 0.5 x 300.
        push(traffic().pvPerMinute(START, 100, 100, 100, 100, 100, 49));

        harness.processWatermark(START + minutes(6) - 2);
        assertThat(alerts()).isEmpty();

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.TRAFFIC_DROP, CAMPAIGN, null, null,
                START + minutes(6),
                "c1: 49 pv in the last minute against 100.0 expected from the 3 min before; alert below 50.0", "49", "50.0"));
    }

    @Test
    void trafficDropResolvesAtTheBoundaryEndingAMinuteWithTrafficBack() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        push(traffic().pvPerMinute(START, 100, 100, 100, 100, 100, 49, 100));
        harness.processWatermark(START + minutes(7) - 2);
        AlertEvent fired = alerts().get(0);

        harness.processWatermark(START + minutes(7) - 1);

        // Judged against the baseline it fired against (10:02 to 10:04, 100 a minute), not one holding the drop.
        assertThat(alerts()).containsExactly(fired, AlertEvent.resolved(AlertType.TRAFFIC_DROP, CAMPAIGN, null, null,
                START + minutes(6), START + minutes(7),
                "c1: 100 pv in the last minute against 100.0 expected from the 3 min before; alert below 50.0", "100",
                "50.0"));
    }

    @Test
    void aLastingTrafficDropStaysActiveAgainstTheBaselineItFiredAgainst() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // Traffic stops at 10:05 for good: a sliding baseline would empty out and resolve the alert by itself.
        push(traffic().pvPerMinute(START, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0));

        harness.processWatermark(START + minutes(11) - 1);

        assertThat(alerts()).extracting(AlertEvent::state).containsExactly(AlertEvent.State.FIRED);
    }

    @Test
    void aMinuteExactlyOnTheDropLineIsNotADrop() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // 50 x 3 = 0.5 x 300: on the line (one pv less is a drop, see above).
        push(traffic().pvPerMinute(START, 100, 100, 100, 100, 100, 50));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void trafficIsFirstEvaluatedBaselineMinutesPlusOneWholeMinutesAfterTheStart() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // At 10:03 the empty minute 10:02 would be a drop, but its baseline would start before the campaign.
        push(traffic().pvPerMinute(START, 200, 200, 0, 0));

        harness.processWatermark(START + minutes(4) - 2);
        assertThat(alerts()).isEmpty();

        harness.processWatermark(START + minutes(4) - 1);

        assertThat(alerts()).extracting(AlertEvent::type, AlertEvent::state, AlertEvent::firedAt, AlertEvent::observed)
                .containsExactly(tuple(AlertType.TRAFFIC_DROP, AlertEvent.State.FIRED, START + minutes(4), "0"));
    }

    @Test
    void aBaselineBelowMinPvPerMinuteIsNeverADrop() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // 10:02 to 10:04 had 29 pv, one short of 3 x 10: an empty 10:05 says nothing.
        push(traffic().pvPerMinute(START, 10, 10, 10, 10, 9, 0));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void aChannelsTrafficDropFiresForThatChannelAlone() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // web goes silent at 10:05: its share falls from 25% to 0. app carries on, and so does the campaign as a whole
        // (300 x 3 >= 0.5 x 1200).
        push(traffic()
                .channelPvPerMinute(START, "app", 300, 300, 300, 300, 300, 300)
                .channelPvPerMinute(START, "web", 100, 100, 100, 100, 100, 0));

        harness.processWatermark(START + minutes(6) - 2);
        assertThat(alerts()).isEmpty();

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.TRAFFIC_DROP, CAMPAIGN, null, "web",
                START + minutes(6), "c1 channel web: 0.00% of the campaign's pv in the last minute (0 of 300) against"
                        + " 25.00% in the 3 min before; alert below 12.50%", "0.00%", "12.50%"));
    }

    @Test
    void aChannelsTrafficDropResolvesWhenItsTrafficIsBack() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        push(traffic()
                .channelPvPerMinute(START, "app", 300, 300, 300, 300, 300, 300, 300)
                .channelPvPerMinute(START, "web", 100, 100, 100, 100, 100, 0, 100));

        harness.processWatermark(START + minutes(7) - 1);

        assertThat(alerts()).extracting(AlertEvent::state, AlertEvent::channel, AlertEvent::firedAt,
                AlertEvent::resolvedAt).containsExactly(
                        tuple(AlertEvent.State.FIRED, "web", START + minutes(6), null),
                        tuple(AlertEvent.State.RESOLVED, "web", START + minutes(6), START + minutes(7)));
    }

    @Test
    void channelsFallingTogetherKeepTheirSharesAndRaiseOnlyTheCampaignsAlert() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        // Everything falls to a fifth at 10:05: the sale's shape or a site-wide problem, never one channel's outage.
        push(traffic()
                .channelPvPerMinute(START, "app", 300, 300, 300, 300, 300, 60)
                .channelPvPerMinute(START, "web", 100, 100, 100, 100, 100, 20));

        harness.processWatermark(START + minutes(6) - 1);

        assertThat(alerts()).extracting(AlertEvent::type, AlertEvent::channel, AlertEvent::state)
                .containsExactly(tuple(AlertType.TRAFFIC_DROP, null, AlertEvent.State.FIRED));
    }

    @Test
    void aMinuteWithoutAnyPvLeavesAChannelsAlertAsItIs() throws Exception {
        open(TestCampaigns.TRAFFIC_WATCHED);
        push(traffic()
                .channelPvPerMinute(START, "app", 300, 300, 300, 300, 300, 300, 0)
                .channelPvPerMinute(START, "web", 100, 100, 100, 100, 100, 0, 0));

        harness.processWatermark(START + minutes(7) - 1);

        assertThat(alerts()).extracting(AlertEvent::channel, AlertEvent::state, AlertEvent::firedAt).containsExactly(
                tuple("web", AlertEvent.State.FIRED, START + minutes(6)),
                tuple(null, AlertEvent.State.FIRED, START + minutes(7)));
    }

    @Test
    void aDisabledTrafficDropNeverFires() throws Exception {
        open(TestCampaigns.TRAFFIC_DROP_OFF);
        push(traffic()
                .channelPvPerMinute(START, "app", 100, 100, 100, 100, 100, 0)
                .channelPvPerMinute(START, "web", 100, 100, 100, 100, 100, 0));

        harness.processWatermark(START + minutes(10) - 1);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void withoutAnAlertsBlockTheDefaultsApplyThreeBaselineMinutesAndAHundredPvAMinute() throws Exception {
        // 10:10 has 49 pv against 300 in the 3 minutes before: 49 x 3 < 0.5 x 300; 10:09 and before are even.
        push(traffic().pvPerMinute(START, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 49));

        harness.processWatermark(START + minutes(11) - 2);
        assertThat(alerts()).isEmpty();

        harness.processWatermark(START + minutes(11) - 1);

        assertThat(alerts()).containsExactly(AlertEvent.fired(AlertType.TRAFFIC_DROP, CAMPAIGN, null, null,
                START + minutes(11),
                "c1: 49 pv in the last minute against 100.0 expected from the 3 min before; alert below 50.0", "49", "50.0"));
    }

    // --- stats

    @Test
    void periodicStatsCarryOnlyChangedMinutesAndTheClosedStatsCarryThemAll() throws Exception {
        push(orders(1).paid(MINUTE_5, 1000).paid(MINUTE_6, 2000).buyers(2));
        push(traffic().clicks("app", MINUTE_5, 3, "u1", "u2").clicks("app", MINUTE_6, 1, "u2"));
        assertThat(flush()).singleElement().extracting(CampaignStats::minutes).usingRecursiveComparison()
                .isEqualTo(new MinuteStats[] {
                    new MinuteStats(MINUTE_5, 1000, 1, 3), new MinuteStats(MINUTE_6, 2000, 1, 1)
                });

        push(orders(2).paid(MINUTE_6, 500).buyers(1));
        push(traffic().clicks("app", MINUTE_6, 1, "u3"));
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
        open(TestCampaigns.TRAFFIC_WATCHED);
        push(CampaignDelta.bootstrap(CAMPAIGN));
        push(orders(1)
                .paid(MINUTE_5, 20000).paid(FIRST_CHECKPOINT + minutes(5), 30000)
                .paid(SECOND_CHECKPOINT + minutes(5), 50000)
                .refunded(500).buyers(3));
        push(traffic().carts(2)
                .clicks("app", MINUTE_5, 90, "u1", "u2", "u3")
                .clicks("app", MINUTE_6, 20, "u1"));
        // Checkpoint outcomes, minutes, channel minutes and TRAFFIC_DROP (app fell quiet after 10:06) leave state.
        harness.processWatermark(END - 1);
        flush();
        // A shard's final delta, still waiting for its periodic emission when the campaign closes.
        push(traffic().clicks("web", END - minutes(1), 1, "u4"));
        harness.processWatermark(CLEANUP - 1);
        assertThat(drainStats()).isEmpty();
        assertThat(KeyedHarness.keyedStateEntries(harness)).isPositive();

        harness.processWatermark(CLEANUP);

        assertStats(drainStats(), expected()
                .gmv(100000).refunded(500).orders(3).units(3).pv(111).carts(2).uv(4).buyers(3)
                .watermark(CLEANUP)
                .minutes(new MinuteStats(MINUTE_5, 20000, 1, 90), new MinuteStats(MINUTE_6, 0, 0, 20),
                        new MinuteStats(FIRST_CHECKPOINT + minutes(5), 30000, 1, 0),
                        new MinuteStats(SECOND_CHECKPOINT + minutes(5), 50000, 1, 0),
                        new MinuteStats(END - minutes(1), 0, 0, 1))
                .channels(new ChannelStats("app", 3, 110), new ChannelStats("web", 1, 1))
                .pacing(behind(FIRST_CHECKPOINT, 25000, 20000), onTrack(SECOND_CHECKPOINT, 50000, 50000),
                        onTrack(THIRD_CHECKPOINT, 100000, 100000))
                .closed());
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
        harness = KeyedHarness.open(new CampaignStatsFunction(TestCampaigns.timeline(campaignYaml), SETTINGS),
                CampaignDelta::campaignId);
        processingTime = 0;
    }

    private void push(OrdersDelta delta) throws Exception {
        push(delta.build());
    }

    private void push(TrafficDelta delta) throws Exception {
        push(delta.build());
    }

    /** Snapshots the operator and starts a new one from the snapshot, as a restart from a checkpoint does. */
    private void restoreFromSnapshot() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1L, processingTime);
        harness.close();
        harness = KeyedHarness.restore(new CampaignStatsFunction(TestCampaigns.timeline(TestCampaigns.PACED),
                SETTINGS), CampaignDelta::campaignId, snapshot);
        harness.setProcessingTime(processingTime);
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

    private static void assertStats(List<CampaignStats> actual, Expected expected) throws Exception {
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

    @Test
    void aCampaignOpenedBeforeItsUpdateReachesThisOperatorWaitsForIt() throws Exception {
        // The router learns of a pushed campaign first; its bootstrap may get here before this operator's own copy.
        String c2 = TestCampaigns.PACED.replace("campaign_id: c1", "campaign_id: c2")
                + "effective_from: \"2026-11-11T10:00:00Z\"\n";
        harness.processElement(CampaignDelta.bootstrap("c2"), START);
        harness.processBroadcastElement(new CampaignUpdate("campaign-config/0@0", c2), START);
        harness.setProcessingTime(100);

        harness.processWatermark(FIRST_CHECKPOINT - 1);

        assertThat(alerts()).extracting(AlertEvent::campaignId, AlertEvent::type)
                .containsExactly(tuple("c2", AlertType.TARGET_SHORTFALL));
    }

    private static OrdersDelta orders(int shard) {
        return new OrdersDelta(shard);
    }

    private static TrafficDelta traffic() {
        return new TrafficDelta();
    }

    /**
     * An audience shard's delta: zero unless said otherwise. Besides setting fields one by one, {@link #paid} adds
     * an order the way a shard counts it: to the totals and to its minute.
     */
    private static final class OrdersDelta {
        private final int shard;
        private long gmv, refunded, orders, units, buyers;
        private final List<MinuteStats> minutes = new ArrayList<>();

        OrdersDelta(int shard) {
            this.shard = shard;
        }

        OrdersDelta gmv(long cents) { gmv = cents; return this; }
        OrdersDelta refunded(long cents) { refunded = cents; return this; }
        OrdersDelta orders(long n) { orders = n; return this; }
        OrdersDelta units(long n) { units = n; return this; }
        OrdersDelta buyers(long n) { buyers = n; return this; }
        OrdersDelta minutes(MinuteStats... m) { minutes.addAll(List.of(m)); return this; }

        /** One paid order of one unit in the minute starting at {@code minute}. */
        OrdersDelta paid(long minute, long cents) {
            gmv += cents;
            orders++;
            units++;
            minutes.add(new MinuteStats(minute, cents, 1, 0));
            return this;
        }

        CampaignDelta build() {
            return CampaignDelta.orders(CAMPAIGN, shard, gmv, refunded, orders, units, buyers,
                    minutes.toArray(new MinuteStats[0]));
        }
    }

    /**
     * A traffic shard's delta, built the way a shard counts clicks: each adds to pv, its minute, its channel and
     * the channel's minute, and its user to the sketches of the campaign and the channel. Carts only add to carts.
     */
    private static final class TrafficDelta {
        private long pv, carts;
        private final Set<String> users = new LinkedHashSet<>();
        private final Map<Long, Long> minutePv = new TreeMap<>();
        private final Map<String, Long> channelPv = new TreeMap<>();
        private final Map<String, Set<String>> channelUsers = new TreeMap<>();
        private final Map<String, Map<Long, Long>> channelMinutePv = new TreeMap<>();

        TrafficDelta carts(long n) { carts += n; return this; }

        /** {@code n} clicks in a channel and minute, by these users (at least one). */
        TrafficDelta clicks(String channel, long minute, long n, String... clickUsers) {
            pv += n;
            minutePv.merge(minute, n, Long::sum);
            channelPv.merge(channel, n, Long::sum);
            channelMinutePv.computeIfAbsent(channel, c -> new TreeMap<>()).merge(minute, n, Long::sum);
            users.addAll(List.of(clickUsers));
            channelUsers.computeIfAbsent(channel, c -> new LinkedHashSet<>()).addAll(List.of(clickUsers));
            return this;
        }

        /**
         * The campaign's pv of consecutive minutes from {@code from} on, without channels or users: all that the
         * campaign's own TRAFFIC_DROP reads.
         */
        TrafficDelta pvPerMinute(long from, long... pvs) {
            for (int i = 0; i < pvs.length; i++) {
                pv += pvs[i];
                minutePv.merge(from + TestTimes.minutes(i), pvs[i], Long::sum);
            }
            return this;
        }

        /** pv of one channel in consecutive minutes from {@code from} on, by one user of the channel's own. */
        TrafficDelta channelPvPerMinute(long from, String channel, long... pvs) {
            for (int i = 0; i < pvs.length; i++) {
                if (pvs[i] > 0) {
                    clicks(channel, from + TestTimes.minutes(i), pvs[i], channel + "-visitor");
                }
            }
            return this;
        }

        CampaignDelta build() {
            List<MinuteStats> minutes = new ArrayList<>();
            minutePv.forEach((minute, n) -> minutes.add(new MinuteStats(minute, 0, 0, n)));
            List<ChannelTraffic> channels = new ArrayList<>();
            channelPv.forEach((channel, n) -> channels.add(
                    new ChannelTraffic(channel, n, sketchOf(channelUsers.get(channel)))));
            List<ChannelMinute> channelMinutes = new ArrayList<>();
            channelMinutePv.forEach((channel, byMinute) -> byMinute.forEach(
                    (minute, n) -> channelMinutes.add(new ChannelMinute(channel, minute, n))));
            return CampaignDelta.traffic(CAMPAIGN, pv, carts, 0, users.isEmpty() ? null : sketchOf(users),
                    minutes.toArray(new MinuteStats[0]), channels.toArray(new ChannelTraffic[0]),
                    channelMinutes.toArray(new ChannelMinute[0]));
        }

        /** A compact HLL sketch of the users, as a traffic shard sends it (users by their 64-bit hash). */
        private static byte[] sketchOf(Collection<String> users) {
            HllSketch sketch = Sketches.newSketch(SETTINGS.campaignSketchLgK());
            for (String user : users) {
                sketch.update(Sketches.hash64(user));
            }
            return sketch.toCompactByteArray();
        }
    }

    private static Expected expected() {
        return new Expected();
    }

    /** Expected campaign stats: zero, nothing evaluated and no watermark yet, unless said otherwise. */
    private static final class Expected {
        private long gmv, refunded, orders, units, buyers, uv, pv, carts;
        /** Before the first watermark, stats are complete up to just before the campaign's start. */
        private long watermark = START - 1;
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

        /** With the target of the default test campaign and its plan at the watermark. */
        CampaignStats build() throws CampaignConfigException {
            CampaignDefinition definition = TestCampaigns.catalog(TestCampaigns.PACED).get(CAMPAIGN);
            return new CampaignStats(CAMPAIGN, gmv, refunded, orders, units, buyers, uv, pv, carts, 0, watermark,
                    definition.gmvTargetCents(), definition.plannedCentsAt(watermark), minutes, channels, pacing,
                    closed);
        }
    }
}
