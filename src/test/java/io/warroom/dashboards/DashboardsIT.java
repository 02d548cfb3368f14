package io.warroom.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import io.warroom.demo.EmbeddedKafka;
import io.warroom.testkit.AlertmanagerProcess;
import io.warroom.testkit.Await;
import io.warroom.testkit.DemoRun;
import io.warroom.testkit.GeneratedTopics;
import io.warroom.testkit.Ports;
import io.warroom.testkit.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards against the real thing: the demo (embedded Kafka, generator, monitor) paging a real Alertmanager
 * with the example configuration, scraped by a real Prometheus that also evaluates the monitor's own alert rules.
 * Every query of every panel, with its variables set to the first value their own query returns (what Grafana
 * selects on first load), must return data; the war room's GMV must equal the gmv computed from the generated
 * orders; and every rule must evaluate, on metric names the running job really exports.
 */
class DashboardsIT {
    /** Grafana's $__rate_interval for a 1 s scrape interval: four scrape intervals. */
    private static final String RATE_INTERVAL = "4s";
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final Pattern QUERY_RESULT = Pattern.compile("query_result\\((.+)\\)");
    private static final Pattern METRIC_NAME = Pattern.compile("\\b(flink_\\w+|alertmanager_\\w+)");

    @TempDir
    Path dir;

