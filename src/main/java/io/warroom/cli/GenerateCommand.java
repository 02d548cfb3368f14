package io.warroom.cli;

import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.Incident;
import io.warroom.generator.FolderSink;
import io.warroom.generator.GenerationSummary;
import io.warroom.generator.KafkaSink;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.RecordSink;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.io.KafkaClientConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Generates a realistic, reproducible big-sale traffic feed into files (replay input) or Kafka (live input). */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Generates a realistic big-sale traffic feed, to files or Kafka, and its campaign file.",
            "Simulates the sale (midnight spike, flash-sale hits, funnel, stock) and writes the event contract v1 to "
                    + "a folder of .jsonl files (the replay input) or to Kafka, with duplicates, disorder, late and "
                    + "malformed records unless --clean. The same --seed and options give byte-identical output.",
            "Writes a matching campaign file with --campaign-out."
        })
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Output {
        @Option(names = "--out", paramLabel = "DIR",
                description = "Write clicks.jsonl, carts.jsonl, orders.jsonl and inventory.jsonl into this folder.")
        Path folder;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
                description = "Send to these Kafka brokers instead.")
        String bootstrapServers;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Output output;

    @Option(names = "--gzip", description = "With --out: write .jsonl.gz files.")
    boolean gzip;

    @Mixin
    KafkaClientFlags kafkaClient;

    @Mixin
    InputTopicFlags inputTopics;

    @Option(names = "--campaign-out", paramLabel = "FILE",
            description = "Also write the matching campaign file (YAML) here, before the traffic.")
    Path campaignOut;

    @Option(names = "--campaign-id", paramLabel = "ID", defaultValue = "generated-sale",
            description = "campaign_id of the campaign file (default: ${DEFAULT-VALUE}).")
    String campaignId;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Random seed; the same seed and options give the same output (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", paramLabel = "ISO-8601", defaultValue = "2026-11-11T00:00:00+08:00",
            description = "Start of the simulated sale, with offset (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30min",
            converter = DurationConverter.class,
            description = "Simulated period (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--peak-rate", paramLabel = "CLICKS/S", defaultValue = "2000",
            description = "Clicks per simulated second at the start, the midnight spike; carts, orders and "
                    + "inventory add about 25%% more records (default: ${DEFAULT-VALUE}).")
    double peakRate;

    @Option(names = "--base-rate", paramLabel = "CLICKS/S",
            description = "Clicks per simulated second the spike decays toward (default: 10%% of --peak-rate).")
    Double baseRate;

    @Option(names = "--decay", paramLabel = "DURATION", defaultValue = "5min", converter = DurationConverter.class,
            description = "Time constant of the spike's exponential decay (default: ${DEFAULT-VALUE}).")
    Duration decay;

    @Option(names = "--items", paramLabel = "N", defaultValue = "2000",
            description = "Items on sale, Zipf-popular (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--hit-items", paramLabel = "N", defaultValue = "2",
            description = "Flash-sale hit items (default: ${DEFAULT-VALUE}).")
    int hitItems;

    @Option(names = "--hit-share", paramLabel = "FRACTION", defaultValue = "0.3",
            description = "Share of all clicks that go to the hit items (default: ${DEFAULT-VALUE}).")
    double hitShare;

    @Option(names = "--users", paramLabel = "N", defaultValue = "50000",
            description = "User population (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--inventory-interval", paramLabel = "DURATION", defaultValue = "2min",
            converter = DurationConverter.class,
            description = "How often the warehouse reports each watched item's stock (default: ${DEFAULT-VALUE}).")
    Duration inventoryInterval;

    static final class Pacing {
        @Option(names = "--rate", paramLabel = "RECORDS/S",
                description = "Send this many records per wall-clock second (default: as fast as possible).")
        Double rate;

        @Option(names = "--speed", paramLabel = "FACTOR",
                description = "Simulated seconds per wall-clock second; 1.0 is real time, and late records "
                        + "trail the sale's end by up to 5 min (default: as fast as possible).")
        Double speed;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Pacing pacing;

    @Option(names = "--iso-timestamps", paramLabel = "FRACTION", defaultValue = "0",
            description = "Share of clicks, carts and orders whose ts is ISO-8601 with the sale's offset instead of "
                    + "epoch milliseconds; inventory always uses ISO-8601 (default: ${DEFAULT-VALUE}).")
    double isoTimestamps;

    @Option(names = "--duplicates", paramLabel = "FRACTION", defaultValue = "0.01",
            description = "Share of events re-sent as exact copies shortly after (default: ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--disorder", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
            description = "Records arrive out of event-time order by up to this much; keep it below the monitor's "
                    + "--out-of-orderness (default: ${DEFAULT-VALUE}).")
    Duration disorder;

    @Option(names = "--late", paramLabel = "FRACTION", defaultValue = "0.001",
            description = "Share of events that arrive 30 s to 5 min late, far beyond --disorder "
                    + "(default: ${DEFAULT-VALUE}).")
    double late;

    @Option(names = "--malformed", paramLabel = "FRACTION", defaultValue = "0.002",
            description = "Malformed records added, per event (default: ${DEFAULT-VALUE}).")
    double malformed;

    @Option(names = "--incident", paramLabel = "KIND[:TARGET]@FROM+LENGTH",
            description = "Inject an incident (repeatable): channel-outage:CHANNEL, payment-outage, "
                    + "broken-checkout[:ITEM] (default: the most popular regular item) or traffic-crash (80%% of clicks lost); "
                    + "FROM is after the start, e.g. --incident channel-outage:app@40min+15min.")
    List<String> incidents = List.of();

    @Option(names = "--clean", description = "No dirt: overrides --duplicates, --disorder, --late, --malformed.")
    boolean clean;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How often progress goes to stderr (default: ${DEFAULT-VALUE}).")
    Duration progressInterval;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (gzip && output.folder == null) {
            throw new ParameterException(spec.commandLine(), "--gzip applies to --out only");
        }
        KafkaClientConfig kafka;
        try {
            kafka = kafkaClient.config();
        } catch (OptionProblem e) {
            err.println(e.getMessage());
            return 2;
        }
        SaleSettings settings = settings();
        Pacer pacer = pacer(settings);
        TrafficGenerator generator;
        try {
            generator = new TrafficGenerator(settings, campaignId);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            // The file must load in the monitor; an id it refuses is the user's to fix, before any traffic.
            CampaignLoader.parse("--campaign-id", generator.campaign().yaml().getBytes(StandardCharsets.UTF_8));
        } catch (CampaignConfigException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
        }
        if (campaignOut != null) {
            Path parent = campaignOut.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(campaignOut, generator.campaign().yaml(), StandardCharsets.UTF_8);
            out.println("Campaign file: " + campaignOut);
        }
        ProgressReporter progress = new ProgressReporter(err, settings.start().getOffset(),
                progressInterval.toNanos(), System::nanoTime);
        out.printf("Generating %s of sale from %s (seed %d) into %s...%n", TimeUtils.formatWithHighestUnit(duration),
                settings.start().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), seed,
                output.folder != null ? output.folder : "Kafka at " + output.bootstrapServers);
        out.flush();
        long started = System.nanoTime();
        GenerationSummary summary;
        try (RecordSink sink = openSink(kafka)) {
            summary = generator.run(sink, pacer, progress);
        } catch (IOException e) {
            err.println("Output failed: " + e.getMessage());
            return 1;
        }
        summary.describe().forEach(out::println);
        out.printf("Done in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private SaleSettings settings() {
        OffsetDateTime startTime;
        try {
            startTime = OffsetDateTime.parse(start);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(),
                    "--start '" + start + "' is not an ISO-8601 time with offset (e.g. 2026-11-11T00:00:00+08:00)");
        }
        try {
            DirtSettings dirt = clean ? DirtSettings.CLEAN
                    : DirtSettings.of(duplicates, disorder.toMillis(), late, malformed);
            List<Incident> injected = incidents.stream().map(Incident::parse).toList();
            return new SaleSettings(seed, startTime, duration, peakRate, baseRate != null ? baseRate : peakRate / 10,
                    decay, items, hitItems, hitShare, users, inventoryInterval, dirt, injected, isoTimestamps);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Pacer pacer(SaleSettings settings) {
        try {
            return pacing == null ? Pacer.unpaced()
                    : pacing.rate != null ? Pacer.atRate(pacing.rate)
                    : Pacer.atSpeed(pacing.speed, settings.startMillis());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private RecordSink openSink(KafkaClientConfig kafka) throws IOException {
        if (output.folder != null) {
            return FolderSink.open(output.folder, gzip);
        }
        try {
            return new KafkaSink(output.bootstrapServers, kafka, inputTopics.byStream());
        } catch (KafkaException e) {
            throw new IOException("Kafka client settings refused: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
        }
    }
}
