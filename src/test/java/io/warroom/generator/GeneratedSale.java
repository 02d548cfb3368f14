package io.warroom.generator;

import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test fixture: a small generated sale in a folder, read back line by line as raw bytes and as parsed records. */
final class GeneratedSale {
    final SaleSettings settings;
    final TrafficGenerator generator;
    final GenerationSummary summary;
    final Path folder;

    private GeneratedSale(SaleSettings settings, TrafficGenerator generator, GenerationSummary summary,
            Path folder) {
        this.settings = settings;
        this.generator = generator;
        this.summary = summary;
        this.folder = folder;
    }

    /** Five minutes of a sale at a fifth of the default rate: about 50,000 clicks, generated in about a second. */
    static SaleSettings small(long seed, DirtSettings dirt) {
        return new SaleSettings(seed, SaleSettings.DEFAULT_START, Duration.ofMinutes(5), 400, 40,
                Duration.ofMinutes(2), 2000, 2, 0.3, 5000, Duration.ofMinutes(1), dirt);
    }

    /** Ninety seconds at 200 clicks per second at peak: enough to compare runs byte for byte. */
    static SaleSettings tiny(long seed, DirtSettings dirt) {
        return new SaleSettings(seed, SaleSettings.DEFAULT_START, Duration.ofSeconds(90), 200, 20,
                Duration.ofMinutes(1), 2000, 2, 0.3, 5000, Duration.ofMinutes(1), dirt);
    }

    static GeneratedSale generate(SaleSettings settings, Path folder, boolean gzip) throws Exception {
        TrafficGenerator generator = new TrafficGenerator(settings, "test-sale");
        GenerationSummary summary;
        try (FolderSink sink = FolderSink.open(folder, gzip)) {
            summary = generator.run(sink, Pacer.unpaced(), ProgressReporter.silent());
        }
        return new GeneratedSale(settings, generator, summary, folder);
    }

    /** The lines of a stream's file, as bytes (a malformed line need not be UTF-8). */
    List<byte[]> lines(StreamKind stream) throws IOException {
        byte[] all = Files.readAllBytes(folder.resolve(FolderSink.fileName(stream, false)));
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, from, i));
                from = i + 1;
            }
        }
        if (from != all.length) {
            throw new IllegalStateException("last line of " + stream + " has no newline");
        }
        return lines;
    }

    /** Every line of a stream through the monitor's parser, in file order. */
    List<InputRecord> parsed(StreamKind stream) throws IOException {
        List<InputRecord> records = new ArrayList<>();
        int line = 0;
        for (byte[] bytes : lines(stream)) {
            records.add(EventParser.parse(stream, bytes, stream.defaultName() + ":" + ++line));
        }
        return records;
    }
}
