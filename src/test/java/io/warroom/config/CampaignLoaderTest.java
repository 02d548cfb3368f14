package io.warroom.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.serde.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Campaign files: the shipped example loads exactly, and every mistake is named by file, field and problem. */
class CampaignLoaderTest {
    /** 2026-11-11T00:00:00+08:00 */
    private static final long DOUBLE11 = 1794326400000L;

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private static final Path EXAMPLE = Path.of("jobs", "double11-2026.yaml");

    @TempDir
    Path dir;

    // ---- builder: a valid campaign, one top-level key per line, values in YAML flow style ----

    private static final class CampaignYaml {
        private final Map<String, String> keys = new LinkedHashMap<>();

        static CampaignYaml valid(String id) {
            return new CampaignYaml()
                    .set("campaign_id", id)
                    .set("start", "\"2026-11-11T00:00:00+08:00\"")
                    .set("end", "\"2026-11-12T00:00:00+08:00\"")
                    .set("gmv_target", "\"1000.00\"")
                    .set("shortfall_tolerance", "0.10")
                    .set("pacing", "[{ at: \"2026-11-11T01:00:00+08:00\", share: 0.25 },"
                            + " { at: \"2026-11-11T12:00:00+08:00\", share: 0.5 }]")
                    .set("items", "[{ item_id: sku-1, stock: 10 }]");
        }

        CampaignYaml set(String key, String yamlValue) {
            keys.put(key, yamlValue);
            return this;
        }

        CampaignYaml without(String key) {
            keys.remove(key);
            return this;
        }

        String text() {
            StringBuilder out = new StringBuilder();
            keys.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
            return out.toString();
        }
    }

    private Path write(String fileName, String text) throws IOException {
        return Files.writeString(dir.resolve(fileName), text, UTF_8);
    }

    private Path write(String fileName, CampaignYaml campaign) throws IOException {
        return write(fileName, campaign.text());
    }

