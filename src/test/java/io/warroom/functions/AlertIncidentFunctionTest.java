package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.Severity;
import io.warroom.testkit.TestCampaigns;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alerts of one subject re-firing within the 5-minute hold-back are one incident; state goes after the hold-back. */
class AlertIncidentFunctionTest {
    private static final long MINUTE = 60_000L;
    /** 10:30 in campaign c1 of {@link TestCampaigns#PACED}, which ends at 12:00. */
    private static final long T0 = Instant.parse("2026-11-11T10:30:00Z").toEpochMilli();
    private static final long END = Instant.parse("2026-11-11T12:00:00Z").toEpochMilli();
    private static final MonitorSettings SETTINGS = MonitorSettings.defaults();

    private KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, AlertEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new AlertIncidentFunction(TestCampaigns.timeline(TestCampaigns.PACED), SETTINGS)),
                AlertEvent::subjectKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aReFireWithinTheHoldBackIsTheSameIncidentWithItsFirstSeverity() throws Exception {
        AlertEvent first = stockOut(T0, Severity.WARNING);
        push(first, first.asResolvedAt(T0 + MINUTE));
        // 4 min 59 s after the resolve, and this time it would page: still the first incident, a warning
        AlertEvent again = stockOut(T0 + 6 * MINUTE - 1000, Severity.PAGE);
        push(again, again.asResolvedAt(T0 + 7 * MINUTE));

        assertThat(output()).extracting(AlertEvent::id, AlertEvent::incidentId, AlertEvent::severity,
                AlertEvent::flaps).containsExactly(
                        tuple(first.id(), first.id(), Severity.WARNING, 0),
                        tuple(first.id(), first.id(), Severity.WARNING, 0),
                        tuple(again.id(), first.id(), Severity.WARNING, 1),
                        tuple(again.id(), first.id(), Severity.WARNING, 1));
    }

    @Test
    void aFireAtTheEndOfTheHoldBackStartsANewIncident() throws Exception {
        AlertEvent first = stockOut(T0, Severity.WARNING);
        push(first, first.asResolvedAt(T0 + MINUTE));
        AlertEvent later = stockOut(T0 + 6 * MINUTE, Severity.PAGE);
        push(later);

        assertThat(output()).last().extracting(AlertEvent::incidentId, AlertEvent::severity, AlertEvent::flaps)
                .containsExactly(later.id(), Severity.PAGE, 0);
    }

    @Test
    void theSubjectsStateGoesOnceTheHoldBackHasPassed() throws Exception {
        AlertEvent first = stockOut(T0, Severity.WARNING);
        push(first, first.asResolvedAt(T0 + MINUTE));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.processWatermark(T0 + 6 * MINUTE);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anAlertStillActiveLeavesWithItsCampaignsState() throws Exception {
        push(stockOut(T0, Severity.WARNING));

        harness.processWatermark(END + SETTINGS.retentionMillis());

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private static AlertEvent stockOut(long at, Severity severity) {
        return AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", null, at, "sku-1: out of stock (0 left)", "0",
                "0", severity);
    }

    private void push(AlertEvent... alerts) throws Exception {
        for (AlertEvent alert : alerts) {
            harness.processElement(alert, alert.resolvedAt() != null ? alert.resolvedAt() : alert.firedAt());
        }
    }

    private List<AlertEvent> output() {
        return harness.extractOutputValues();
    }
}
