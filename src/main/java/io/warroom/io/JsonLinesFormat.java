package io.warroom.io;

import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a {@code .jsonl} file of one stream (FileSource decompresses {@code .gz} by extension), one record per line,
 * as raw bytes so that invalid UTF-8 is caught by the parser instead of being silently replaced. Each record's
 * origin is {@code file:line}. Empty lines are skipped; a line longer than the record limit is cut and rejected.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<InputRecord> {
    private final StreamKind stream;
    private final String fileName;

    public JsonLinesFormat(StreamKind stream, String fileName) {
        this.stream = stream;
        this.fileName = fileName;
    }

    @Override
    public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream input) {
        return new LineReader(input);
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }

    private final class LineReader implements StreamFormat.Reader<InputRecord> {
        private final InputStream input;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private long lineNumber;
        private byte[] line = new byte[1024];

        LineReader(InputStream input) {
            this.input = input;
        }

        @Override
        public InputRecord read() throws IOException {
            while (true) {
                int length = nextLine();
                if (length < 0) {
                    return null;
                }
                lineNumber++;
                int start = 0;
                if (lineNumber == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                        && (line[2] & 0xFF) == 0xBF) {
                    start = 3;
                }
                if (length - start == 0) {
                    continue;
                }
                byte[] record = Arrays.copyOfRange(line, start, length);
                InputRecord parsed = EventParser.parse(stream, record, null);
                return parsed.rejected() == null ? parsed
                        : InputRecord.of(parsed.rejected().at(fileName + ":" + lineNumber));
            }
        }

        /**
         * Reads up to the next newline into {@link #line}; returns its length without the newline (and a trailing
         * carriage return), or -1 at the end of the file. Bytes past the record limit are dropped, which leaves a
         * line one byte longer than the limit so the parser rejects it as too large.
         */
        private int nextLine() throws IOException {
            int length = 0;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = input.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return any ? trimCarriageReturn(length) : -1;
                    }
                }
                any = true;
                int end = position;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                length = append(length, end - position);
                boolean newline = end < limit;
                position = newline ? end + 1 : end;
                if (newline) {
                    return trimCarriageReturn(length);
                }
            }
        }

        /** Copies the next {@code count} buffered bytes to the line, keeping at most one byte past the limit. */
        private int append(int length, int count) {
            int kept = Math.min(count, EventParser.MAX_RECORD_BYTES + 1 - length);
            if (kept > 0) {
                if (length + kept > line.length) {
                    line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, length + kept),
                            EventParser.MAX_RECORD_BYTES + 1));
                }
                System.arraycopy(buffer, position, line, length, kept);
                length += kept;
            }
            return length;
        }

        private int trimCarriageReturn(int length) {
            return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        }

        @Override
        public void close() throws IOException {
            input.close();
        }
    }
}
