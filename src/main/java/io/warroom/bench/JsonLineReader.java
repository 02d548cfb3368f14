package io.warroom.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a {@code .jsonl} (or {@code .jsonl.gz}) file line by line into a reused byte buffer, with the replay input's
 * rules (README, "Replay"): lines end at {@code \n}, a trailing {@code \r} is dropped, a UTF-8 byte order mark on the
 * first line is dropped, and empty lines are skipped. The benchmark's floor and its input rewriting read the files
 * this way, so they see exactly the records replay sees.
 */
final class JsonLineReader implements Closeable {
    private final InputStream input;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;
    private long lineNumber;

    JsonLineReader(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        this.input = file.getFileName().toString().endsWith(".gz")
                ? new GZIPInputStream(raw, 1 << 16)
                : new BufferedInputStream(raw, 1 << 16);
    }

    /** Moves to the next non-empty line; false at the end of the file. */
    boolean next() throws IOException {
        while (true) {
            if (!readLine()) {
                return false;
            }
            lineNumber++;
            if (lineNumber == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                    && (line[2] & 0xFF) == 0xBF) {
                System.arraycopy(line, 3, line, 0, length - 3);
                length -= 3;
            }
            if (length > 0) {
                return true;
            }
        }
    }

    /** The current line's bytes, valid up to {@link #length()} and until the next call of {@link #next()}. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    long lineNumber() {
        return lineNumber;
    }

    private boolean readLine() throws IOException {
        length = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = input.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    trimCarriageReturn();
                    return any;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                position++; // the newline
                trimCarriageReturn();
                return true;
            }
        }
    }

    private void append(int from, int count) {
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }

    private void trimCarriageReturn() {
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
