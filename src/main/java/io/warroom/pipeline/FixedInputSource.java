package io.warroom.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.annotation.Nullable;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;

/**
 * A fixed input (the campaigns and items opened at start): emits its elements once, then, in a live job, stays open
 * and idle for the life of the job, never finished; in a replay it ends with them.
 *
 * <p>A finished input stands at the end of time. Flink forwards a finished task's final watermark, and a task that
 * had finished before a checkpoint is restored as finished and emits that watermark again at once, past any operator
 * that would hold it back; while the live inputs are idle, it alone would then carry event time to
 * {@code Long.MAX_VALUE}, judging every pacing checkpoint at once and closing every campaign. An input that never
 * finishes never emits it. Its watermark strategy should keep it idle ({@link Watermarks#alwaysIdle()}).
 *
 * <p>The position is checkpointed, so a restored job does not open its campaigns a second time. Parallelism 1: one
 * reader takes the single split.
 */
final class FixedInputSource<T> implements Source<T, FixedInputSource.Position, Boolean> {
    private static final long serialVersionUID = 1L;

    private final TypeSerializer<T> serializer;
    private final byte[] elements;
    private final int count;
    private final boolean live;

    /** @param live stay open once the elements are out (a live job), or end with them (a replay) */
    FixedInputSource(List<T> elements, TypeInformation<T> type, boolean live) {
        this.live = live;
        this.serializer = type.createSerializer(new SerializerConfigImpl());
        this.count = elements.size();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputViewStreamWrapper out = new DataOutputViewStreamWrapper(bytes)) {
            for (T element : elements) {
                serializer.serialize(element, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the elements of a fixed input", e);
        }
        this.elements = bytes.toByteArray();
    }

    /** How many elements of the single split were emitted. */
    record Position(int next) implements SourceSplit {
        @Override
        public String splitId() {
            return "elements";
        }
    }

    @Override
    public Boundedness getBoundedness() {
        return live ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    @Override
    public SplitEnumerator<Position, Boolean> createEnumerator(SplitEnumeratorContext<Position> context) {
        return new Enumerator(context, false);
    }

    @Override
    public SplitEnumerator<Position, Boolean> restoreEnumerator(
            SplitEnumeratorContext<Position> context, Boolean assigned) {
        return new Enumerator(context, assigned);
    }

    @Override
    public SimpleVersionedSerializer<Position> getSplitSerializer() {
        return new PositionSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Boolean> getEnumeratorCheckpointSerializer() {
        return new AssignedSerializer();
    }

    @Override
    public SourceReader<T, Position> createReader(SourceReaderContext context) throws IOException {
        List<T> decoded = new ArrayList<>(count);
        try (DataInputViewStreamWrapper in = new DataInputViewStreamWrapper(new ByteArrayInputStream(elements))) {
            for (int i = 0; i < count; i++) {
                decoded.add(serializer.deserialize(in));
            }
        }
        return new Reader<>(decoded, live);
    }

    /** Hands the one split out once; a split coming back from a failed reader goes to the next reader. */
    private static final class Enumerator implements SplitEnumerator<Position, Boolean> {
        private final SplitEnumeratorContext<Position> context;
        private final List<Position> unassigned = new ArrayList<>();
        private boolean assigned;

        Enumerator(SplitEnumeratorContext<Position> context, boolean assigned) {
            this.context = context;
            this.assigned = assigned;
            if (!assigned) {
                unassigned.add(new Position(0));
            }
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {}

        @Override
        public void addSplitsBack(List<Position> splits, int subtaskId) {
            unassigned.addAll(splits);
            assignTo(subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            assignTo(subtaskId);
        }

        private void assignTo(int subtaskId) {
            if (!context.registeredReaders().containsKey(subtaskId)) {
                return;
            }
            for (Position split : unassigned) {
                context.assignSplit(split, subtaskId);
            }
            unassigned.clear();
            assigned = true;
        }

        @Override
        public Boolean snapshotState(long checkpointId) {
            // A split not yet handed out is handed out again after a restore.
            return assigned && unassigned.isEmpty();
        }

        @Override
        public void close() {}
    }

    private static final class Reader<T> implements SourceReader<T, Position> {
        private final List<T> elements;
        private final boolean live;
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private boolean hasSplit;
        private int next;

        Reader(List<T> elements, boolean live) {
            this.elements = elements;
            this.live = live;
        }

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) {
            if (hasSplit && next < elements.size()) {
                output.collect(elements.get(next++));
                if (next < elements.size()) {
                    return InputStatus.MORE_AVAILABLE;
                }
            }
            if (hasSplit && !live) {
                return InputStatus.END_OF_INPUT;
            }
            // Nothing more, ever: wait on a future that only a (returned) split completes.
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<Position> splits) {
            for (Position split : splits) {
                hasSplit = true;
                next = Math.max(next, split.next());
            }
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public List<Position> snapshotState(long checkpointId) {
            return hasSplit ? List.of(new Position(next)) : List.of();
        }

        @Override
        public void close() {}
    }

    private static final class PositionSerializer implements SimpleVersionedSerializer<Position> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Position split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4);
            new DataOutputStream(bytes).writeInt(split.next());
            return bytes.toByteArray();
        }

        @Override
        public Position deserialize(int version, byte[] serialized) throws IOException {
            return new Position(new DataInputStream(new ByteArrayInputStream(serialized)).readInt());
        }
    }

    private static final class AssignedSerializer implements SimpleVersionedSerializer<Boolean> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Boolean assigned) {
            return new byte[] {(byte) (assigned ? 1 : 0)};
        }

        @Override
        public Boolean deserialize(int version, byte[] serialized) {
            return serialized.length == 1 && serialized[0] == 1;
        }
    }
}
