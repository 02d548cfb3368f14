package io.warroom.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The pieces of the full stack fit together: docker-compose.yml (validated as such by `docker-compose config` in CI)
 * pins its images, mounts files that exist, and matches what Prometheus scrapes and what Grafana is provisioned with.
 */
class StackConfigurationTest {
    private static final Pattern PROMETHEUS_PORT = Pattern.compile("metrics\\.reporter\\.prom\\.port: (\\d+)");

    private final JsonNode compose = yaml("docker-compose.yml");
    private final JsonNode services = compose.path("services");

    @Test
    void everyImageIsPinnedToAVersion() {
        List<String> images = new ArrayList<>(compose.findValuesAsText("image"));
        assertThat(images).isNotEmpty().allSatisfy(image -> {
            assertThat(image).matches("[\\w./-]+:[\\w.-]*\\d[\\w.-]*");
            assertThat(image).doesNotEndWith(":latest");
        });
    }

    @Test
    void everyMountedFileOfTheRepositoryExists() {
        for (JsonNode volumes : compose.findValues("volumes")) {
            for (JsonNode volume : volumes) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./") && !source.equals("./target/warroom.jar")) {
                    assertThat(Path.of(source)).as(volume.asText()).exists();
                }
            }
        }
    }

    @Test
    void prometheusScrapesEveryFlinkProcessOnItsReporterPortAndAlertsTheStacksAlertmanager() {
        JsonNode prometheus = yaml("deploy/prometheus/prometheus.yml");
        Matcher port = PROMETHEUS_PORT.matcher(compose.path("x-flink").path("environment").path("FLINK_PROPERTIES")
                .asText());
        assertThat(port.find()).isTrue();
        Set<String> flinkTargets = new HashSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode target : job.findValues("targets").get(0)) {
                String[] hostPort = target.asText().split(":");
                if (!hostPort[0].equals("localhost")) {
                    assertThat(hostnames()).as(target.asText()).contains(hostPort[0]);
                }
                if (job.path("job_name").asText().startsWith("flink")) {
                    assertThat(hostPort[1]).as(target.asText()).isEqualTo(port.group(1));
                    flinkTargets.add(hostPort[0]);
                }
            }
        }
        List<String> flinkProcesses = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().path("<<").asText().equals("flink")) {
                flinkProcesses.add(service.getValue().path("hostname").asText());
            }
        });
        assertThat(flinkTargets).containsExactlyInAnyOrderElementsOf(flinkProcesses).hasSize(3);
        assertThat(prometheus.findValues("targets").get(0).get(0).asText()).isEqualTo("alertmanager:9093");
        assertThat(services.path("jobmanager").path("command").toString())
                .contains("--alertmanager=http://alertmanager:9093");
    }

    @Test
    void grafanaGetsTheDatasourceAndTheDashboardsFolder() {
        JsonNode datasource = yaml("dashboards/provisioning/datasources/prometheus.yml").path("datasources").get(0);
        URI url = URI.create(datasource.path("url").asText());
        assertThat(hostnames()).contains(url.getHost());
        assertThat(services.path(url.getHost()).path("ports").toString()).contains(Integer.toString(url.getPort()));

        String provided = yaml("dashboards/provisioning/dashboards/warroom.yml").path("providers").get(0)
                .path("options").path("path").asText();
        List<String> mounts = new ArrayList<>();
        services.path("grafana").path("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).contains("./dashboards:" + provided + ":ro",
                "./dashboards/provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
                "./dashboards/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro");
        assertThat(services.path("grafana").path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
                .asText()).isEqualTo(provided + "/war-room.json");
        assertThat(Path.of("dashboards/war-room.json")).exists();
    }

    /** Nothing of the stack is reachable from another machine unless someone publishes it on purpose. */
    @Test
    void everyPublishedPortIsBoundToLoopback() {
        for (String file : List.of("docker-compose.yml", "docker-compose.sasl.yml")) {
            for (Map.Entry<String, JsonNode> service : yaml(file).path("services").properties()) {
                for (JsonNode port : service.getValue().path("ports")) {
                    assertThat(port.isTextual()).as("%s %s: the short form, which names the host address", file,
                            service.getKey()).isTrue();
                    assertThat(port.asText()).as("%s %s", file, service.getKey())
                            .matches("127\\.0\\.0\\.1:\\d+:\\d+");
                }
            }
        }
        assertThat(services.path("kafka").path("ports").toString()).contains("127.0.0.1:9092:9092");
        assertThat(services.path("grafana").path("ports").toString()).contains("127.0.0.1:3000:3000");
    }

    /** A password with a default is a password everyone knows: compose must refuse to start without one. */
    @Test
    void noPasswordHasADefault() throws IOException {
        assertThat(services.path("grafana").path("environment").path("GF_SECURITY_ADMIN_PASSWORD").asText())
                .startsWith("${GRAFANA_ADMIN_PASSWORD:?");
        Pattern passwordReference = Pattern.compile("\\$\\{(\\w*PASSWORD\\w*)(:?[-?+]?)");
        for (String file : List.of("docker-compose.yml", "docker-compose.sasl.yml")) {
            Matcher reference = passwordReference.matcher(Files.readString(Path.of(file)));
            int found = 0;
            while (reference.find()) {
                found++;
                assertThat(reference.group(2)).as("%s: ${%s...}", file, reference.group(1)).isEqualTo(":?");
            }
            assertThat(found).as(file).isPositive();
        }
        assertThat(Files.readString(Path.of("docker-compose.sasl.yml")))
                .contains("${KAFKA_ADMIN_PASSWORD:?", "${KAFKA_MONITOR_PASSWORD:?", "${KAFKA_INGEST_PASSWORD:?",
                        "${KAFKA_OPS_PASSWORD:?");
    }

    @Test
    void grafanaLetsAnonymousScreensOnlyWatch() {
        JsonNode grafana = services.path("grafana").path("environment");
        assertThat(grafana.path("GF_AUTH_ANONYMOUS_ORG_ROLE").asText()).isEqualTo("Viewer");
        assertThat(grafana.path("GF_USERS_VIEWERS_CAN_EDIT").asText()).isEqualTo("false");
        assertThat(grafana.path("GF_USERS_ALLOW_SIGN_UP").asText()).isEqualTo("false");
    }

    /** Neither Prometheus nor Flink's web UI lets a visitor stop or change what runs. */
    @Test
    void prometheusAndFlinkTakeNoCommandsFromTheWeb() {
        assertThat(services.path("prometheus").path("command").toString())
                .doesNotContain("--web.enable-lifecycle").doesNotContain("--web.enable-admin-api");
        String flink = compose.path("x-flink").path("environment").path("FLINK_PROPERTIES").asText();
        assertThat(flink).contains("web.cancel.enable: false", "web.submit.enable: false");
    }

    @Test
    void deadLettersExpireWhenKafkaInitCreatesTheirTopic() throws IOException {
        String script = Files.readString(Path.of("deploy/kafka/create-topics.sh"));
        assertThat(script).containsPattern("--topic rejected-events [^\\n]*\\\\\n[^\\n]*--config retention\\.ms=");
        assertThat(services.path("kafka-init").path("environment").path("DEAD_LETTER_RETENTION_MS").asText())
                .isEqualTo("${DEAD_LETTER_RETENTION_MS:-604800000}");
    }

    /** The names containers reach each other by: service names and their hostnames. */
    private Set<String> hostnames() {
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            names.add(service.getKey());
            if (service.getValue().has("hostname")) {
                names.add(service.getValue().path("hostname").asText());
            }
        }
        return names;
    }

    private static JsonNode yaml(String file) {
        try {
            // YAML merge keys (<<: *flink) come through as the anchor's name; the tests read them that way.
            return Json.readYaml(Files.readAllBytes(Path.of(file)));
        } catch (IOException e) {
            throw new AssertionError(file, e);
        }
    }
}
