package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignTimeline;
import io.warroom.model.CampaignUpdate;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.MonitorSettings;
import io.warroom.model.OrderEffect;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import io.warroom.testkit.KeyedHarness;
import io.warroom.testkit.TestCampaigns;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderLifecycleFunctionTest {
    private static final long START = at("2026-11-11T10:00:00Z");
    private static final long END = at("2026-11-11T12:00:00Z");
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();
    private static final long CLEANUP = END + SETTINGS.retentionMillis();

    private static final long CREATED_AT = START + minutes(5);
    private static final long ONE_MINUTE_LATER = CREATED_AT + minutes(1);
    private static final long TWO_MINUTES_LATER = CREATED_AT + minutes(2);
    private static final long THREE_MINUTES_LATER = CREATED_AT + minutes(3);

    private static final OrderLine[] TWO_SHIRTS = {line("shirt", 2, 1999)};
    private static final OrderLine[] SHIRT_AND_CAP = {line("shirt", 1, 1999), line("cap", 1, 999)};
    private static final OrderLine[] JUST_THE_CAP = {line("cap", 1, 999)};

    private KeyedBroadcastOperatorTestHarness<String, OrderEvent, CampaignUpdate, OrderEffect> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = KeyedHarness.open(
                new OrderLifecycleFunction(CampaignTimeline.of(catalog()), SETTINGS), OrderEvent::orderId);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void firstPaidIsEmittedBeforeAnyWatermark() throws Exception {
        push(event("o1", OrderStatus.PAID, CREATED_AT, TWO_SHIRTS));

        assertEffects(effect(OrderEffect.Kind.PAID, "o1", CREATED_AT, TWO_SHIRTS));
    }

    @Test
    void duplicateStatusesOfAnOrderAreDropped() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.PAID, ONE_MINUTE_LATER, TWO_SHIRTS));
        // A redelivery may carry another ts; the (order_id, status) pair alone makes it a duplicate.
        push(event("o1", OrderStatus.PAID, TWO_MINUTES_LATER, TWO_SHIRTS));
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        harness.processWatermark(THREE_MINUTES_LATER);

        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", ONE_MINUTE_LATER, TWO_SHIRTS),
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS));
    }

    @Test
    void reserveWaitsForTheWatermarkAndTakesTheEarlierCreatedEvenWhenPaidArrivesFirst() throws Exception {
        push(event("o1", OrderStatus.PAID, ONE_MINUTE_LATER, SHIRT_AND_CAP));
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        harness.processWatermark(CREATED_AT - 1);

        assertEffects(effect(OrderEffect.Kind.PAID, "o1", ONE_MINUTE_LATER, SHIRT_AND_CAP));

        harness.processWatermark(ONE_MINUTE_LATER);

        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", ONE_MINUTE_LATER, SHIRT_AND_CAP),
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS));
    }

    @Test
    void reserveTakesPaidWhenPaidIsEarlierInEventTime() throws Exception {
        push(event("o1", OrderStatus.CREATED, ONE_MINUTE_LATER, TWO_SHIRTS));
        push(event("o1", OrderStatus.PAID, CREATED_AT, SHIRT_AND_CAP));
        harness.processWatermark(ONE_MINUTE_LATER);

        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", CREATED_AT, SHIRT_AND_CAP),
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, SHIRT_AND_CAP));
    }

    @Test
    void cancellingAnUnpaidOrderReleasesWhatWasReserved() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, SHIRT_AND_CAP));
        // The cancel event's own lines do not matter: what comes back is what was reserved.
        push(event("o1", OrderStatus.CANCELLED, ONE_MINUTE_LATER, JUST_THE_CAP));
        harness.processWatermark(ONE_MINUTE_LATER);

        assertEffects(
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, SHIRT_AND_CAP),
                effect(OrderEffect.Kind.RELEASE, "o1", ONE_MINUTE_LATER, SHIRT_AND_CAP));
    }

    @Test
    void cancellingAfterPaymentInEventTimeReleasesNothing() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.CANCELLED, TWO_MINUTES_LATER, TWO_SHIRTS));
        // Paid arrives after the cancel, but happened before it.
        push(event("o1", OrderStatus.PAID, ONE_MINUTE_LATER, TWO_SHIRTS));
        harness.processWatermark(TWO_MINUTES_LATER);

        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", ONE_MINUTE_LATER, TWO_SHIRTS),
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS));
    }

    @Test
    void refundOfAPaidOrderCarriesTheRefundEventsLines() throws Exception {
        push(event("o1", OrderStatus.PAID, CREATED_AT, SHIRT_AND_CAP));
        push(event("o1", OrderStatus.REFUNDED, TWO_MINUTES_LATER, JUST_THE_CAP));
        harness.processWatermark(TWO_MINUTES_LATER);

        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", CREATED_AT, SHIRT_AND_CAP),
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, SHIRT_AND_CAP),
                effect(OrderEffect.Kind.REFUND, "o1", TWO_MINUTES_LATER, JUST_THE_CAP));
    }

    @Test
    void refundOfANeverPaidOrderYieldsNothing() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.REFUNDED, ONE_MINUTE_LATER, TWO_SHIRTS));
        harness.processWatermark(ONE_MINUTE_LATER);

        assertEffects(effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS));
    }

    @Test
    void refundBeforePaymentInEventTimeYieldsNoRefund() throws Exception {
        push(event("o1", OrderStatus.REFUNDED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.PAID, ONE_MINUTE_LATER, TWO_SHIRTS));
        harness.processWatermark(ONE_MINUTE_LATER);

        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", ONE_MINUTE_LATER, TWO_SHIRTS),
                effect(OrderEffect.Kind.RESERVE, "o1", ONE_MINUTE_LATER, TWO_SHIRTS));
    }

    @Test
    void eventsOfOneTimestampApplyAsCreatedPaidCancelledRefunded() throws Exception {
        push(event("o1", OrderStatus.REFUNDED, CREATED_AT, JUST_THE_CAP));
        push(event("o1", OrderStatus.CANCELLED, CREATED_AT, SHIRT_AND_CAP));
        push(event("o1", OrderStatus.PAID, CREATED_AT, SHIRT_AND_CAP));
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        harness.processWatermark(CREATED_AT);

        // Created reserves (its lines, not paid's); paid comes before cancelled, so nothing is released; the
        // refund follows the payment.
        assertEffects(
                effect(OrderEffect.Kind.PAID, "o1", CREATED_AT, SHIRT_AND_CAP),
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS),
                effect(OrderEffect.Kind.REFUND, "o1", CREATED_AT, JUST_THE_CAP));
    }

    @Test
    void createdAndCancelledAtOneTimestampReserveThenRelease() throws Exception {
        push(event("o1", OrderStatus.CANCELLED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        harness.processWatermark(CREATED_AT);

        assertEffects(
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS),
                effect(OrderEffect.Kind.RELEASE, "o1", CREATED_AT, TWO_SHIRTS));
    }

    @Test
    void ordersAreDecidedIndependently() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        push(event("o2", OrderStatus.CREATED, CREATED_AT, JUST_THE_CAP));
        push(event("o2", OrderStatus.CANCELLED, ONE_MINUTE_LATER, JUST_THE_CAP));
        harness.processWatermark(ONE_MINUTE_LATER);

        assertEffects(
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS),
                effect(OrderEffect.Kind.RESERVE, "o2", CREATED_AT, JUST_THE_CAP),
                effect(OrderEffect.Kind.RELEASE, "o2", ONE_MINUTE_LATER, JUST_THE_CAP));
    }

    @Test
    void stateAndTimersAreReleasedOnceEventTimePassesTheLastCampaignPlusRetention() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.PAID, ONE_MINUTE_LATER, TWO_SHIRTS));
        push(event("o2", OrderStatus.CREATED, CREATED_AT, JUST_THE_CAP));

        harness.processWatermark(CLEANUP - 1);

        // Only the progress of each order and its cleanup timer are left; the pending events are gone.
        assertThat(KeyedHarness.keyedStateEntries(harness)).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(CLEANUP);

        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void eventsStillPendingAtCleanupAreAppliedBeforeTheStateGoes() throws Exception {
        push(event("o1", OrderStatus.CREATED, CREATED_AT, TWO_SHIRTS));
        push(event("o1", OrderStatus.CANCELLED, ONE_MINUTE_LATER, TWO_SHIRTS));

        harness.processWatermark(CLEANUP);

        assertEffects(
                effect(OrderEffect.Kind.RESERVE, "o1", CREATED_AT, TWO_SHIRTS),
                effect(OrderEffect.Kind.RELEASE, "o1", ONE_MINUTE_LATER, TWO_SHIRTS));
        assertThat(KeyedHarness.keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private void push(OrderEvent event) throws Exception {
        harness.processElement(event, event.ts());
    }

    private void assertEffects(OrderEffect... expected) {
        // Records compare arrays by reference; the lines must match by content.
        assertThat(harness.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(expected);
    }

    private static OrderEvent event(String orderId, OrderStatus status, long ts, OrderLine[] lines) {
        return new OrderEvent(orderId, ts, "u-" + orderId, status, lines);
    }

    private static OrderEffect effect(OrderEffect.Kind kind, String orderId, long ts, OrderLine[] lines) {
        return new OrderEffect(kind, orderId, "u-" + orderId, ts, lines);
    }

    private static OrderLine line(String itemId, long quantity, long unitPriceCents) {
        return new OrderLine(itemId, quantity, unitPriceCents);
    }

    private static CampaignCatalog catalog() throws CampaignConfigException {
        String yaml = """
                campaign_id: c1
                start: "2026-11-11T10:00:00Z"
                end: "2026-11-11T12:00:00Z"
                gmv_target: "1000.00"
                """;
        return TestCampaigns.catalog(yaml);
    }

}
