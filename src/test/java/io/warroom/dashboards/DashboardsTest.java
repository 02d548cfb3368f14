package io.warroom.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboards of {@code dashboards/} as Grafana would provision them: valid, unique, wired to the provisioned
 * Prometheus datasource, with every variable defined, and readable from across a room (units, decimals, colours,
 * names instead of raw series labels, money in currency units rather than cents).
 */
class DashboardsTest {
    private static final Set<String> CURRENT_PANEL_TYPES =
            Set.of("timeseries", "stat", "gauge", "bargauge", "table", "piechart", "barchart", "text", "row");
    private static final Set<String> UNQUERIED_PANEL_TYPES = Set.of("text", "row");
    private static final Set<String> SINGLE_VALUE_PANEL_TYPES = Set.of("stat", "gauge", "bargauge");
    private static final List<String> EXPECTED = List.of("item-drilldown.json", "pipeline-health.json",
            "war-room.json");

    @Test
    void everyDashboardIsACurrentGrafanaDashboard() {
        assertThat(Dashboard.all()).extracting(d -> d.file.getFileName().toString())
                .containsExactlyElementsOf(EXPECTED);
        for (Dashboard dashboard : Dashboard.all()) {
            assertThat(dashboard.uid()).as(dashboard.file.toString()).isNotBlank().hasSizeLessThanOrEqualTo(40);
            assertThat(dashboard.title()).as(dashboard.file.toString()).isNotBlank();
            assertThat(dashboard.json.path("schemaVersion").asInt()).as(dashboard.title()).isGreaterThanOrEqualTo(39);
            assertThat(dashboard.panels()).as(dashboard.title()).isNotEmpty();
            for (JsonNode panel : dashboard.panels()) {
                assertThat(panel.path("type").asText()).as(dashboard.title() + " / " + panel.path("title"))
                        .isIn(CURRENT_PANEL_TYPES);
                assertThat(panel.path("title").asText()).as(dashboard.title() + " panel " + panel.path("id"))
                        .isNotBlank();
            }
        }
    }

    @Test
    void dashboardAndPanelIdsAreUnique() {
        List<String> uids = Dashboard.all().stream().map(Dashboard::uid).toList();
        assertThat(uids).doesNotHaveDuplicates();
        for (Dashboard dashboard : Dashboard.all()) {
            assertThat(dashboard.panels()).extracting(p -> p.path("id").asInt())
                    .as(dashboard.title()).doesNotHaveDuplicates().doesNotContain(0);
        }
    }

