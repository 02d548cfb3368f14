package io.warroom.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes an item's minute as four varints: a few bytes for a typical minute instead of 36. */
public final class ItemMinuteSerializer extends AbstractStateSerializer<ItemMinute> {
    public static final ItemMinuteSerializer INSTANCE = new ItemMinuteSerializer();

    @Override
    public ItemMinute copy(ItemMinute from) {
        if (from == null) {
            return null;
        }
        ItemMinute copy = new ItemMinute();
        copy.pv = from.pv;
        copy.orders = from.orders;
        copy.units = from.units;
        copy.gmvCents = from.gmvCents;
        return copy;
    }

    @Override
    public void serialize(ItemMinute minute, DataOutputView target) throws IOException {
        writeVarLong(minute.pv, target);
        writeVarLong(minute.orders, target);
        writeVarLong(minute.units, target);
        writeVarLong(minute.gmvCents, target);
    }

    @Override
    public ItemMinute deserialize(DataInputView source) throws IOException {
        ItemMinute minute = new ItemMinute();
        minute.pv = readVarLong(source);
        minute.orders = readVarLong(source);
        minute.units = readVarLong(source);
        minute.gmvCents = readVarLong(source);
        return minute;
    }

    @Override
    public TypeSerializerSnapshot<ItemMinute> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for state compatibility checks on restore. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ItemMinute> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
