package io.warroom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.FolderSink;
import io.warroom.generator.Incident;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.model.AlertType;
import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import io.warroom.testkit.ReferenceMonitor;
import io.warroom.testkit.ReferenceMonitor.Alert;
import io.warroom.testkit.ReplayHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision and recall of the drop alerts on generated sales of realistic shape (a midnight spike decaying over 90
 * minutes, 400 items with two flash-sale hits that sell out, 100,000 users, duplicates and disorder), replayed on a
 * MiniCluster at parallelism 2: the normal sale raises no TRAFFIC_DROP and no CONVERSION_DROP, and each injected
 * incident ({@code generate --incident}) is raised in time, with its scope, and resolved soon after it ends. Every
 * report's alerts also equal {@link ReferenceMonitor}'s, so the rules are the written ones.
 */
class IncidentAlertsIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReplayHarness.miniCluster();

    private static final long SEED = 1111L;
    private static final long MINUTE = 60_000L;
    private static final long START = SaleSettings.DEFAULT_START.toInstant().toEpochMilli();

    @TempDir
    static Path dir;

    static List<Alert> normal;
    static String busyItem;

    @BeforeAll
    static void replayTheNormalSale() throws Exception {
        JsonNode report = replay("normal", List.of());
        normal = ReplayHarness.alerts(report);
        // The busiest item that never sold out: the one whose checkout breaks below.
        busyItem = StreamSupport.stream(report.get("campaigns").get(0).get("items").spliterator(), false)
                .filter(i -> i.get("stock_remaining").isNull() || i.get("stock_remaining").asLong() > 50)
                .max(Comparator.comparingLong(i -> i.get("orders").asLong()))
                .orElseThrow().get("item_id").asText();
    }

    @Test
    void aNormalSaleRaisesNoDropAlert() {
        assertThat(normal).extracting(Alert::type).doesNotContain(AlertType.TRAFFIC_DROP, AlertType.CONVERSION_DROP)
                .contains(AlertType.STOCK_OUT); // not a quiet sale: its hits sell out
    }

    /** mini-program brings a fifth of the sessions: losing it is that channel's outage, not the campaign's. */
    @Test
    void aChannelOutageIsThatChannelsTrafficDrop() throws Exception {
        List<Alert> drops = drops(replay("channel-outage", List.of(Incident.parse("channel-outage:mini-program@30min+15min"))));

        assertThat(drops).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.TRAFFIC_DROP);
            assertThat(a.channel()).isEqualTo("mini-program");
            assertRaisedAndResolved(a, 30, 3, 45, 5);
        });
    }

    @Test
    void aPaymentOutageIsOneCampaignAlert() throws Exception {
        List<Alert> drops = drops(replay("payment-outage", List.of(Incident.parse("payment-outage@40min+8min"))));

        assertThat(drops).filteredOn(a -> a.itemId() == null).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.CONVERSION_DROP);
            assertRaisedAndResolved(a, 40, 6, 48, 5);
        });
        assertThat(drops).filteredOn(a -> a.itemId() != null).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aBrokenCheckoutIsThatItemsConversionDrop() throws Exception {
        List<Alert> drops = drops(replay("broken-checkout",
                List.of(Incident.parse("broken-checkout:" + busyItem + "@35min+20min"))));

        assertThat(drops).isNotEmpty().allSatisfy(a -> {
            assertThat(a.type()).isEqualTo(AlertType.CONVERSION_DROP);
            assertThat(a.itemId()).isEqualTo(busyItem);
        });
        assertThat(drops.get(0).firedAt()).isBetween(at(35), at(35 + 8));
        assertThat(drops.get(drops.size() - 1).resolvedAt()).isNotNull().isBetween(at(55), at(55 + 5));
    }

    @Test
    void aTrafficCrashIsTheCampaignsTrafficDrop() throws Exception {
        List<Alert> drops = drops(replay("traffic-crash", List.of(Incident.parse("traffic-crash@50min+10min"))));

        assertThat(drops).filteredOn(a -> a.type() == AlertType.TRAFFIC_DROP).singleElement().satisfies(a -> {
            assertThat(a.channel()).isNull();
            assertRaisedAndResolved(a, 50, 3, 60, 5);
        });
    }

    /** Fired within {@code raiseWithin} minutes of the incident's start, resolved within {@code resolveWithin} of its end. */
    private static void assertRaisedAndResolved(Alert a, int from, int raiseWithin, int to, int resolveWithin) {
        assertThat(a.firedAt()).isBetween(at(from), at(from + raiseWithin));
        assertThat(a.resolvedAt()).isNotNull().isBetween(at(to), at(to + resolveWithin));
    }

    private static long at(int minute) {
        return START + minute * MINUTE;
    }

    private static List<Alert> drops(JsonNode report) {
        return ReplayHarness.alerts(report).stream()
                .filter(a -> a.type() == AlertType.TRAFFIC_DROP || a.type() == AlertType.CONVERSION_DROP)
                .sorted(Comparator.comparingLong(Alert::firedAt))
                .toList();
    }

    /** Generates the sale with the incidents, replays it, and checks its alerts against the reference. */
    private static JsonNode replay(String name, List<Incident> incidents) throws Exception {
        SaleSettings settings = new SaleSettings(SEED, SaleSettings.DEFAULT_START, Duration.ofMinutes(90), 300, 30,
                Duration.ofMinutes(5), 400, 2, 0.3, 100_000, Duration.ofMinutes(2),
                DirtSettings.of(0.01, 3_000, 0, 0.002), incidents);
        TrafficGenerator generator = new TrafficGenerator(settings, "incident-sale");
        Path input = dir.resolve(name);
        try (FolderSink sink = FolderSink.open(input, false)) {
            generator.run(sink, Pacer.unpaced(), ProgressReporter.silent());
        }
        CampaignCatalog campaigns = new CampaignCatalog(List.of(CampaignLoader.parse(name + ".yaml",
                generator.campaign().yaml().getBytes(StandardCharsets.UTF_8))));
        JsonNode report = ReplayHarness.read(ReplayHarness.replay(campaigns, input, dir, name, 2));

        ReferenceMonitor.Expected expected = ReferenceMonitor.compute(
                valid(input, StreamKind.CLICK).stream().map(InputRecord::click).toList(),
                valid(input, StreamKind.CART).stream().map(InputRecord::cart).toList(),
                valid(input, StreamKind.ORDER).stream().map(InputRecord::order).toList(),
                valid(input, StreamKind.INVENTORY).stream().map(InputRecord::inventory).toList(),
                campaigns);
        assertThat(ReplayHarness.alerts(report)).containsExactlyInAnyOrderElementsOf(expected.alerts());
        return report;
    }

    private static List<InputRecord> valid(Path folder, StreamKind stream) throws IOException {
        List<InputRecord> records = new ArrayList<>();
        try (BufferedReader lines = Files.newBufferedReader(folder.resolve(FolderSink.fileName(stream, false)),
                StandardCharsets.ISO_8859_1)) {
            int n = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                InputRecord record = EventParser.parse(stream, line.getBytes(StandardCharsets.ISO_8859_1),
                        stream.defaultName() + ":" + ++n);
                if (record.rejected() == null) {
                    records.add(record);
                }
            }
        }
        return records;
    }
}
