package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same seed gives the same bytes; dirt changes how the sale is delivered, never the sale itself. */
class TrafficGeneratorDeterminismTest {
    private static final DirtSettings DIRT = DirtSettings.of(0.02, 3_000, 0.005, 0.005);
    private static final Pattern ISO_TS = Pattern.compile("\"ts\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]*\\+08:00\"");

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesIdenticalBytes() throws Exception {
        GeneratedSale first = GeneratedSale.generate(GeneratedSale.tiny(11, DIRT), dir.resolve("a"), false);
        GeneratedSale second = GeneratedSale.generate(GeneratedSale.tiny(11, DIRT), dir.resolve("b"), false);
        GeneratedSale other = GeneratedSale.generate(GeneratedSale.tiny(12, DIRT), dir.resolve("c"), false);

        for (StreamKind stream : StreamKind.values()) {
            String file = FolderSink.fileName(stream, false);
            assertThat(Files.size(first.folder.resolve(file))).as(file).isPositive();
            assertThat(Files.readAllBytes(second.folder.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(first.folder.resolve(file)));
        }
        assertThat(Files.readAllBytes(other.folder.resolve("clicks.jsonl")))
                .isNotEqualTo(Files.readAllBytes(first.folder.resolve("clicks.jsonl")));
        assertThat(second.generator.campaign().yaml()).isEqualTo(first.generator.campaign().yaml());
    }

    @Test
    void gzipOutputIsReproducibleAndHoldsTheSameLines() throws Exception {
        GeneratedSale plain = GeneratedSale.generate(GeneratedSale.tiny(11, DIRT), dir.resolve("plain"), false);
        GeneratedSale gz1 = GeneratedSale.generate(GeneratedSale.tiny(11, DIRT), dir.resolve("gz1"), true);
        GeneratedSale gz2 = GeneratedSale.generate(GeneratedSale.tiny(11, DIRT), dir.resolve("gz2"), true);

        for (StreamKind stream : StreamKind.values()) {
            String file = FolderSink.fileName(stream, true);
            assertThat(Files.readAllBytes(gz2.folder.resolve(file)))
                    .isEqualTo(Files.readAllBytes(gz1.folder.resolve(file)));
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz1.folder.resolve(file)))) {
                assertThat(in.readAllBytes())
                        .isEqualTo(Files.readAllBytes(plain.folder.resolve(FolderSink.fileName(stream, false))));
            }
        }
    }

    @Test
    void isoTimestampsChangeTheFormOfTsNotTheSale() throws Exception {
        GeneratedSale millis = GeneratedSale.generate(GeneratedSale.tiny(5, DIRT), dir.resolve("millis"), false);
        GeneratedSale mixed = GeneratedSale.generate(GeneratedSale.tiny(5, DIRT).withIsoTimestampShare(0.5),
                dir.resolve("mixed"), false);

        for (StreamKind stream : List.of(StreamKind.CLICK, StreamKind.CART, StreamKind.ORDER)) {
            // Malformed records are broken copies of valid ones, so they keep the form of their original's ts.
            assertThat(valid(mixed.parsed(stream))).as(stream.name()).usingRecursiveComparison()
                    .isEqualTo(valid(millis.parsed(stream)));
            assertThat(mixed.parsed(stream)).as(stream.name()).hasSameSizeAs(millis.parsed(stream));
            long iso = mixed.lines(stream).stream().filter(TrafficGeneratorDeterminismTest::hasIsoTs).count();
            assertThat((double) iso / mixed.lines(stream).size()).as("share of ISO-8601 %s timestamps", stream)
                    .isBetween(0.4, 0.6);
            assertThat(millis.lines(stream)).noneMatch(TrafficGeneratorDeterminismTest::hasIsoTs);
        }
    }

    @Test
    void dirtChangesDeliveryNotTheSale() throws Exception {
        GeneratedSale clean = GeneratedSale.generate(GeneratedSale.tiny(5, DirtSettings.CLEAN), dir.resolve("clean"),
                false);
        GeneratedSale dirty = GeneratedSale.generate(GeneratedSale.tiny(5, DIRT), dir.resolve("dirty"), false);

        for (StreamKind stream : StreamKind.values()) {
            List<byte[]> cleanLines = clean.lines(stream);
            List<InputRecord> cleanRecords = clean.parsed(stream);
            assertThat(cleanRecords).allSatisfy(r -> assertThat(r.rejected()).isNull());
            assertThat(GeneratedTrafficTest.outOfBound(cleanRecords, 0)).as("clean is in event-time order").isZero();

            Set<ByteBuffer> cleanSet = asSet(cleanLines);
            assertThat(cleanSet).hasSameSizeAs(cleanLines);
            List<byte[]> dirtyLines = dirty.lines(stream);
            List<InputRecord> dirtyRecords = dirty.parsed(stream);
            Set<ByteBuffer> dirtyValid = new HashSet<>();
            for (int i = 0; i < dirtyLines.size(); i++) {
                if (dirtyRecords.get(i).rejected() == null) {
                    dirtyValid.add(ByteBuffer.wrap(dirtyLines.get(i)));
                }
            }
            assertThat(dirtyValid).as(stream.defaultName()).isEqualTo(cleanSet);
        }
        assertThat(dirty.summary.sale().paidGmvCents()).isEqualTo(clean.summary.sale().paidGmvCents());
        assertThat(dirty.generator.campaign().yaml()).isEqualTo(clean.generator.campaign().yaml());
        assertThat(clean.summary.duplicates() + clean.summary.malformed() + clean.summary.totalLate()).isZero();
    }

    private static Set<ByteBuffer> asSet(List<byte[]> lines) {
        Set<ByteBuffer> set = new HashSet<>();
        lines.forEach(l -> set.add(ByteBuffer.wrap(l)));
        return set;
    }

    private static boolean hasIsoTs(byte[] line) {
        return ISO_TS.matcher(new String(line, StandardCharsets.UTF_8)).find();
    }

    private static List<InputRecord> valid(List<InputRecord> records) {
        return records.stream().filter(r -> r.rejected() == null).toList();
    }
}
