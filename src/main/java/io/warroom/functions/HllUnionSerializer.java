package io.warroom.functions;

import java.io.IOException;
import org.apache.datasketches.hll.Union;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Checkpoints HLL unions (the campaign's and channels' uv) in DataSketches' compact binary form. */
public final class HllUnionSerializer extends AbstractStateSerializer<Union> {
    public static final HllUnionSerializer INSTANCE = new HllUnionSerializer();

    @Override
    public Union copy(Union from) {
        return from == null ? null : Union.heapify(from.toUpdatableByteArray());
    }

    @Override
    public void serialize(Union union, DataOutputView target) throws IOException {
        writeBytes(union.toCompactByteArray(), target);
    }

    @Override
    public Union deserialize(DataInputView source) throws IOException {
        return Union.heapify(readBytes(source));
    }

    @Override
    public TypeSerializerSnapshot<Union> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for state compatibility checks on restore. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Union> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