    private static List<String> refusal(Path... paths) {
        CampaignConfigException e = catchThrowableOfType(
                CampaignConfigException.class, () -> CampaignLoader.load(List.of(paths)));
        assertThat(e).as("expected the campaign files to be refused").isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(), e.problems()));
        return e.problems();
    }

    /** The single problem of one file; it must read "file: field: problem". */
    private List<String> onlyProblem(CampaignYaml campaign, String field, String problem) throws IOException {
        Path file = write("campaign.yaml", campaign);
        List<String> problems = refusal(file);
        assertThat(problems).singleElement().asString()
                .startsWith(file + ": " + field + ": ")
                .contains(problem);
        return problems;
    }

    // ---- what loads ----

    @Test
    void exampleCampaignLoadsExactly() throws Exception {
        CampaignCatalog catalog = CampaignLoader.load(List.of(EXAMPLE));

        CampaignDefinition c = catalog.get("double11-2026");
        assertThat(c.name()).isEqualTo("Double 11 main venue");
        assertThat(c.start()).isEqualTo(DOUBLE11).isEqualTo(1794326400000L);
        assertThat(c.end()).isEqualTo(DOUBLE11 + DAY);
        assertThat(c.gmvTargetCents()).isEqualTo(5_000_000_000L);
        assertThat(c.shortfallTolerance()).isEqualByComparingTo("0.10");
        assertThat(c.safetyStock()).isEqualTo(50);
        assertThat(c.pacing()).extracting(PacingCheckpoint::at)
                .containsExactly(DOUBLE11 + 10 * MINUTE, DOUBLE11 + HOUR, DOUBLE11 + 12 * HOUR, DOUBLE11 + DAY);
        assertThat(c.pacing()).extracting(PacingCheckpoint::share)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("0.05"), new BigDecimal("0.15"), new BigDecimal("0.55"), BigDecimal.ONE);
        assertThat(c.item("sku-1")).isEqualTo(new ItemSettings("sku-1", 500L, 20L, 10_000_000L, false));
        assertThat(c.item("sku-2")).isEqualTo(new ItemSettings("sku-2", 3L, 1L, null, false));
        assertThat(c.safetyStockOf("sku-1")).isEqualTo(20);
        assertThat(c.safetyStockOf("sku-unlisted")).isEqualTo(50);
        assertThat(catalog.earliestStart()).isEqualTo(DOUBLE11);
        assertThat(catalog.latestEnd()).isEqualTo(DOUBLE11 + DAY);
    }

    /** Shares and tolerances are multiplied with money; a double on the way would make the lines inexact. */
    @Test
    void decimalsAreReadWithoutADouble() throws Exception {
        Path file = write("precise.yaml", CampaignYaml.valid("precise")
                .set("shortfall_tolerance", "0.1000000000000000000001")
                .set("pacing", "[{ at: \"2026-11-11T01:00:00+08:00\", share: 0.3333333333333333333333 }]"));

        CampaignDefinition c = CampaignLoader.load(List.of(file)).get("precise");

        assertThat(c.shortfallTolerance()).isEqualByComparingTo("0.1000000000000000000001");
        assertThat(c.pacing().get(0).share()).isEqualByComparingTo("0.3333333333333333333333");
    }

    @Test
    void folderLoadsEveryCampaignFileInNameOrder() throws Exception {
        write("b-singles.yml", CampaignYaml.valid("singles")
                .set("start", "\"2026-11-12T00:00:00+08:00\"")
                .set("end", "\"2026-11-13T00:00:00+08:00\"")
                .without("pacing"));
        write("a-double11.yaml", CampaignYaml.valid("double11"));
        write("README.txt", "not a campaign");

        CampaignCatalog catalog = CampaignLoader.load(List.of(dir));

        assertThat(catalog.all()).extracting(CampaignDefinition::campaignId).containsExactly("double11", "singles");
        assertThat(catalog.at(DOUBLE11 + DAY + HOUR)).extracting(CampaignDefinition::campaignId)
                .containsExactly("singles");
        assertThat(catalog.get("singles").pacing()).isEmpty();
        assertThat(catalog.get("singles").name()).isEqualTo("singles");
    }

    @Test
    void emptyFolderIsRefused() {
        assertThat(refusal(dir)).singleElement().asString().contains("no campaign files");
    }

    // ---- what is refused ----

    @Test
    void misspelledKeyIsRefusedRatherThanIgnored() throws Exception {
        onlyProblem(CampaignYaml.valid("typo").set("items", "[{ item_id: sku-1, safty_stock: 5 }]"),
                "items[0].safty_stock", "unknown field");
        onlyProblem(CampaignYaml.valid("typo").set("safty_stock", "5"), "safty_stock", "unknown field");
    }

    @Test
    void missingCampaignId() throws Exception {
        onlyProblem(CampaignYaml.valid("x").without("campaign_id"), "campaign_id", "is required");
    }

    @Test
    void campaignIdWithSpaces() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("campaign_id", "\"double 11\""), "campaign_id", "letters, digits");
    }

    @Test
    void endBeforeStart() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("end", "\"2026-11-10T00:00:00+08:00\"").without("pacing"),
                "end", "must be after start");
    }

    @Test
    void timestampThatIsNotIsoWithOffset() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("start", "\"11/11/2026 00:00\""),
                "start", "'11/11/2026 00:00' is not an ISO-8601 timestamp with offset");
        onlyProblem(CampaignYaml.valid("x").set("start", "\"2026-11-11T00:00:00\""),
                "start", "is not an ISO-8601 timestamp with offset");
    }

    @Test
    void gmvTargetWithThreeDecimals() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("gmv_target", "\"50000000.001\""),
                "gmv_target", "must have at most 2 fraction digits");
    }

    @Test
    void shortfallToleranceAboveOne() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("shortfall_tolerance", "1.5"),
                "shortfall_tolerance", "must be at least 0 and below 1");
        // a tolerance of 1 would make every line zero: nothing could ever be behind
        onlyProblem(CampaignYaml.valid("x").set("shortfall_tolerance", "1"),
                "shortfall_tolerance", "must be at least 0 and below 1");
    }

    @Test
    void pacingCheckpointOutsideTheWindow() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("pacing", "[{ at: \"2026-11-12T00:00:01+08:00\", share: 1 }]"),
                "pacing[0].at", "must be after start and not after end");
        onlyProblem(CampaignYaml.valid("x").set("pacing", "[{ at: \"2026-11-11T00:00:00+08:00\", share: 0.1 }]"),
                "pacing[0].at", "must be after start and not after end");
    }

    @Test
    void pacingCheckpointsNotIncreasing() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("pacing", "[{ at: \"2026-11-11T12:00:00+08:00\", share: 0.25 },"
                        + " { at: \"2026-11-11T01:00:00+08:00\", share: 0.5 }]"),
                "pacing[1].at", "must be later than the checkpoint before it");
    }

    @Test
    void pacingShareDecreasing() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("pacing", "[{ at: \"2026-11-11T01:00:00+08:00\", share: 0.5 },"
                        + " { at: \"2026-11-11T12:00:00+08:00\", share: 0.25 }]"),
                "pacing[1].share", "must not be smaller than the share before it");
    }

    @Test
    void listedChannelsKeepTheirLabelAndOthersCountAsOther() throws Exception {
        CampaignDefinition campaign = CampaignLoader.load(List.of(write("c.yaml",
                CampaignYaml.valid("listed").set("channels", "[app, web]")))).get("listed");
        assertThat(campaign.channelLabel("app")).isEqualTo("app");
        assertThat(campaign.channelLabel("tiktok-ad")).isEqualTo(CampaignDefinition.OTHER_CHANNEL);
        assertThat(campaign.channelLabel(CampaignDefinition.UNKNOWN_CHANNEL)).isEqualTo("unknown");
        CampaignDefinition open = CampaignLoader.load(List.of(write("d.yaml", CampaignYaml.valid("open"))))
                .get("open");
        assertThat(open.channelLabel("tiktok-ad")).isEqualTo("tiktok-ad");
    }

    @Test
    void channelListedTwice() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("channels", "[app, app]"), "channels[1]", "listed twice");
    }

    @Test
    void itemListedTwice() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("items", "[{ item_id: sku-1, stock: 1 }, { item_id: sku-1, stock: 2 }]"),
                "items[1].item_id", "'sku-1' is listed twice");
    }

    @Test
    void campaignIdDefinedInTwoFiles() throws Exception {
        Path first = write("a.yaml", CampaignYaml.valid("double11"));
        Path second = write("b.yaml", CampaignYaml.valid("double11"));

        assertThat(refusal(dir)).singleElement().asString()
                .startsWith(second + ": campaign_id: ")
                .contains("'double11' is already defined in " + first);
    }

    @Test
    void fileThatIsNotYaml() throws Exception {
        Path file = write("broken.yaml", "campaign_id: [double11\nstart: \"2026-11-11T00:00:00+08:00\"\n");

        assertThat(refusal(file)).singleElement().asString().startsWith(file + ": not valid YAML: ");
    }

    @Test
    void yamlThatIsNotAMapping() throws Exception {
        Path file = write("list.yaml", "- campaign_id: double11\n");

        assertThat(refusal(file)).singleElement().asString()
                .isEqualTo(file + ": (document): must be a mapping of campaign fields");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nowhere.yaml");

        assertThat(refusal(missing)).singleElement().asString().startsWith(missing + ": cannot read file");
    }

    /** The person fixing the file at 23:55 on 10 November should see every mistake at once. */
    @Test
    void everyProblemOfAFileIsReportedTogether() throws Exception {
        Path file = write("sloppy.yaml", CampaignYaml.valid("x")
                .without("campaign_id")
                .set("end", "\"2026-11-10T00:00:00+08:00\"")
                .set("shortfall_tolerance", "1.5")
                .set("items", "[{ item_id: sku-1, safty_stock: 5 }]")
                .without("pacing"));

        List<String> problems = refusal(file);

        assertThat(problems).allSatisfy(p -> assertThat(p).startsWith(file + ": "));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("campaign_id: is required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("end: must be after start"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("shortfall_tolerance: must be at least 0"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("items[0].safty_stock: unknown field"));
        assertThat(problems).hasSize(4);
    }

    @Test
    void problemsOfSeveralFilesAreReportedTogether() throws Exception {
        Path a = write("a.yaml", CampaignYaml.valid("a").set("gmv_target", "\"1.001\""));
        Path b = write("b.yaml", CampaignYaml.valid("b").set("shortfall_tolerance", "-0.1"));

        assertThat(refusal(a, b)).satisfiesExactly(
                p -> assertThat(p).startsWith(a + ": gmv_target: "),
                p -> assertThat(p).startsWith(b + ": shortfall_tolerance: "));
    }

    // ---- early-warning thresholds (alerts:) ----

    private CampaignDefinition load(CampaignYaml campaign) throws Exception {
        return CampaignLoader.load(List.of(write("campaign.yaml", campaign))).all().get(0);
    }

    private CampaignDefinition loadWithAlerts(String alertsYaml) throws Exception {
        return CampaignLoader.load(List.of(write("alerts.yaml", CampaignYaml.valid("a").set("alerts", alertsYaml))))
                .get("a");
    }

    /** The defaults are the ones docs/alerts.md promises, so a file without the block behaves as documented. */
    @Test
    void withoutAnAlertsBlockEveryEarlyWarningIsOnWithTheDocumentedDefaults() throws Exception {
        AlertThresholds a = example().alerts();

        assertThat(a).isEqualTo(AlertThresholds.DEFAULTS);
        assertThat(a.stockEtaEnabled()).isTrue();
        assertThat(a.stockEtaHorizonMinutes()).isEqualTo(30);
        assertThat(a.stockEtaWindowMinutes()).isEqualTo(10);
        assertThat(a.conversionDropEnabled()).isTrue();
        assertThat(a.conversionDrop()).isEqualByComparingTo("0.5");
        assertThat(a.conversionWindowMinutes()).isEqualTo(5);
        assertThat(a.conversionMinPv()).isEqualTo(200);
        assertThat(a.conversionPaymentLagMinutes()).isEqualTo(3);
        assertThat(a.conversionMinSigmas()).isEqualByComparingTo("4");
        assertThat(a.trafficDropEnabled()).isTrue();
        assertThat(a.trafficDrop()).isEqualByComparingTo("0.5");
        assertThat(a.trafficBaselineMinutes()).isEqualTo(3);
        assertThat(a.trafficMinPvPerMinute()).isEqualTo(100);
    }

    @Test
    void emptyAlertBlocksKeepTheDefaults() throws Exception {
        assertThat(loadWithAlerts("{}").alerts()).isEqualTo(AlertThresholds.DEFAULTS);
        assertThat(loadWithAlerts("{ stock_eta: {}, conversion_drop: {}, traffic_drop: {} }").alerts())
                .isEqualTo(AlertThresholds.DEFAULTS);
    }

    @Test
    void everyThresholdCanBeOverridden() throws Exception {
        AlertThresholds a = loadWithAlerts("{ stock_eta: { horizon_minutes: 45, window_minutes: 5 },"
                + " conversion_drop: { drop: 0.35, window_minutes: 15, min_pv: 500, payment_lag_minutes: 0,"
                + " min_sigmas: 2.5 },"
                + " traffic_drop: { drop: 0.7, baseline_minutes: 20, min_pv_per_minute: 30 } }").alerts();

        assertThat(a.stockEtaHorizonMinutes()).isEqualTo(45);
        assertThat(a.stockEtaWindowMinutes()).isEqualTo(5);
        assertThat(a.conversionDrop()).isEqualByComparingTo("0.35");
        assertThat(a.conversionWindowMinutes()).isEqualTo(15);
        assertThat(a.conversionMinPv()).isEqualTo(500);
        assertThat(a.conversionPaymentLagMinutes()).isZero();
        assertThat(a.conversionMinSigmas()).isEqualByComparingTo("2.5");
        assertThat(a.trafficDrop()).isEqualByComparingTo("0.7");
        assertThat(a.trafficBaselineMinutes()).isEqualTo(20);
        assertThat(a.trafficMinPvPerMinute()).isEqualTo(30);
        assertThat(List.of(a.stockEtaEnabled(), a.conversionDropEnabled(), a.trafficDropEnabled()))
                .containsOnly(true);
    }

    /** Overriding one field leaves the block's other fields, and the other blocks, at their defaults. */
    @Test
    void aPartialBlockKeepsTheOtherDefaults() throws Exception {
        AlertThresholds a = loadWithAlerts("{ conversion_drop: { min_pv: 50 } }").alerts();

        assertThat(a.conversionMinPv()).isEqualTo(50);
        assertThat(a).usingRecursiveComparison().ignoringFields("conversionMinPv")
                .isEqualTo(AlertThresholds.DEFAULTS);
    }

    @Test
    void eachAlertCanBeSwitchedOffAlone() throws Exception {
        AlertThresholds eta = loadWithAlerts("{ stock_eta: { enabled: false } }").alerts();
        AlertThresholds conversion = loadWithAlerts("{ conversion_drop: { enabled: false, drop: 0.2 } }").alerts();
        AlertThresholds traffic = loadWithAlerts("{ traffic_drop: { enabled: false } }").alerts();

        assertThat(List.of(eta.stockEtaEnabled(), eta.conversionDropEnabled(), eta.trafficDropEnabled()))
                .containsExactly(false, true, true);
        assertThat(List.of(conversion.stockEtaEnabled(), conversion.conversionDropEnabled(),
                conversion.trafficDropEnabled())).containsExactly(true, false, true);
        assertThat(conversion.conversionDrop()).isEqualByComparingTo("0.2");
        assertThat(List.of(traffic.stockEtaEnabled(), traffic.conversionDropEnabled(), traffic.trafficDropEnabled()))
                .containsExactly(true, true, false);
    }

    /** Windows are 1 to 180 minutes (docs/alerts.md); a drop is a fraction, 0 allowed, 1 not; minimums may be 0. */
    @Test
    void limitsOfTheAcceptedValues() throws Exception {
        AlertThresholds a = loadWithAlerts("{ stock_eta: { window_minutes: 180, horizon_minutes: 1 },"
                + " conversion_drop: { window_minutes: 1, drop: 0, min_pv: 0 },"
                + " traffic_drop: { baseline_minutes: 180, drop: \"0.999\", min_pv_per_minute: 0 } }").alerts();

        assertThat(a.stockEtaWindowMinutes()).isEqualTo(180);
        assertThat(a.stockEtaHorizonMinutes()).isEqualTo(1);
        assertThat(a.conversionWindowMinutes()).isEqualTo(1);
        assertThat(a.conversionDrop()).isEqualByComparingTo("0");
        assertThat(a.conversionMinPv()).isZero();
        assertThat(a.trafficBaselineMinutes()).isEqualTo(180);
        assertThat(a.trafficDrop()).isEqualByComparingTo("0.999");
        assertThat(a.trafficMinPvPerMinute()).isZero();
    }

    @Test
    void invalidThresholdIsNamedByItsPath() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ stock_eta: { window_minutes: 0 } }"),
                "alerts.stock_eta.window_minutes", "1 to 180");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ stock_eta: { window_minutes: 181 } }"),
                "alerts.stock_eta.window_minutes", "1 to 180");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ stock_eta: { horizon_minutes: 0 } }"),
                "alerts.stock_eta.horizon_minutes", "whole number of minutes");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ stock_eta: { horizon_minutes: 2.5 } }"),
                "alerts.stock_eta.horizon_minutes", "whole number of minutes");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ stock_eta: { enabled: \"off\" } }"),
                "alerts.stock_eta.enabled", "must be true or false");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { drop: 1 } }"),
                "alerts.conversion_drop.drop", "must be at least 0 and below 1");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { drop: -0.1 } }"),
                "alerts.conversion_drop.drop", "must be at least 0 and below 1");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { drop: half } }"),
                "alerts.conversion_drop.drop", "must be a number");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { window_minutes: 181 } }"),
                "alerts.conversion_drop.window_minutes", "1 to 180");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { min_pv: -1 } }"),
                "alerts.conversion_drop.min_pv", "must be a whole number, 0 or more");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { payment_lag_minutes: 61 } }"),
                "alerts.conversion_drop.payment_lag_minutes", "0 to 60");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { min_sigmas: -1 } }"),
                "alerts.conversion_drop.min_sigmas", "must be 0 or more");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ traffic_drop: { drop: 1.5 } }"),
                "alerts.traffic_drop.drop", "must be at least 0 and below 1");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ traffic_drop: { baseline_minutes: 0 } }"),
                "alerts.traffic_drop.baseline_minutes", "1 to 180");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ traffic_drop: { min_pv_per_minute: 12.5 } }"),
                "alerts.traffic_drop.min_pv_per_minute", "must be a whole number, 0 or more");
    }

    /** The file of the issue: 100,000 items inline, about 6 MB, past SnakeYAML's default 3M code points. */
    @Test
    void aHundredThousandItemsInlineLoad() throws Exception {
        StringBuilder items = new StringBuilder("\n");
        for (int i = 0; i < 100_000; i++) {
            items.append("  - { item_id: sku-").append(i).append(", stock: ").append(i % 5000)
                    .append(", safety_stock: 20, gmv_target: \"12345.60\" }\n");
        }
        CampaignDefinition c = load(CampaignYaml.valid("big").set("items", items.toString()));

        assertThat(c.items()).hasSize(100_000);
        assertThat(c.item("sku-99999")).isEqualTo(new ItemSettings("sku-99999", 4999L, 20L, 12345_60L, false));
    }

    @Test
    void anItemsFileBesideTheCampaignAddsItsRows() throws Exception {
        Files.writeString(dir.resolve("catalog.csv"), """
                item_id,gmv_target,stock,key
                sku-10,100.50,7,true
                sku-11,,,
                sku-12,,0,false
                """, UTF_8);
        CampaignDefinition c = load(CampaignYaml.valid("x").set("items_file", "catalog.csv"));

        assertThat(c.items()).containsOnlyKeys("sku-1", "sku-10", "sku-11", "sku-12");
        assertThat(c.item("sku-10")).isEqualTo(new ItemSettings("sku-10", 7L, null, 100_50L, true));
        assertThat(c.item("sku-11")).isEqualTo(new ItemSettings("sku-11", null, null, null, false));
        assertThat(c.item("sku-12").stock()).isZero();
    }

    @Test
    void anItemsFileMistakeNamesTheTableLineAndColumn() throws Exception {
        Path table = dir.resolve("catalog.csv");
        Files.writeString(table, "item_id,stock\nsku-10,7\nsku-11,lots\nsku-12\nsku-1,3\n", UTF_8);
        Path file = write("campaign.yaml", CampaignYaml.valid("x").set("items_file", "catalog.csv"));

        assertThat(refusal(file)).containsExactly(
                table + ": line 3: stock: must be a whole number, 0 or more",
                table + ": line 4: has 1 cells, the header 2",
                table + ": line 5: item_id: 'sku-1' is listed twice");

        Files.writeString(table, "item_id,price\nsku-10,7\n", UTF_8);
        assertThat(refusal(file)).singleElement().asString().startsWith(table + ": line 1: the header must name");
        Files.delete(table);
        assertThat(refusal(file)).singleElement().asString().startsWith(file + ": items_file: cannot read " + table);
    }

    @Test
    void aCampaignToPushCarriesItsItemsFileInline() throws Exception {
        Files.writeString(dir.resolve("catalog.csv"), "item_id,stock,gmv_target,key\nsku-10,7,100.50,true\n", UTF_8);
        Path file = write("campaign.yaml", CampaignYaml.valid("x").set("items_file", "catalog.csv"));
        ObjectNode document = (ObjectNode) Json.readYaml(Files.readAllBytes(file));

        CampaignLoader.inlineItemsFile(document, file);

        assertThat(document.has("items_file")).isFalse();
        CampaignDefinition pushed = CampaignLoader.parse("pushed", Json.toBytes(document));
        assertThat(pushed.items()).isEqualTo(load(CampaignYaml.valid("x").set("items_file", "catalog.csv")).items());
    }

    @Test
    void aSpreadsheetsTableReads() throws Exception {
        Files.writeString(dir.resolve("catalog.csv"), "\uFEFFitem_id, stock ,key\n\"sku-10\",\"7\",true\n", UTF_8);

        CampaignDefinition c = load(CampaignYaml.valid("x").set("items_file", "catalog.csv"));

        assertThat(c.item("sku-10")).isEqualTo(new ItemSettings("sku-10", 7L, null, null, true));
    }

    @Test
    void aNumberNoAlertCouldComputeWithIsRefused() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ conversion_drop: { min_sigmas: \"1e-1100000000\" } }"),
                "alerts.conversion_drop.min_sigmas", "must be a number");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ traffic_drop: { drop: \"1e-400000000\" } }"),
                "alerts.traffic_drop.drop", "must be a number");
    }

    @Test
    void theDedupHorizonIsAnHourUnlessACampaignSaysOtherwise() throws Exception {
        assertThat(load(CampaignYaml.valid("x")).dedupHorizonMillis()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(load(CampaignYaml.valid("x").set("dedup_horizon", "90")).dedupHorizonMillis())
                .isEqualTo(Duration.ofMinutes(90).toMillis());
        assertThat(load(CampaignYaml.valid("x").set("dedup_horizon", "2h")).dedupHorizonMillis())
                .isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(load(CampaignYaml.valid("x").set("dedup_horizon", "\"45 min\"")).dedupHorizonMillis())
                .isEqualTo(Duration.ofMinutes(45).toMillis());
        for (String refused : List.of("0", "30s", "8d", "1500ms", "soon", "-5", "[1]")) {
            onlyProblem(CampaignYaml.valid("x").set("dedup_horizon", refused), "dedup_horizon",
                    "must be a duration of whole seconds from 1 min to 7 d");
        }
    }

    @Test
    void aPushedCampaignCannotPointAtAFile() {
        CampaignConfigException e = catchThrowableOfType(CampaignConfigException.class, () -> CampaignLoader.parse(
                "pushed", CampaignYaml.valid("x").set("items_file", "catalog.csv").text().getBytes(UTF_8)));

        assertThat(e.problems()).singleElement().asString().startsWith("pushed: items_file: is read from a campaign"
                + " file on disk");
    }

    @Test
    void keyItemsAndThePagingLineAreRead() throws Exception {
        CampaignDefinition c = load(CampaignYaml.valid("x")
                .set("items", "[{ item_id: sku-1, key: true }, { item_id: sku-2 }]")
                .set("alerts", "{ paging: { min_gmv_at_risk: \"2500.50\" } }"));

        assertThat(c.item("sku-1").key()).isTrue();
        assertThat(c.item("sku-2").key()).isFalse();
        assertThat(c.alerts().pageMinGmvAtRiskCents()).isEqualTo(2500_50L);
        assertThat(load(CampaignYaml.valid("y")).alerts().pageMinGmvAtRiskCents()).isEqualTo(100_000_00L);
        onlyProblem(CampaignYaml.valid("z").set("items", "[{ item_id: sku-1, key: yes please }]"), "items[0].key",
                "must be true or false");
    }

    @Test
    void theCampaignSpeaksInTheZoneOfItsStart() throws Exception {
        CampaignDefinition c = load(CampaignYaml.valid("x"));

        assertThat(c.localTime(c.start() + 20 * 60_000L)).isEqualTo("2026-11-11T00:20:00+08:00");
    }

    @Test
    void aTrafficPlanIsAStepCurveOfExpectedPvPerMinute() throws Exception {
        CampaignDefinition c = load(CampaignYaml.valid("x").set("traffic_plan",
                "[{ at: \"2026-11-11T00:00:00+08:00\", pv_per_minute: 9000 },"
                        + " { at: \"2026-11-11T00:10:00+08:00\", pv_per_minute: \"1500.5\" }]"));
        long start = c.trafficPlan().get(0).at();

        assertThat(c.expectedPv(start - 60_000)).isEqualByComparingTo("9000");
        assertThat(c.expectedPv(start + 9 * 60_000)).isEqualByComparingTo("9000");
        assertThat(c.expectedPv(start + 10 * 60_000)).isEqualByComparingTo("1500.5");
        assertThat(load(CampaignYaml.valid("y")).expectedPv(start)).isEqualByComparingTo("1");
    }

    @Test
    void aTrafficPlanMistakeIsNamedByItsPath() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("traffic_plan", "[{ at: \"2026-11-11T00:00:30+08:00\", pv_per_minute: 5 }]"),
                "traffic_plan[0].at", "whole minute");
        onlyProblem(CampaignYaml.valid("x").set("traffic_plan", "[{ at: \"2026-11-11T00:00:00+08:00\", pv_per_minute: 0 }]"),
                "traffic_plan[0].pv_per_minute", "above 0");
        onlyProblem(CampaignYaml.valid("x").set("traffic_plan", "[{ at: \"2026-11-11T00:10:00+08:00\", pv_per_minute: 5 },"
                + " { at: \"2026-11-11T00:10:00+08:00\", pv_per_minute: 6 }]"), "traffic_plan[1].at", "later than");
        onlyProblem(CampaignYaml.valid("x").set("traffic_plan", "{ at: 1 }"), "traffic_plan", "must be a list");
    }

    @Test
    void misspelledOrMisshapenAlertSettingsAreRefused() throws Exception {
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ stock_eta: { horizon: 30 } }"),
                "alerts.stock_eta.horizon", "unknown field");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ traffic_dip: { drop: 0.5 } }"),
                "alerts.traffic_dip", "unknown field");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "{ traffic_drop: 0.5 }"),
                "alerts.traffic_drop", "must be a mapping");
        onlyProblem(CampaignYaml.valid("x").set("alerts", "[stock_eta]"), "alerts", "must be a mapping");
    }

    /** Like every other field, all threshold mistakes of a file come together, each with its own path. */
    @Test
    void everyInvalidThresholdIsReportedTogether() throws Exception {
        Path file = write("thresholds.yaml", CampaignYaml.valid("x").set("alerts",
                "{ stock_eta: { window_minutes: 0, horizon_minutes: -5 },"
                        + " conversion_drop: { drop: 2, min_pv: -3, enabled: 1 },"
                        + " traffic_drop: { baseline_minutes: 1000, drop: -1, min_pv_per_minute: x } }"));

        List<String> problems = refusal(file);

        assertThat(problems).allSatisfy(p -> assertThat(p).startsWith(file + ": alerts."));
        String prefix = file + ": ";
        assertThat(problems).extracting(p -> p.substring(prefix.length(), p.indexOf(": ", prefix.length())))
                .containsExactlyInAnyOrder(
                        "alerts.stock_eta.window_minutes",
                        "alerts.stock_eta.horizon_minutes",
                        "alerts.conversion_drop.drop",
                        "alerts.conversion_drop.min_pv",
                        "alerts.conversion_drop.enabled",
                        "alerts.traffic_drop.baseline_minutes",
                        "alerts.traffic_drop.drop",
                        "alerts.traffic_drop.min_pv_per_minute");
    }

    // ---- pacing arithmetic on a loaded campaign ----

    /** Target 1000.00; checkpoints 25% at 01:00 and 50% at 12:00; tolerance 10%. */
    private CampaignDefinition example() throws Exception {
        return CampaignLoader.load(List.of(write("example.yaml", CampaignYaml.valid("example")))).get("example");
    }

    @Test
    void shortfallLineIsExactAndTheLineItselfIsNotBehind() throws Exception {
        CampaignDefinition c = example();
        long target = c.gmvTargetCents();

        // 1000.00 x 0.25 x 0.90 = 225.00 and 1000.00 x 0.5 x 0.90 = 450.00
        assertThat(c.planned(target, 0)).isEqualByComparingTo("250.00");
        assertThat(c.shortfallLine(target, 0)).isEqualByComparingTo("225.00");
        assertThat(c.shortfallLine(target, 1)).isEqualByComparingTo("450.00");

        assertThat(c.isBehind(target, 0, 22_500)).isFalse();
        assertThat(c.isBehind(target, 0, 22_499)).isTrue();
        assertThat(c.isBehind(target, 1, 45_000)).isFalse();
        assertThat(c.isBehind(target, 1, 44_999)).isTrue();
    }

    /** In doubles 1000.00 x 0.01 x (1 - 0.08) is 9.200000000000001, which would put exactly 9.20 behind. */
    @Test
    void lineWhereDoublesWouldRoundIsStillExact() throws Exception {
        Path file = write("one-percent.yaml", CampaignYaml.valid("one-percent")
                .set("shortfall_tolerance", "0.08")
                .set("pacing", "[{ at: \"2026-11-11T00:10:00+08:00\", share: 0.01 }]"));
        CampaignDefinition c = CampaignLoader.load(List.of(file)).get("one-percent");

        assertThat(1000.00 * 0.01 * (1 - 0.08)).isGreaterThan(9.20);
        assertThat(c.shortfallLine(c.gmvTargetCents(), 0)).isEqualByComparingTo("9.20");
        assertThat(c.isBehind(c.gmvTargetCents(), 0, 920)).isFalse();
        assertThat(c.isBehind(c.gmvTargetCents(), 0, 919)).isTrue();
    }
}
