package io.warroom.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.Severity;
import io.warroom.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class AlertDeliveryTest {
    private static final URI AM = URI.create("http://am.test:9093");
    private static final long WALL = Instant.parse("2026-11-11T00:00:00Z").toEpochMilli();
    /** Event time of the story; a separate axis from the wall clock. */
    private static final long T0 = Instant.parse("2026-11-10T20:00:00Z").toEpochMilli();
    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;

    private final FakeClock clock = new FakeClock(WALL);
    private final FakeSender sender = new FakeSender();
    private final AlertDeliverySettings settings = AlertDeliverySettings.defaults(List.of(AM))
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
    private final AlertmanagerAlert format = new AlertmanagerAlert(
            "https://grafana.example/d/warroom?var-campaign={campaign}&var-item={item}", "http://flink:8081");

    private AlertDelivery delivery(AlertDeliverySettings s) {
        return new AlertDelivery(s, format, sender, clock);
    }

    private static AlertEvent stockOut(long firedAt) {
        return AlertEvent.fired(AlertType.STOCK_OUT, "double11", "sku-1", firedAt, "sku-1 is sold out", "0", "0");
    }

    private static AlertEvent stockOutResolved(long firedAt, long resolvedAt) {
        return AlertEvent.resolved(AlertType.STOCK_OUT, "double11", "sku-1", firedAt, resolvedAt,
                "sku-1 is back in stock", "5", "0");
    }

    @Test
    void firstSendCarriesLabelsAnnotationsAndTimes() {
        AlertDelivery delivery = delivery(settings);
        AlertEvent fire = stockOut(T0);
        AlertEvent shortfall = AlertEvent.fired(AlertType.ITEM_TARGET_SHORTFALL, "double11", null, T0, "behind",
                "100.00", "200.00");
        delivery.accept(fire);
        delivery.accept(shortfall);

        assertThat(delivery.deliverDue()).isTrue();

        List<JsonNode> sent = sender.alerts();
        assertThat(sent).hasSize(2);
        JsonNode alert = sent.get(0);
        assertThat(alert.get("labels").properties()).extracting(e -> e.getKey() + "=" + e.getValue().asText())
                .containsExactly("alertname=STOCK_OUT", "campaign=double11", "item=sku-1", "severity=page",
                        "alert_id=" + fire.id(), "incident_id=" + fire.id());
        assertThat(alert.at("/annotations/summary").asText()).isEqualTo("sku-1 is sold out");
        assertThat(alert.at("/annotations/observed").asText()).isEqualTo("0");
        assertThat(alert.at("/annotations/threshold").asText()).isEqualTo("0");
        assertThat(alert.at("/annotations/dashboard").asText())
                .isEqualTo("https://grafana.example/d/warroom?var-campaign=double11&var-item=sku-1");
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-10T20:00:00Z");
        assertThat(alert.get("endsAt").asText()).isEqualTo("2026-11-11T00:03:00Z");
        assertThat(alert.get("generatorURL").asText()).isEqualTo("http://flink:8081");

        JsonNode campaignWide = sent.get(1);
        assertThat(campaignWide.get("labels").has("item")).isFalse();
        assertThat(campaignWide.at("/labels/severity").asText()).isEqualTo("warning");
        assertThat(delivery.sentBatches()).isEqualTo(1);
        assertThat(delivery.pending()).isZero();
    }

    @Test
    void openIncidentsRestoreTheSameAlertsInANewDeliveryAfterARestart() throws Exception {
        AlertDelivery before = delivery(settings);
        AlertEvent firing = stockOut(T0);
        AlertEvent held = AlertEvent.fired(AlertType.STOCK_LOW, "double11", "sku-2", T0, "sku-2 low", "3", "5");
        before.accept(firing);
        before.accept(held);
        before.accept(AlertEvent.resolved(AlertType.STOCK_LOW, "double11", "sku-2", T0, T0 + MINUTE, "sku-2 ok",
                "9", "5"));
        List<byte[]> checkpoint = new ArrayList<>();
        for (AlertEvent change : before.openIncidents()) {
            checkpoint.add(AlertEventSerializer.INSTANCE.serialize(change));
        }

        AlertDelivery after = delivery(settings);
        for (byte[] bytes : checkpoint) {
            after.accept(AlertEventSerializer.INSTANCE.deserialize(1, bytes));
        }
        after.deliverDue();

        // Both are still firing for Alertmanager, under their ids; the held resolve is released after its hold-back.
        assertThat(sender.alerts()).extracting(a -> a.at("/labels/alert_id").asText())
                .containsExactlyInAnyOrder(firing.id(), held.id());
        after.advanceEventTime(T0 + MINUTE + 5 * MINUTE);
        after.deliverDue();
        JsonNode released = sender.alerts().get(sender.alerts().size() - 1);
        assertThat(released.at("/labels/alert_id").asText()).isEqualTo(held.id());
        assertThat(released.get("endsAt").asText()).isEqualTo("2026-11-10T20:01:00Z");
    }

    @Test
    void theLabelsCarryTheIncidentAndItsSeverity() {
        AlertEvent flap = AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", 120_000L, "s", "0", "0")
                .inIncident("first-alert-id", Severity.WARNING, 2);

        ObjectNode json = new AlertmanagerAlert(null, null).toJson(flap, 300_000L);

        assertThat(json.at("/labels/severity").asText()).isEqualTo("warning");
        assertThat(json.at("/labels/incident_id").asText()).isEqualTo("first-alert-id");
        assertThat(json.at("/labels/alert_id").asText()).isEqualTo(flap.id());
    }

    @Test
    void firingAlertIsResentEveryIntervalWithEndsAtThreeIntervalsAhead() {
        AlertDelivery delivery = delivery(settings);
        delivery.accept(stockOut(T0));
        delivery.deliverDue();

        clock.advance(59 * SECOND);
        assertThat(delivery.deliverDue()).isFalse();
        clock.advance(SECOND);
        assertThat(delivery.deliverDue()).isTrue();
        clock.advance(60 * SECOND);
        assertThat(delivery.deliverDue()).isTrue();

        assertThat(sender.alerts()).extracting(a -> a.get("endsAt").asText())
                .containsExactly("2026-11-11T00:03:00Z", "2026-11-11T00:04:00Z", "2026-11-11T00:05:00Z");
        assertThat(sender.alerts()).extracting(a -> a.get("startsAt").asText()).containsOnly("2026-11-10T20:00:00Z");
    }

    @Test
    void resolvedAlertIsResentForItsWindowThenForgotten() {
        AlertDelivery delivery = delivery(settings.withResolveHoldBack(Duration.ZERO));
        AlertEvent fire = stockOut(T0);
        delivery.accept(fire);
        delivery.accept(stockOutResolved(T0, T0 + MINUTE));
        delivery.deliverDue();

        assertThat(sender.alerts()).hasSize(1);
        assertThat(sender.alerts().get(0).get("endsAt").asText()).isEqualTo("2026-11-10T20:01:00Z");
        for (int i = 0; i < 10; i++) {
            clock.advance(MINUTE);
            delivery.deliverDue();
        }
        // Fire and resolve coalesced into one first send; re-sent at +1..+4 minutes; at +5 the window is over.
        assertThat(sender.alerts()).hasSize(5)
                .allSatisfy(a -> assertThat(a.get("endsAt").asText()).isEqualTo("2026-11-10T20:01:00Z"))
                .allSatisfy(a -> assertThat(a.at("/labels/alert_id").asText()).isEqualTo(fire.id()));
        assertThat(delivery.tracked()).isZero();
    }

    @Test
    void reFireWithinHoldBackIsOneIncident() {
        AlertDelivery delivery = delivery(settings);
        AlertEvent first = stockOut(T0);
        delivery.accept(first);
        delivery.deliverDue();
        delivery.accept(stockOutResolved(T0, T0 + MINUTE));
        delivery.advanceEventTime(T0 + 3 * MINUTE);
        AlertEvent again = stockOut(T0 + 4 * MINUTE);
        delivery.accept(again);
        delivery.advanceEventTime(T0 + 30 * MINUTE);
        delivery.deliverDue();
        clock.advance(MINUTE);
        delivery.deliverDue();

        // One first send and one periodic re-send, both of the original alert still firing.
        assertThat(sender.alerts()).hasSize(2)
                .allSatisfy(a -> assertThat(a.at("/labels/alert_id").asText()).isEqualTo(first.id()))
                .allSatisfy(a -> assertThat(a.get("startsAt").asText()).isEqualTo("2026-11-10T20:00:00Z"))
                .allSatisfy(a -> assertThat(AlertmanagerAlert.rfc3339(clock.now)).isLessThan(a.get("endsAt").asText()));
        assertThat(sender.alerts()).noneMatch(a -> a.at("/labels/alert_id").asText().equals(again.id()));

        // The re-fire's own resolve ends the original incident.
        delivery.accept(AlertEvent.resolved(AlertType.STOCK_OUT, "double11", "sku-1", T0 + 4 * MINUTE,
                T0 + 40 * MINUTE, "back", "3", "0"));
        delivery.advanceEventTime(T0 + 45 * MINUTE);
        delivery.deliverDue();
        JsonNode last = sender.alerts().get(sender.alerts().size() - 1);
        assertThat(last.at("/labels/alert_id").asText()).isEqualTo(first.id());
        assertThat(last.get("endsAt").asText()).isEqualTo("2026-11-10T20:40:00Z");
    }

    @Test
    void resolveThatStaysClearIsSentOnceEventTimePassesTheHoldBack() {
        AlertDelivery delivery = delivery(settings);
        delivery.accept(stockOut(T0));
        delivery.deliverDue();
        delivery.accept(stockOutResolved(T0, T0 + MINUTE));
        delivery.advanceEventTime(T0 + 5 * MINUTE);
        // Wall time passing does not release it: only event time counts. Re-sends still say firing.
        clock.advance(10 * MINUTE);
        delivery.deliverDue();
        assertThat(lastEndsAt()).isGreaterThan(AlertmanagerAlert.rfc3339(clock.now));

        delivery.advanceEventTime(T0 + 6 * MINUTE);
        delivery.deliverDue();
        assertThat(lastEndsAt()).isEqualTo("2026-11-10T20:01:00Z");
    }

    @Test
    void anotherAlertsTimeAlsoAdvancesEventTime() {
        AlertDelivery delivery = delivery(settings);
        delivery.accept(stockOut(T0));
        delivery.accept(stockOutResolved(T0, T0 + MINUTE));
        delivery.accept(AlertEvent.fired(AlertType.TARGET_SHORTFALL, "double11", null, T0 + 7 * MINUTE, "behind",
                "1", "2"));
        delivery.deliverDue();
        assertThat(sender.alerts()).filteredOn(a -> a.at("/labels/alertname").asText().equals("STOCK_OUT"))
                .extracting(a -> a.get("endsAt").asText()).containsExactly("2026-11-10T20:01:00Z");
    }

    @Test
    void endOfInputReleasesHeldResolves() {
        AlertDelivery delivery = delivery(settings);
        delivery.accept(stockOut(T0));
        delivery.deliverDue();
        delivery.accept(stockOutResolved(T0, T0 + MINUTE));
        delivery.deliverDue();
        assertThat(sender.alerts()).hasSize(1);

        delivery.endOfInput();
        delivery.deliverDue();
        assertThat(lastEndsAt()).isEqualTo("2026-11-10T20:01:00Z");
    }

    @Test
    void resolveWithoutKnownFireIsNotAnnouncedAsFiring() {
        // After a restart the delivery may see only the resolve; announcing it as firing would page again.
        AlertDelivery delivery = delivery(settings);
        delivery.accept(stockOutResolved(T0, T0 + MINUTE));
        delivery.deliverDue();
        assertThat(sender.alerts()).isEmpty();
        delivery.endOfInput();
        delivery.deliverDue();
        assertThat(sender.alerts()).singleElement()
                .satisfies(a -> assertThat(a.get("endsAt").asText()).isEqualTo("2026-11-10T20:01:00Z"));
    }

    @Test
    void failedBatchesAreRetriedWithExponentialBackoffAndNothingIsLost() {
        AlertDelivery delivery = delivery(settings);
        delivery.accept(stockOut(T0));
        delivery.accept(AlertEvent.fired(AlertType.STOCK_LOW, "double11", "sku-2", T0, "low", "3", "5"));
        sender.failNext = 4;

        List<Long> attempts = new ArrayList<>();
        for (int i = 0; i < 200 && delivery.sentBatches() == 0; i++) {
            if (delivery.deliverDue()) {
                attempts.add(clock.now - WALL);
            }
            clock.advance(100);
        }
        // Immediately, then after 1 s, 2 s, 4 s, 8 s (the cap).
        assertThat(attempts).containsExactly(0L, 1_000L, 3_000L, 7_000L, 15_000L);
        assertThat(delivery.failures()).isEqualTo(4);
        assertThat(delivery.sentBatches()).isEqualTo(1);
        assertThat(sender.alerts()).extracting(a -> a.at("/labels/alertname").asText())
                .containsExactly("STOCK_OUT", "STOCK_LOW");
        assertThat(delivery.pending()).isZero();
    }

    @Test
    void everyAlertmanagerGetsEveryBatch() {
        URI second = URI.create("http://am2.test:9093");
        AlertDelivery delivery = delivery(AlertDeliverySettings.defaults(List.of(AM, second)));
        delivery.accept(stockOut(T0));
        delivery.deliverDue();
        assertThat(sender.targets).containsExactly(AM, second);
    }

    @Test
    void fullQueueDropsTheOldestResendButNeverAFireOrResolve() {
        AlertDelivery delivery = delivery(settings.withQueue(2, 10).withResolveHoldBack(Duration.ZERO));
        AlertEvent a = stockOut(T0);
        AlertEvent b = AlertEvent.fired(AlertType.STOCK_LOW, "double11", "sku-2", T0, "low", "3", "5");
        delivery.accept(a);
        delivery.accept(b);
        delivery.deliverDue();
        sender.failNext = 1_000;

        clock.advance(MINUTE);
        delivery.deliverDue(); // queues re-sends of a and b, then fails
        assertThat(delivery.pending()).isEqualTo(2);

        AlertEvent c = AlertEvent.fired(AlertType.OVERSOLD, "double11", "sku-3", T0, "oversold", "-1", "0");
        delivery.accept(c);
        assertThat(delivery.dropped()).isEqualTo(1);
        assertThat(delivery.pending()).isEqualTo(2);

        delivery.accept(AlertEvent.resolved(AlertType.STOCK_LOW, "double11", "sku-2", T0, T0 + MINUTE, "ok", "9",
                "5"));
        delivery.accept(AlertEvent.fired(AlertType.TARGET_SHORTFALL, "double11", null, T0, "behind", "1", "2"));
        // b's re-send became its resolve (not droppable); c and the shortfall are first fires: over the bound, kept.
        assertThat(delivery.pending()).isEqualTo(3);
        assertThat(delivery.dropped()).isEqualTo(1);

        sender.failNext = 0;
        clock.advance(MINUTE);
        while (delivery.pending() > 0) {
            clock.advance(SECOND);
            delivery.deliverDue();
        }
        List<JsonNode> last = sender.batches.get(sender.batches.size() - 1);
        assertThat(sender.alerts()).extracting(x -> x.at("/labels/alertname").asText())
                .contains("STOCK_LOW", "OVERSOLD", "TARGET_SHORTFALL");
        assertThat(last).isNotEmpty();
    }

    private String lastEndsAt() {
        List<JsonNode> alerts = sender.alerts();
        return alerts.get(alerts.size() - 1).get("endsAt").asText();
    }

    /** Wall clock moved by the test. */
    static final class FakeClock implements java.util.function.LongSupplier {
        long now;

        FakeClock(long now) {
            this.now = now;
        }

        void advance(long millis) {
            now += millis;
        }

        @Override
        public long getAsLong() {
            return now;
        }
    }

    /** Records accepted batches; fails the next {@code failNext} calls. */
    static final class FakeSender implements AlertSender {
        final List<List<JsonNode>> batches = new ArrayList<>();
        final List<URI> targets = new ArrayList<>();
        int failNext;

        @Override
        public void send(URI alertmanager, byte[] body) throws IOException {
            if (failNext > 0) {
                failNext--;
                throw new IOException("connection refused");
            }
            targets.add(alertmanager);
            JsonNode array = Json.readTree(body);
            batches.add(StreamSupport.stream(array.spliterator(), false).toList());
        }

        List<JsonNode> alerts() {
            return batches.stream().flatMap(List::stream).toList();
        }
    }
}
