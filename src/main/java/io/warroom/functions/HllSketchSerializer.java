package io.warroom.functions;

import java.io.IOException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Checkpoints HLL sketches in DataSketches' own compact binary form, which keeps the HIP estimator's state, so a
 * restored sketch estimates exactly as the one that was saved.
 */
public final class HllSketchSerializer extends AbstractStateSerializer<HllSketch> {
    public static final HllSketchSerializer INSTANCE = new HllSketchSerializer();

    @Override
    public HllSketch copy(HllSketch from) {
        return from == null ? null : from.copy();
    }

    @Override
    public void serialize(HllSketch sketch, DataOutputView target) throws IOException {
        writeBytes(sketch.toCompactByteArray(), target);
    }

    @Override
    public HllSketch deserialize(DataInputView source) throws IOException {
        return HllSketch.heapify(readBytes(source));
    }

    @Override
    public TypeSerializerSnapshot<HllSketch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for state compatibility checks on restore. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<HllSketch> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
