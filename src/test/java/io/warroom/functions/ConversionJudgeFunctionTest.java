package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignUpdate;
import io.warroom.model.ConversionWindow;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The judge of {@link TestCampaigns#SHOP} (drop 0.5, window 5 min, 3 sigmas). Windows arrive with time
 * {@code E - 1} and are judged once the watermark passes it. Every item below expects {@code 20 x 200 / 200 = 20}
 * paid orders unless said otherwise.
 */
class ConversionJudgeFunctionTest {
    private static final String CAMPAIGN = "c1";
    private static final long START = Instant.parse("2026-11-11T10:00:00Z").toEpochMilli();
    private static final long END = Instant.parse("2026-11-11T12:00:00Z").toEpochMilli();
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();
    private static final long MINUTE = 60_000L;
    private static final long E = START + 30 * MINUTE;

    private KeyedBroadcastOperatorTestHarness<String, ConversionWindow, CampaignUpdate, AlertEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = KeyedHarness.open(new ConversionJudgeFunction(TestCampaigns.timeline(TestCampaigns.SHOP), SETTINGS),
                ConversionWindow::campaignId);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void paymentsFailingEverywhereAreOneCampaignAlert() throws Exception {
        // 3 against 60: below half, and 57^2 >= 9 x 60. Each item then expects 20 x 3 / 60 = 1: none is judged below.
        push(item("cap", E, 2), item("phone", E, 1), item("shirt", E, 0));

        harness.processWatermark(E - 1);

        assertThat(alerts()).extracting(AlertEvent::type, AlertEvent::itemId, AlertEvent::state, AlertEvent::firedAt)
                .containsExactly(tuple(AlertType.CONVERSION_DROP, null, AlertEvent.State.FIRED, E));
        assertThat(alerts().get(0).summary()).isEqualTo("campaign c1: 3 paid orders in the last 5 min against 60.0"
                + " expected at the earlier conversion of its 3 items with enough traffic in stock");
        assertThat(alerts().get(0).observed()).isEqualTo("3");
        assertThat(alerts().get(0).threshold()).isEqualTo("30.0");
    }

    @Test
    void anItemThatCollapsesWhileTheOthersSellIsItsOwnAlertAndResolves() throws Exception {
        // O = 42 of E = 60 (trend 0.7): shirt expects 14 and got 2; 2 x 60 < 0.5 x 20 x 42 and
        // (840 - 120)^2 >= 9 x 20 x 42 x 60. The campaign's 42 is not below 30.
        push(item("cap", E, 20), item("phone", E, 20), item("shirt", E, 2));
        harness.processWatermark(E - 1);
        push(item("cap", E + MINUTE, 20), item("phone", E + MINUTE, 20), item("shirt", E + MINUTE, 19));

        harness.processWatermark(E + MINUTE - 1);

        assertThat(alerts()).extracting(AlertEvent::itemId, AlertEvent::state, AlertEvent::firedAt,
                AlertEvent::resolvedAt).containsExactly(
                        tuple("shirt", AlertEvent.State.FIRED, E, null),
                        tuple("shirt", AlertEvent.State.RESOLVED, E, E + MINUTE));
        assertThat(alerts().get(0).summary()).isEqualTo("shirt: 2 paid orders in the last 5 min against 14.0 expected"
                + " (conversion 1.00% against 10.00% earlier in the sale, campaign trend x0.70)");
    }

    @Test
    void aDropWithinChanceIsNoAlert() throws Exception {
        // cap expects 4 and got 1: 75% down, but (4 - 1)^2 = 9 < 9 x 4.
        push(item("phone", E, 20), item("shirt", E, 20),
                new ConversionWindow(CAMPAIGN, "cap", E, 40, 1, 40, 4, true));

        harness.processWatermark(E - 1);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void anItemNoLongerComparableResolvesAndCountsForNothing() throws Exception {
        push(item("cap", E, 20), item("phone", E, 20), item("shirt", E, 2));
        harness.processWatermark(E - 1);
        // shirt sold out: its last window is not comparable; without it the campaign has 40 of 40
        push(item("cap", E + MINUTE, 20), item("phone", E + MINUTE, 20),
                new ConversionWindow(CAMPAIGN, "shirt", E + MINUTE, 200, 0, 200, 20, false));

        harness.processWatermark(E + MINUTE - 1);

        assertThat(alerts()).extracting(AlertEvent::itemId, AlertEvent::state).containsExactly(
                tuple("shirt", AlertEvent.State.FIRED), tuple("shirt", AlertEvent.State.RESOLVED));
    }

    @Test
    void theCampaignsAlertIsEvaluatedEveryMinuteWhileActiveAndResolvesWhenNoItemIsLeftToJudge() throws Exception {
        push(item("cap", E, 0), item("phone", E, 0), item("shirt", E, 0));
        harness.processWatermark(E - 1);

        harness.processWatermark(E + MINUTE - 1);

        assertThat(alerts()).extracting(AlertEvent::itemId, AlertEvent::state, AlertEvent::resolvedAt)
                .containsExactly(tuple(null, AlertEvent.State.FIRED, null),
                        tuple(null, AlertEvent.State.RESOLVED, E + MINUTE));
    }

    @Test
    void everythingIsReleasedWithTheCampaign() throws Exception {
        push(item("cap", E, 0), item("phone", E, 20), item("shirt", E, 2));
        harness.processWatermark(E - 1);
        assertThat(alerts()).isNotEmpty();

        harness.processWatermark(END + SETTINGS.retentionMillis());

        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /** A comparable item with 200 pv and 20 paid orders before, 200 pv now and {@code orders} paid orders. */
    private static ConversionWindow item(String itemId, long boundary, long orders) {
        return new ConversionWindow(CAMPAIGN, itemId, boundary, 200, orders, 200, 20, true);
    }

    private void push(ConversionWindow... windows) throws Exception {
        for (ConversionWindow window : windows) {
            harness.processElement(window, window.boundary() - 1);
        }
    }

    private List<AlertEvent> alerts() {
        return harness.extractOutputValues();
    }
}