    @Test
    void everyPanelHasDataAndTheWarRoomShowsTheGeneratedGmv() throws Exception {
        assumeTrue(PrometheusServer.installed() && AlertmanagerProcess.installed(),
                "needs Debian's prometheus and prometheus-alertmanager (apt-get install prometheus "
                        + "prometheus-alertmanager); skipping the dashboards end-to-end test");
        int metricsPort = Ports.free();
        try (AlertmanagerProcess alertmanager = new AlertmanagerProcess(
                        Path.of("deploy/alertmanager/alertmanager.yml").toAbsolutePath(), dir.resolve("am"),
                        Ports.free());
                EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            alertmanager.start();
            Instant started = Instant.now();
            try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"),
                            scrapeConfig(metricsPort, alertmanager.url().getPort()));
                    DemoRun demo = DemoRun.start(kafka.bootstrapServers(), "--duration", "6min", "--speed", "20",
                            "--peak-rate", "40", "--metrics-port", Integer.toString(metricsPort), "--linger",
                            "10min", "--refresh", "5s", "--out", dir.toString(),
                            // Event time follows the sped-up sale, so sell rates (over a minute of event time)
                            // exist within seconds rather than a minute of wall-clock time.
                            "--no-wall-clock-watermark", "--alertmanager", alertmanager.url().toString())) {
                assertThat(demo.awaitSaleOver(Duration.ofSeconds(90))).as(demo.screen()).isTrue();
                CampaignDefinition campaign = CampaignLoader.parse("campaign.yaml",
                        Files.readAllBytes(dir.resolve("campaign.yaml")));
                long expectedGmvCents = GeneratedTopics.paidGmvCents(kafka.bootstrapServers(), campaign);
                assertThat(expectedGmvCents).isPositive();

                Dashboard warRoom = Dashboard.withUid("warroom-war-room");
                String gmvQuery = Dashboard.substitute(
                        warRoom.panel("GMV").path("targets").get(0).path("expr").asText(),
                        variableValues(warRoom, prometheus));
                double[] shown = {Double.NaN};
                boolean settled = Await.until(Duration.ofSeconds(60), () -> {
                    JsonNode result = prometheus.instant(gmvQuery);
                    shown[0] = result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
                    return Math.round(shown[0] * 100) == expectedGmvCents;
                });
                assertThat(settled).as("war-room GMV panel %s shows %s, the generated orders' gmv is %d cents",
                        gmvQuery, shown[0], expectedGmvCents).isTrue();

                List<String> withoutData = new ArrayList<>();
                for (Dashboard dashboard : Dashboard.all()) {
                    Map<String, String> values = variableValues(dashboard, prometheus);
                    for (Dashboard.Query query : dashboard.queries()) {
                        String expr = Dashboard.substitute(query.expr(), values);
                        JsonNode result = query.instant() ? prometheus.instant(expr)
                                : prometheus.range(expr, started, Instant.now(), STEP);
                        if (!hasFiniteValue(result)) {
                            withoutData.add(dashboard.title() + " " + query + " -> " + expr + " = " + result);
                        }
                    }
                }
                assertThat(withoutData).as("panel queries without data").isEmpty();

                assertThatEveryRuleEvaluatesOnExportedMetrics(prometheus);
            }
        }
    }

    /** Scrapes the demo's endpoint (JobManager and TaskManager in one) and Alertmanager, with the monitor's rules. */
    private static String scrapeConfig(int metricsPort, int alertmanagerPort) {
        return """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: flink-embedded
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                  - job_name: alertmanager
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(Path.of("deploy/prometheus/rules").toAbsolutePath().resolve("*.yml"), metricsPort,
                alertmanagerPort);
    }

    /**
     * Each variable set to the first value its query returns, in the order Grafana shows them, after its regex;
     * later variables see the earlier ones. A variable without values fails the test.
     */
    private static Map<String, String> variableValues(Dashboard dashboard, PrometheusServer prometheus) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("__rate_interval", RATE_INTERVAL);
        for (Dashboard.Variable variable : dashboard.variables()) {
            String query = Dashboard.substitute(variable.query(), values);
            List<String> options = new ArrayList<>();
            Matcher labelValues = LABEL_VALUES.matcher(query);
            Matcher queryResult = QUERY_RESULT.matcher(query);
            if (labelValues.matches()) {
                options.addAll(prometheus.labelValues(labelValues.group(2), labelValues.group(1)));
            } else if (queryResult.matches()) {
                // Grafana turns each series into the text {label="value", ...} value timestamp.
                for (JsonNode series : prometheus.instant(queryResult.group(1))) {
                    List<String> labels = new ArrayList<>();
                    series.path("metric").properties().forEach(
                            f -> labels.add(f.getKey() + "=\"" + f.getValue().asText() + "\""));
                    options.add("{" + String.join(", ", labels) + "} " + series.path("value").get(1).asText());
                }
            }
            List<String> selectable = applyRegex(options, variable.regex());
            if (variable.sort() == 1) {
                selectable = new ArrayList<>(new TreeSet<>(selectable));
            }
            assertThat(selectable).as("values of $%s in %s (%s)", variable.name(), dashboard.title(), query)
                    .isNotEmpty();
            values.put(variable.name(), selectable.get(0));
        }
        return values;
    }

    private static List<String> applyRegex(List<String> options, String regex) {
        if (regex.isEmpty()) {
            return options;
        }
        Pattern pattern = Pattern.compile(regex.substring(1, regex.lastIndexOf('/')));
        List<String> kept = new ArrayList<>();
        for (String option : options) {
            Matcher matcher = pattern.matcher(option);
            if (matcher.find()) {
                kept.add(matcher.groupCount() > 0 ? matcher.group(1) : option);
            }
        }
        return kept;
    }

    /** Data, for a panel: at least one series with a number in it (not only NaN, which Grafana shows as such). */
    private static boolean hasFiniteValue(JsonNode result) {
        for (JsonNode series : result) {
            List<JsonNode> samples = new ArrayList<>();
            if (series.has("value")) {
                samples.add(series.get("value"));
            }
            series.path("values").forEach(samples::add);
            for (JsonNode sample : samples) {
                if (Double.isFinite(Double.parseDouble(sample.get(1).asText().replace("Inf", "Infinity")))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The rules loaded and evaluated without error, and every metric they name exists in the running system. */
    private static void assertThatEveryRuleEvaluatesOnExportedMetrics(PrometheusServer prometheus)
            throws InterruptedException {
        Set<String> named = new TreeSet<>();
        List<String> unhealthy = new ArrayList<>();
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            for (JsonNode group : prometheus.ruleGroups()) {
                for (JsonNode rule : group.path("rules")) {
                    if (!rule.has("lastEvaluation") || rule.path("lastEvaluation").asText().startsWith("0001")) {
                        return false;
                    }
                }
            }
            return true;
        })).as("every rule evaluated").isTrue();
        int rules = 0;
        for (JsonNode group : prometheus.ruleGroups()) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                if (!rule.path("health").asText().equals("ok")) {
                    unhealthy.add(rule.path("name").asText() + ": " + rule.path("lastError").asText());
                }
                Matcher names = METRIC_NAME.matcher(rule.path("query").asText());
                while (names.find()) {
                    named.add(names.group(1));
                }
            }
        }
        assertThat(rules).isGreaterThan(10);
        assertThat(unhealthy).isEmpty();
        assertThat(prometheus.metricNames()).containsAll(named);
    }
}
