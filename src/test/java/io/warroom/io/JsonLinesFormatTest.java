package io.warroom.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.InputRecord;
import io.warroom.model.RejectReason;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FSDataInputStream;
import org.junit.jupiter.api.Test;

class JsonLinesFormatTest {

    private static String click(int n) {
        return "{\"event_id\":\"e" + n + "\",\"ts\":1700000000000,\"user_id\":\"u" + n + "\",\"item_id\":\"i1\"}";
    }

    @Test
    void splitsLinesOnNewlinesAndCarriageReturnsAndSkipsEmptyOnes() throws IOException {
        String text = "\uFEFF" + click(1) + "\r\n\n" + click(2) + "\n\r\n" + click(3);

        List<InputRecord> records = read(text.getBytes(StandardCharsets.UTF_8));

        assertThat(records).extracting(r -> r.click().eventId()).containsExactly("e1", "e2", "e3");
    }

    @Test
    void linesAcrossBufferBoundariesArriveWhole() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int n = 0; n < 5000; n++) {
            text.append(click(n)).append(n % 7 == 0 ? "\r\n" : "\n");
        }

        List<InputRecord> records = read(text.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(records).hasSize(5000);
        for (int n = 0; n < 5000; n++) {
            assertThat(records.get(n).click()).as("line %d", n + 1).isNotNull();
            assertThat(records.get(n).click().eventId()).isEqualTo("e" + n);
        }
    }

    @Test
    void aLineOverTheLimitIsRejectedAndTheNextOneStillRead() throws IOException {
        String huge = "{\"event_id\":\"" + "x".repeat(EventParser.MAX_RECORD_BYTES + 70_000) + "\"}";
        String text = click(1) + "\n" + huge + "\r\n" + click(2) + "\n";

        List<InputRecord> records = read(text.getBytes(StandardCharsets.UTF_8));

        assertThat(records).hasSize(3);
        assertThat(records.get(0).click().eventId()).isEqualTo("e1");
        assertThat(records.get(1).rejected().reason()).isEqualTo(RejectReason.RECORD_TOO_LARGE);
        assertThat(records.get(1).rejected().origin()).isEqualTo("clicks.jsonl:2");
        assertThat(records.get(2).click().eventId()).isEqualTo("e2");
    }

    private static List<InputRecord> read(byte[] bytes) throws IOException {
        StreamFormat.Reader<InputRecord> reader = new JsonLinesFormat(StreamKind.CLICK, "clicks.jsonl")
                .createReader(new Configuration(), new ByteArrayStream(bytes));
        List<InputRecord> records = new ArrayList<>();
        for (InputRecord record = reader.read(); record != null; record = reader.read()) {
            records.add(record);
        }
        reader.close();
        return records;
    }

    /** Hands out bytes in uneven pieces, as a file system read may. */
    private static final class ByteArrayStream extends FSDataInputStream {
        private final ByteArrayInputStream bytes;

        ByteArrayStream(byte[] bytes) {
            this.bytes = new ByteArrayInputStream(bytes);
        }

        @Override
        public void seek(long desired) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getPos() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, Math.min(len, 1000 + bytes.available() % 3000));
        }
    }
}