    @Test
    void everyQueryGoesToTheProvisionedPrometheusByItsUid() throws Exception {
        JsonNode provisioned = Json.readYaml(Files.readAllBytes(
                Path.of("dashboards/provisioning/datasources/prometheus.yml"))).path("datasources").get(0);
        assertThat(provisioned.path("type").asText()).isEqualTo("prometheus");
        String uid = provisioned.path("uid").asText();
        assertThat(uid).isNotBlank();
        for (Dashboard dashboard : Dashboard.all()) {
            for (JsonNode panel : dashboard.panels()) {
                if (UNQUERIED_PANEL_TYPES.contains(panel.path("type").asText())) {
                    continue;
                }
                String where = dashboard.title() + " / " + panel.path("title").asText();
                assertThatIsTheDatasource(panel.path("datasource"), uid, where);
                assertThat(panel.path("targets")).as(where).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThatIsTheDatasource(target.path("datasource"), uid, where + " " + target.path("refId"));
                    assertThat(target.path("expr").asText()).as(where).isNotBlank();
                }
            }
            for (Dashboard.Variable variable : dashboard.variables()) {
                assertThatIsTheDatasource(variable.json().path("datasource"), uid,
                        dashboard.title() + " $" + variable.name());
            }
        }
    }

    @Test
    void everyVariableAQueryOrLinkUsesIsDefinedBeforeIt() {
        for (Dashboard dashboard : Dashboard.all()) {
            Set<String> defined = new HashSet<>(Dashboard.GRAFANA_VARIABLES);
            for (Dashboard.Variable variable : dashboard.variables()) {
                assertThat(variable.query()).as(dashboard.title() + " $" + variable.name())
                        .matches("(label_values|query_result)\\(.*\\)");
                assertThat(Dashboard.referencedVariables(variable.query()))
                        .as("variables used by $%s of %s", variable.name(), dashboard.title())
                        .isSubsetOf(defined);
                defined.add(variable.name());
            }
            for (Dashboard.Query query : dashboard.queries()) {
                assertThat(Dashboard.referencedVariables(query.expr())).as(dashboard.title() + " " + query)
                        .isSubsetOf(defined);
            }
            for (JsonNode url : dashboard.json.findValues("url")) {
                assertThat(Dashboard.referencedVariables(url.asText())).as(dashboard.title() + " link " + url)
                        .isSubsetOf(defined);
            }
        }
    }

    @Test
    void numbersAreReadableAtAGlance() {
        for (Dashboard dashboard : Dashboard.all()) {
            for (JsonNode panel : dashboard.panels()) {
                String type = panel.path("type").asText();
                if (UNQUERIED_PANEL_TYPES.contains(type)) {
                    continue;
                }
                String where = dashboard.title() + " / " + panel.path("title").asText();
                JsonNode defaults = panel.path("fieldConfig").path("defaults");
                assertThat(defaults.path("unit").asText()).as(where + ": unit").isNotBlank();
                if (SINGLE_VALUE_PANEL_TYPES.contains(type)) {
                    assertThat(defaults.has("decimals")).as(where + ": decimals").isTrue();
                    assertThat(defaults.path("thresholds").path("steps")).as(where + ": threshold colours")
                            .isNotEmpty()
                            .allSatisfy(step -> assertThat(step.path("color").asText()).isNotBlank());
                }
                if (!type.equals("table")) {
                    for (JsonNode target : panel.path("targets")) {
                        assertThat(target.path("legendFormat").asText()).as(where + ": series named, not labels")
                                .isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void moneyIsShownInCurrencyUnitsNeverInCents() {
        List<String> moneyQueries = new ArrayList<>();
        for (Dashboard dashboard : Dashboard.all()) {
            for (Dashboard.Query query : dashboard.queries()) {
                // What a query shows is left of "and on": the right side only filters which series are shown.
                String shown = query.expr().split(" and on ")[0];
                int centMetrics = shown.split("_cents", -1).length - 1;
                if (centMetrics == 0) {
                    continue;
                }
                String where = dashboard.title() + " " + query;
                String unit = unitOf(query);
                if (shown.endsWith("/ 100")) {
                    assertThat(unit).as(where).startsWith("currency");
                    moneyQueries.add(where);
                } else {
                    assertThat(centMetrics).as(where + ": cents shown raw").isGreaterThanOrEqualTo(2);
                    assertThat(unit).as(where + ": a ratio of amounts").isEqualTo("percentunit");
                }
            }
        }
        assertThat(moneyQueries).isNotEmpty();
    }

    /** The unit a query's values are shown in: a table column's own unit, else the panel's. */
    private static String unitOf(Dashboard.Query query) {
        String unit = query.panel().path("fieldConfig").path("defaults").path("unit").asText();
        if (!query.panel().path("type").asText().equals("table")) {
            return unit;
        }
        String column = "Value #" + query.refId();
        for (JsonNode transformation : query.panel().path("transformations")) {
            JsonNode renamed = transformation.path("options").path("renameByName").path(column);
            if (!renamed.isMissingNode()) {
                column = renamed.asText();
            }
        }
        for (JsonNode override : query.panel().path("fieldConfig").path("overrides")) {
            if (override.path("matcher").path("options").asText().equals(column)) {
                for (JsonNode property : override.path("properties")) {
                    if (property.path("id").asText().equals("unit")) {
                        return property.path("value").asText();
                    }
                }
            }
        }
        return unit;
    }

    private static void assertThatIsTheDatasource(JsonNode datasource, String uid, String where) {
        assertThat(datasource.path("type").asText()).as(where + ": datasource type").isEqualTo("prometheus");
        assertThat(datasource.path("uid").asText()).as(where + ": datasource uid").isEqualTo(uid);
    }
}
