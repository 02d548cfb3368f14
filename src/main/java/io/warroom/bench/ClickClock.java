package io.warroom.bench;

import io.warroom.generator.RecordSink;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.util.Arrays;

/**
 * A record sink that notes when each click was handed to the producer (epoch ms), in order, before passing it on.
 * With clean generated traffic every click is valid, unique and inside the campaign window, so the k-th click sent
 * is the one that takes the campaign's pv to k; that pairs produce times with the stats that reflect them.
 *
 * <p>It also ends a generated sale early, at a record count or a wall-clock deadline, by throwing {@link Stop} from
 * {@link #write}: the generator passes it on and what was written stays written.
 */
final class ClickClock implements RecordSink {
    /** The sale was cut where asked; not a failure. */
    static final class Stop extends IOException {
        Stop() {
            super("enough records", null);
        }
    }

    private final RecordSink target;
    private final long maxRecords;
    private final long deadlineMillis;
    private long[] sentAt = new long[1 << 16];
    private int clicks;
    private long records;
    private long firstRecordAt;
    private long lastRecordAt;

    /** Passes on everything. */
    ClickClock(RecordSink target) {
        this(target, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Passes on at most {@code maxRecords}, until {@code deadlineMillis} (epoch ms). */
    ClickClock(RecordSink target, long maxRecords, long deadlineMillis) {
        this.target = target;
        this.maxRecords = maxRecords;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void write(StreamKind stream, String key, byte[] value) throws IOException {
        long now = System.currentTimeMillis();
        if (records >= maxRecords || now >= deadlineMillis) {
            throw new Stop();
        }
        if (records++ == 0) {
            firstRecordAt = now;
        }
        lastRecordAt = now;
        if (stream == StreamKind.CLICK) {
            if (clicks == sentAt.length) {
                sentAt = Arrays.copyOf(sentAt, clicks * 2);
            }
            sentAt[clicks++] = now;
        }
        target.write(stream, key, value);
    }

    @Override
    public void close() throws IOException {
        target.close();
    }

    /** When the k-th click (from 1) was sent. */
    long clickSentAt(long k) {
        return sentAt[(int) (k - 1)];
    }

    int clicks() {
        return clicks;
    }

    long records() {
        return records;
    }

    /** Records per second over the time records were being sent. */
    double recordRate() {
        return lastRecordAt > firstRecordAt ? records / ((lastRecordAt - firstRecordAt) / 1000.0) : Double.NaN;
    }

    long firstRecordAt() {
        return firstRecordAt;
    }
}
