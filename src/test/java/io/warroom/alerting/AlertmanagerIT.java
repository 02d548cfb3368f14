package io.warroom.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.warroom.cli.WarroomCli;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.serde.Json;
import io.warroom.testkit.AlertmanagerProcess;
import io.warroom.testkit.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@link AlertDelivery} against the real Alertmanager binary, with a webhook receiver served by the test, to
 * prove that the alerts arrive as designed, that a re-delivery (as after a restart) does not notify twice, and that an
 * Alertmanager outage loses nothing.
 */
class AlertmanagerIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private HttpServer webhook;
    private final List<Notification> notifications = Collections.synchronizedList(new ArrayList<>());
    private int port;
    private AlertmanagerProcess alertmanager;
    private final List<AlertDelivery> deliveries = new ArrayList<>();

    /** One webhook call: the group (campaign/alertname), its status and the alert ids in it. */
    record Notification(String group, String status, List<String> alertIds) {}

    @BeforeEach
    void startWebhookAndAlertmanager() throws Exception {
        assumeTrue(AlertmanagerProcess.installed(), AlertmanagerProcess.BINARY + " is missing (apt-get install "
                + "prometheus-alertmanager); skipping the Alertmanager integration test");
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", exchange -> {
            JsonNode body = Json.readTree(exchange.getRequestBody().readAllBytes());
            // Acknowledged before it is recorded: Alertmanager logs a notification as sent only once it has the
            // answer, and a test that stops Alertmanager on seeing the notification must not cut in between.
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            notifications.add(new Notification(
                    body.at("/groupLabels/campaign").asText() + "/" + body.at("/groupLabels/alertname").asText(),
                    body.get("status").asText(),
                    StreamSupport.stream(body.get("alerts").spliterator(), false)
                            .map(a -> a.at("/labels/alert_id").asText()).toList()));
        });
        webhook.start();
        port = Ports.free();
        Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: hook
                  group_by: [campaign, alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: 'http://127.0.0.1:%d/hook'
                        send_resolved: true
                """.formatted(webhook.getAddress().getPort()));
        alertmanager = new AlertmanagerProcess(dir.resolve("alertmanager.yml"), dir, port);
        alertmanager.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        deliveries.forEach(AlertDelivery::close);
        if (alertmanager != null) {
            alertmanager.stop();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    @Test
    void alertsArriveResolveAndAreNotNotifiedTwiceAfterARestart() throws Exception {
        long now = System.currentTimeMillis();
        long firedAt = now - 60_000;
        AlertEvent stockOut = AlertEvent.fired(AlertType.STOCK_OUT, "c1", "sku-1", firedAt, "sku-1 sold out", "0",
                "0");
        AlertEvent shortfall = AlertEvent.fired(AlertType.TARGET_SHORTFALL, "c1", null, firedAt, "c1 behind plan",
                "100.00", "250.00");
        AlertEvent low = AlertEvent.fired(AlertType.STOCK_LOW, "c2", "sku-9", firedAt, "sku-9 low", "3", "5");
        AlertEvent lowResolved = AlertEvent.resolved(AlertType.STOCK_LOW, "c2", "sku-9", firedAt, now - 30_000,
                "sku-9 restocked", "20", "5");

        AlertDelivery first = delivery();
        first.accept(stockOut);
        first.accept(shortfall);
        first.accept(low);

        await("all three alerts in Alertmanager", () -> activeIds().size() == 3);
        JsonNode alert = activeAlerts().stream()
                .filter(a -> a.at("/labels/alert_id").asText().equals(stockOut.id())).findFirst().orElseThrow();
        assertThat(alert.at("/labels/alertname").asText()).isEqualTo("STOCK_OUT");
        assertThat(alert.at("/labels/campaign").asText()).isEqualTo("c1");
        assertThat(alert.at("/labels/item").asText()).isEqualTo("sku-1");
        assertThat(alert.at("/labels/severity").asText()).isEqualTo("page");
        assertThat(alert.at("/annotations/summary").asText()).isEqualTo("sku-1 sold out");
        assertThat(alert.at("/annotations/dashboard").asText()).isEqualTo("http://grafana.test/d/warroom?c=c1&i=sku-1");
        assertThat(Instant.parse(alert.get("startsAt").asText()).toEpochMilli()).isEqualTo(firedAt);
        await("firing notifications of three groups", () -> notified("firing").size() == 3);

        first.accept(lowResolved);
        await("resolved alert gone from Alertmanager", () -> !activeIds().contains(low.id()));
        await("resolved notification", () -> notified("resolved").contains("c2/STOCK_LOW"));
        first.close();
        int before = notifications.size();

        // A restarted job sends the same incidents (same ids) again, the resolved one included.
        AlertDelivery second = delivery();
        second.accept(stockOut);
        second.accept(shortfall);
        second.accept(low);
        second.accept(lowResolved);
        assertThat(second.awaitDelivered(Duration.ofSeconds(10))).isTrue();
        Thread.sleep(3_500); // several group_intervals: time enough for any second notification to go out
        assertThat(activeIds()).containsExactlyInAnyOrder(stockOut.id(), shortfall.id());
        assertThat(notifications).hasSize(before);
    }

    @Test
    void anAlertmanagerOutageLosesNothing() throws Exception {
        long firedAt = System.currentTimeMillis() - 60_000;
        AlertEvent before = AlertEvent.fired(AlertType.OVERSOLD, "c3", "sku-2", firedAt, "oversold", "-2", "0");
        AlertDelivery delivery = delivery();
        delivery.accept(before);
        await("alert before the outage", () -> activeIds().contains(before.id()));
        await("its notification", () -> notified("firing").contains("c3/OVERSOLD"));

        alertmanager.stop();
        AlertEvent during = AlertEvent.fired(AlertType.STOCK_OUT, "c3", "sku-3", firedAt + 1_000, "sold out", "0",
                "0");
        delivery.accept(during);
        delivery.accept(AlertEvent.resolved(AlertType.OVERSOLD, "c3", "sku-2", firedAt, firedAt + 2_000, "ok", "4",
                "0"));
        await("failed attempts while Alertmanager is down", () -> delivery.failures() >= 2);
        assertThat(delivery.pending()).isGreaterThan(0);

        alertmanager.start();
        await("alert sent during the outage arrives", () -> activeIds().equals(List.of(during.id())));
        await("its firing notification", () -> notified("firing").contains("c3/STOCK_OUT"));
        // Alertmanager kept its notification log across the restart, so the resolve that was sent while it was
        // down still reaches the receiver that was paged.
        await("resolve sent during the outage arrives", () -> notified("resolved").contains("c3/OVERSOLD"));
        // Alertmanager may have the batch before the delivery thread has read its answer.
        await("nothing left to send", () -> delivery.pending() == 0);
        assertThat(delivery.dropped()).isZero();
    }

    /**
     * A replay asked to page delivers its alerts; afterwards Alertmanager holds as active exactly the alerts that were
     * still unresolved at the end of the replay.
     */
    @Test
    void aDeliveringReplayLeavesExactlyItsUnresolvedAlertsActive() throws Exception {
        Path report = dir.resolve("report.json");
        CommandLine cli = new CommandLine(new WarroomCli());
        cli.setOut(new PrintWriter(new StringWriter()));

        int exit = cli.execute("replay", "--campaign", "jobs/double11-2026.yaml", "--input", "samples/double11-mini",
                "--report", report.toString(), "--alertmanager", "http://127.0.0.1:" + port, "--deliver");

        assertThat(exit).isZero();
        // Compared as incidents, not ids: paging merges a re-fire within the hold-back into the incident it
        // resumes, which keeps the first fire's id, while the report lists the re-fire under its own.
        List<String> unresolved = new ArrayList<>();
        for (JsonNode alert : Json.readTree(Files.readAllBytes(report)).get("alerts")) {
            if (alert.get("resolved_at").isNull()) {
                unresolved.add(incident(alert.get("type").asText(), alert.get("campaign_id").asText(),
                        alert.get("item_id").asText(null)));
            }
        }
        assertThat(unresolved).isNotEmpty();
        await("Alertmanager holds the unresolved alerts", () -> activeAlerts().size() == unresolved.size());
        assertThat(activeAlerts())
                .extracting(a -> incident(a.at("/labels/alertname").asText(), a.at("/labels/campaign").asText(),
                        a.at("/labels/item").asText(null)))
                .containsExactlyInAnyOrderElementsOf(unresolved);
    }

    private static String incident(String type, String campaign, String item) {
        return type + "/" + campaign + "/" + item;
    }

    private AlertDelivery delivery() {
        AlertDeliverySettings settings = AlertDeliverySettings.defaults(List.of(URI.create("http://127.0.0.1:" + port)))
                .withResendInterval(Duration.ofSeconds(1))
                .withResolvedResendFor(Duration.ofSeconds(30))
                .withResolveHoldBack(Duration.ZERO)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));
        AlertDelivery delivery = new AlertDelivery(settings,
                new AlertmanagerAlert("http://grafana.test/d/warroom?c={campaign}&i={item}", null),
                new HttpAlertSender(Duration.ofSeconds(2)), System::currentTimeMillis);
        deliveries.add(delivery);
        delivery.start();
        return delivery;
    }

    private List<String> notified(String status) {
        synchronized (notifications) {
            return notifications.stream().filter(n -> n.status().equals(status)).map(Notification::group).toList();
        }
    }

    private List<JsonNode> activeAlerts() {
        try {
            JsonNode array = Json.readTree(get("/api/v2/alerts").body().getBytes(StandardCharsets.UTF_8));
            return StreamSupport.stream(array.spliterator(), false).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private List<String> activeIds() {
        return activeAlerts().stream().map(a -> a.at("/labels/alert_id").asText()).toList();
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        // An upper bound for a loaded CI machine; on an idle one each wait ends within a few seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + "; notifications " + notifications
                        + "; Alertmanager log:\n" + alertmanager.log());
            }
            Thread.sleep(100);
        }
    }
}
