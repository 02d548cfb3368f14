package io.warroom.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes an item's state as a bit mask of the fields that differ from their defaults (0, false or
 * {@link ItemState#INACTIVE}) followed by those fields as zig-zag varints. Most of an item's fields sit at their
 * defaults most of the time, so a configured item at rest takes a few dozen bytes instead of the ~200 of Flink's
 * POJO serializer, and RocksDB writes that much less on every update.
 */
public final class ItemStateSerializer extends AbstractStateSerializer<ItemState> {
    public static final ItemStateSerializer INSTANCE = new ItemStateSerializer();

    private static final long I = ItemState.INACTIVE;
    /** The default of each field, in the order of {@link #fields} (bit i of the mask is field i). */
    private static final long[] DEFAULTS = {
        0, 0, // dirty, flushTimer
        0, 0, 0, 0, 0, 0, 0, 0, 0, // pv .. publishedBuyers
        0, 0, 0, I, // opened, stockKnown, stock, stockSetAt
        I, I, I, I, // stockLowSince, stockOutSince, stockBackAt, oversoldSince
        I, I, I, // lastCheckpointAt, behindSince, stockEtaSince
        0, I, I // conversionComparable, lastBoundary, recentFrom
    };

    private static long[] fields(ItemState s) {
        return new long[] {
            bit(s.dirty), s.flushTimer,
            s.pv, s.carts, s.orders, s.ordersBeforeLag, s.units, s.gmvCents, s.refundedCents,
            s.publishedUv, s.publishedBuyers,
            bit(s.opened), bit(s.stockKnown), s.stock, s.stockSetAt,
            s.stockLowSince, s.stockOutSince, s.stockBackAt, s.oversoldSince,
            s.lastCheckpointAt, s.behindSince, s.stockEtaSince,
            bit(s.conversionComparable), s.lastBoundary, s.recentFrom
        };
    }

    private static ItemState from(long[] f) {
        ItemState s = new ItemState();
        s.dirty = f[0] != 0;
        s.flushTimer = f[1];
        s.pv = f[2];
        s.carts = f[3];
        s.orders = f[4];
        s.ordersBeforeLag = f[5];
        s.units = f[6];
        s.gmvCents = f[7];
        s.refundedCents = f[8];
        s.publishedUv = f[9];
        s.publishedBuyers = f[10];
        s.opened = f[11] != 0;
        s.stockKnown = f[12] != 0;
        s.stock = f[13];
        s.stockSetAt = f[14];
        s.stockLowSince = f[15];
        s.stockOutSince = f[16];
        s.stockBackAt = f[17];
        s.oversoldSince = f[18];
        s.lastCheckpointAt = f[19];
        s.behindSince = f[20];
        s.stockEtaSince = f[21];
        s.conversionComparable = f[22] != 0;
        s.lastBoundary = f[23];
        s.recentFrom = f[24];
        return s;
    }

    private static long bit(boolean b) {
        return b ? 1 : 0;
    }

    @Override
    public ItemState copy(ItemState from) {
        return from == null ? null : from(fields(from));
    }

    @Override
    public void serialize(ItemState state, DataOutputView target) throws IOException {
        long[] f = fields(state);
        long mask = 0;
        for (int i = 0; i < f.length; i++) {
            if (f[i] != DEFAULTS[i]) {
                mask |= 1L << i;
            }
        }
        writeVarLong(mask, target);
        for (int i = 0; i < f.length; i++) {
            if ((mask & (1L << i)) != 0) {
                writeVarLong(f[i], target);
            }
        }
    }

    @Override
    public ItemState deserialize(DataInputView source) throws IOException {
        long mask = readVarLong(source);
        long[] f = DEFAULTS.clone();
        for (int i = 0; i < f.length; i++) {
            if ((mask & (1L << i)) != 0) {
                f[i] = readVarLong(source);
            }
        }
        return from(f);
    }

    @Override
    public TypeSerializerSnapshot<ItemState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for state compatibility checks on restore. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ItemState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
