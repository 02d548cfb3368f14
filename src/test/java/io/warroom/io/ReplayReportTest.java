package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelStats;
import io.warroom.model.ItemStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.MonitorOutput;
import io.warroom.model.PacingStatus;
import io.warroom.model.Severity;
import io.warroom.serde.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's alerts: each transition once as it fired, and the incidents they make. */
class ReplayReportTest {
    private static final long T0 = 1_794_326_400_000L;
    private static final long MINUTE = 60_000L;

    @Test
    void listsEachIncidentOnceWithItsFirstWordsAndItsFlaps() {
        AlertEvent first = AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", null, T0,
                "sku-1: out of stock (0 left); about 120.00/h at risk", "0", "0", Severity.WARNING);
        AlertEvent again = AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", null, T0 + 3 * MINUTE,
                "sku-1: out of stock (0 left); about 999.00/h at risk", "0", "0", Severity.PAGE)
                .inIncident(first.id(), Severity.WARNING, 1);
        ReplayReport report = new ReplayReport();
        report.add(MonitorOutput.of(first));
        report.add(MonitorOutput.of(AlertEvent.resolved(AlertType.STOCK_OUT, "c1", "sku-1", null, T0, T0 + MINUTE,
                "sku-1: back in stock (4 left)", "4", "0")));
        report.add(MonitorOutput.of(again));

        ObjectNode json = report.toJson();

        JsonNode incidents = json.get("incidents");
        assertThat(incidents).hasSize(1);
        assertThat(incidents.get(0).get("incident_id").asText()).isEqualTo(first.id());
        assertThat(incidents.get(0).get("severity").asText()).isEqualTo("warning");
        assertThat(incidents.get(0).get("flaps").asInt()).isEqualTo(1);
        assertThat(incidents.get(0).get("resolved_at").isNull()).isTrue();
        assertThat(incidents.get(0).get("summary").asText()).contains("about 120.00/h at risk");
        // the first alert is listed resolved, with what it said when it fired
        JsonNode alerts = json.get("alerts");
        assertThat(List.of(alerts.get(0).get("summary").asText(), alerts.get(0).get("resolved_at").asLong()))
                .containsExactly("sku-1: out of stock (0 left); about 120.00/h at risk", T0 + MINUTE);
        assertThat(alerts.get(1).get("incident_id").asText()).isEqualTo(first.id());
        assertThat(alerts.get(1).get("flaps").asInt()).isEqualTo(1);
    }

    @Test
    void writtenItemByItemItIsTheSameDocumentAsTheTree() throws Exception {
        ReplayReport report = new ReplayReport();
        for (String campaign : List.of("c2", "c1")) {
            report.add(MonitorOutput.of(new CampaignStats(campaign, 12_345, 100, 3, 4, 3, 50, 80, 9, 2, T0 + MINUTE,
                    1_000_000, 500_000, new MinuteStats[] {new MinuteStats(T0, 12_345, 3, 80)},
                    new ChannelStats[] {new ChannelStats("app", 30, 60)}, new PacingStatus[0], false)));
            for (String item : List.of("sku-2", "sku-1", "sku-10")) {
                report.add(MonitorOutput.of(new ItemStats(campaign, item, 4_115, 0, 1, 1, 1, 10, 10, 1, 7L,
                        T0 + MINUTE, false)));
            }
        }
        report.add(MonitorOutput.of(AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", null, T0,
                "sku-1: out of stock (0 left)", "0", "0", Severity.WARNING)));

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (JsonGenerator out = Json.prettyGenerator(written)) {
            report.writeTo(out);
        }

        assertThat(written.toString(StandardCharsets.UTF_8)).isEqualTo(Json.toPrettyString(report.toJson()));
        assertThat(report.toJson().get("campaigns").get(0).get("items")).hasSize(3);
    }
}
