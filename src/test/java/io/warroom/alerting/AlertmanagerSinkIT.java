package io.warroom.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.serde.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@link AlertmanagerSink} in a small Flink job against a fake Alertmanager endpoint: watermarks drive the
 * resolve hold-back, and at end of input the held resolve is sent before the job finishes.
 */
class AlertmanagerSinkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final long T0 = Instant.parse("2026-11-11T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private HttpServer alertmanager;
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startFakeAlertmanager() throws Exception {
        alertmanager = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        alertmanager.createContext("/api/v2/alerts", exchange -> {
            JsonNode batch = Json.readTree(exchange.getRequestBody().readAllBytes());
            batch.forEach(received::add);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        alertmanager.start();
    }

    @AfterEach
    void stop() {
        alertmanager.stop(0);
    }

    @Test
    void flapIsOneIncidentAndTheFinalResolveIsSentAtEndOfInput() throws Exception {
        AlertEvent fire = AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", T0, "sold out", "0", "0");
        AlertEvent flapResolve = AlertEvent.resolved(AlertType.STOCK_OUT, "c1", "sku-1", T0, T0 + MINUTE, "back",
                "2", "0");
        AlertEvent reFire = AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", T0 + 2 * MINUTE, "sold out", "0",
                "0");
        AlertEvent finalResolve = AlertEvent.resolved(AlertType.STOCK_OUT, "c1", "sku-1", T0 + 2 * MINUTE,
                T0 + 3 * MINUTE, "back", "9", "0");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        URI url = URI.create("http://127.0.0.1:" + alertmanager.getAddress().getPort());
        env.fromData(fire, flapResolve, reFire, finalResolve)
                .setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<AlertEvent>forMonotonousTimestamps()
                        .withTimestampAssigner((a, ignored) -> a.resolvedAt() == null ? a.firedAt() : a.resolvedAt()))
                .setParallelism(1)
                .name("alerts")
                .sinkTo(new AlertmanagerSink(AlertDeliverySettings.defaults(List.of(url)),
                        new AlertmanagerAlert("http://grafana.test/{campaign}/{item}", null),
                        Duration.ofSeconds(5), Duration.ofSeconds(20)))
                .setParallelism(1)
                .name("Alertmanager");
        env.execute("alertmanager sink test");

        assertThat(received).isNotEmpty()
                .allSatisfy(a -> assertThat(a.at("/labels/alert_id").asText()).isEqualTo(fire.id()))
                .allSatisfy(a -> assertThat(a.get("startsAt").asText()).isEqualTo("2026-11-11T00:00:00Z"));
        assertThat(received.get(received.size() - 1).get("endsAt").asText()).isEqualTo("2026-11-11T00:03:00Z");
        assertThat(received).extracting(a -> a.get("endsAt").asText()).doesNotContain("2026-11-11T00:01:00Z");
    }
}
