package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.generator.FolderSink;
import io.warroom.generator.GenerationSummary;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.io.FileInputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A folder of replay input made by the project's own generator (the realistic shape of {@link #realisticSaleOf} for
 * the throughput sections, the generator's defaults where a section varies them), its campaign file, and its record
 * count. The folder is written once and reused by later runs with the same size and seed: a marker file, written
 * last, says it is complete.
 */
public record BenchInput(Path folder, Path campaignFile, long records, SaleSettings settings, List<String> hitItems) {
    static final String CAMPAIGN_ID = "bench-sale";
    private static final String MARKER = "generated.txt";
    private static final Pattern LISTED_ITEM = Pattern.compile("item_id: (sku-\\d+)");
    /** The simulated warehouse does not run these items short: stock they cannot sell out. */
    private static final long UNLISTED_ITEM_STOCK = 1_000_000;
    /**
     * Records written per expected click with the default funnel and dirt (carts, orders, inventory, duplicates
     * and malformed records on top of clicks), measured on the default sale; sizes the sale to the asked count.
     */
    private static final double RECORDS_PER_EXPECTED_CLICK = 1.2276;
    static final int REALISTIC_ITEMS = 100_000;
    static final int REALISTIC_USERS = 1_000_000;
    static final double REALISTIC_ISO_SHARE = 0.5;

    /** The sale of about {@code events} records: the generator's defaults with the click rate scaled. */
    static SaleSettings saleOf(long events, long seed) {
        return scaledTo(SaleSettings.defaults(seed), events);
    }

    /**
     * The bench's main input (issue 14): about {@code events} records of a sale that looks like a real one rather
     * than like the generator's friendly defaults. A midnight spike decaying over 20 minutes to a tenth, held for
     * 2 hours (a day's curve, compressed), over {@code items} items (Zipf-popular, with the defaults' flash-sale
     * hits) and {@code users} users, half the clicks, carts and orders stamped in ISO-8601, the other half in epoch
     * milliseconds (click lines of about 115 bytes), with the defaults' dirt.
     */
    static SaleSettings realisticSaleOf(long events, long seed, int items, int users) {
        SaleSettings d = SaleSettings.defaults(seed);
        return scaledTo(new SaleSettings(seed, d.start(), Duration.ofHours(2), d.peakRate(), d.baseRate(),
                Duration.ofMinutes(20), items, d.hitItems(), d.hitShare(), users, d.inventoryInterval(), d.dirt()),
                events).withIsoTimestampShare(REALISTIC_ISO_SHARE);
    }

    /**
     * A whole day of about {@code events} records: the midnight spike of the defaults decaying over 3 hours to a
     * tenth of the peak, which holds for the rest of the day, over {@code items} items and {@code users} users.
     */
    static SaleSettings daySaleOf(long events, long seed, int items, int users) {
        SaleSettings d = SaleSettings.defaults(seed);
        return scaledTo(new SaleSettings(seed, d.start(), Duration.ofHours(24), d.peakRate(), d.baseRate(),
                Duration.ofHours(3), items, d.hitItems(), d.hitShare(), users, d.inventoryInterval(), d.dirt()),
                events);
    }

    /** {@code shape} with its peak and base click rates scaled (their ratio kept) to give about {@code events}. */
    private static SaleSettings scaledTo(SaleSettings shape, long events) {
        double seconds = shape.duration().toMillis() / 1000.0;
        double decaySeconds = shape.decay().toMillis() / 1000.0;
        double baseShare = shape.baseRate() / shape.peakRate();
        // Expected clicks per unit of peak rate: base * D + (peak - base) * decay * (1 - exp(-D / decay)).
        double clicksPerPeakUnit = baseShare * seconds
                + (1 - baseShare) * decaySeconds * (1 - Math.exp(-seconds / decaySeconds));
        double peak = events / RECORDS_PER_EXPECTED_CLICK / clicksPerPeakUnit;
        return new SaleSettings(shape.seed(), shape.start(), shape.duration(), peak, peak * baseShare,
                shape.decay(), shape.items(), shape.hitItems(), shape.hitShare(), shape.users(),
                shape.inventoryInterval(), shape.dirt());
    }

    /** The input in {@code folder}, generated now unless a complete one is there already. */
    static BenchInput prepare(Path folder, SaleSettings settings, PrintWriter log) throws IOException {
        TrafficGenerator generator = new TrafficGenerator(settings, CAMPAIGN_ID);
        Path campaignFile = folder.resolve("campaign.yaml");
        Path marker = folder.resolve(MARKER);
        if (!Files.exists(marker)) {
            log.printf("Generating the input into %s (a %.0f clicks/s peak, seed %d)...%n", folder,
                    settings.peakRate(), settings.seed());
            log.flush();
            Files.createDirectories(folder);
            Files.writeString(campaignFile, generator.campaign().yaml(), StandardCharsets.UTF_8);
            GenerationSummary summary;
            try (FolderSink sink = FolderSink.open(folder, false)) {
                summary = generator.run(sink, Pacer.unpaced(), ProgressReporter.silent());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while generating the input", e);
            }
            Files.writeString(marker, String.join("\n", summary.describe()) + "\n" + summary.totalWritten() + "\n",
                    StandardCharsets.UTF_8);
        }
        List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
        long records = Long.parseLong(lines.get(lines.size() - 1).trim());
        return new BenchInput(folder, campaignFile, records, settings, generator.hitItemIds());
    }

    /**
     * This input with every catalog item configured, as a real sale's catalog is: {@code catalog.csv} lists each
     * item ({@code sku-1} to {@code sku-N}) the generated campaign does not, with stock to spare, and
     * {@code campaign-catalog.yaml} is the generated campaign with {@code items_file: catalog.csv}.
     */
    BenchInput withFullCatalog() throws IOException {
        Path campaign = folder.resolve("campaign-catalog.yaml");
        if (!Files.exists(campaign)) {
            String yaml = Files.readString(campaignFile, StandardCharsets.UTF_8);
            Set<String> listed = new HashSet<>();
            Matcher m = LISTED_ITEM.matcher(yaml);
            while (m.find()) {
                listed.add(m.group(1));
            }
            StringBuilder csv = new StringBuilder("item_id,stock\n");
            for (int i = 1; i <= settings.items(); i++) {
                if (!listed.contains("sku-" + i)) {
                    csv.append("sku-").append(i).append(',').append(UNLISTED_ITEM_STOCK).append('\n');
                }
            }
            Files.writeString(folder.resolve("catalog.csv"), csv, StandardCharsets.UTF_8);
            Files.writeString(campaign, yaml + "items_file: catalog.csv\n", StandardCharsets.UTF_8);
        }
        return new BenchInput(folder, campaign, records, settings, hitItems);
    }

    FileInputs files() throws IOException {
        return FileInputs.inFolder(folder);
    }

    CampaignCatalog campaigns() throws IOException {
        try {
            return CampaignLoader.load(List.of(campaignFile));
        } catch (CampaignConfigException e) {
            throw new IOException("the bench's campaign file is refused: " + e.problems(), e);
        }
    }

    /** The same records elsewhere (a rewritten copy), with this input's campaign file. */
    BenchInput rewrittenInto(Path otherFolder, long otherRecords) {
        return new BenchInput(otherFolder, campaignFile, otherRecords, settings, hitItems);
    }
}
