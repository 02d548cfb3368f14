package io.warroom.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.annotation.Nullable;
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
import org.apache.flink.util.function.SerializableSupplier;

/**
 * A fixed input (the campaigns and items opened at start): emits its elements, then, in a live job, stays open and
 * idle for the life of the job, never finished; in a replay it ends with them.
 *
 * <p>A finished input stands at the end of time. Flink forwards a finished task's final watermark, and a task that
 * had finished before a checkpoint is restored as finished and emits that watermark again at once, past any operator
 * that would hold it back; while the live inputs are idle, it alone would then carry event time to
 * {@code Long.MAX_VALUE}, judging every pacing checkpoint at once and closing every campaign. An input that never
 * finishes never emits it. Its watermark strategy should keep it idle ({@link Watermarks#alwaysIdle()}).
 *
 * <p>It emits all its elements at every start of its reader, a restore included, so that a campaign file changed
 * between a checkpoint and the restore from it (an item added) opens what it adds; its consumers take each opening
 * once (an open campaign ignores its opening, an item keeps its first configured stock). A position into the list
 * would not do: the elements of a changed file, or of a new JVM's hash order, stand at other positions. So nothing
 * is checkpointed: the first reader is handed the single split each time it registers, a restarted one included;
 * any other reader of a bounded input ends at once.
 */
final class FixedInputSource<T> implements Source<T, FixedInputSource.Elements, Void> {
    private static final long serialVersionUID = 1L;

    private final SerializableSupplier<List<T>> elements;
    private final boolean live;

    /**
     * @param elements computes the elements in the reader: the job carries the recipe (for the openings, the
     *     campaigns, whose catalogs it carries anyway), not a serialized copy of every element in each of its copies
     *     of the job graph
     * @param live stay open once the elements are out (a live job), or end with them (a replay)
     */
    FixedInputSource(SerializableSupplier<List<T>> elements, boolean live) {
        this.elements = elements;
        this.live = live;
    }

    /** The single split: all the elements. */
    record Elements() implements SourceSplit {
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
    public SplitEnumerator<Elements, Void> createEnumerator(SplitEnumeratorContext<Elements> context) {
        return new Enumerator(context, live);
    }

    @Override
    public SplitEnumerator<Elements, Void> restoreEnumerator(SplitEnumeratorContext<Elements> context, Void nothing) {
        return new Enumerator(context, live);
    }

    @Override
    public SimpleVersionedSerializer<Elements> getSplitSerializer() {
        return new ElementsSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new NothingSerializer();
    }

    @Override
    public SourceReader<T, Elements> createReader(SourceReaderContext context) {
        return new Reader<>(elements, live);
    }

    /**
     * Hands the one split to the first reader whenever it registers: at the start, and again when a failed or
     * restored reader comes back (it keeps no state). In a bounded input every reader is told there is nothing more,
     * so one without the split ends.
     */
    private static final class Enumerator implements SplitEnumerator<Elements, Void> {
        private final SplitEnumeratorContext<Elements> context;
        private final boolean live;

        Enumerator(SplitEnumeratorContext<Elements> context, boolean live) {
            this.context = context;
            this.live = live;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {}

        @Override
        public void addSplitsBack(List<Elements> splits, int subtaskId) {
            // The reader gets the split again when it registers again.
        }

        @Override
        public void addReader(int subtaskId) {
            if (subtaskId == 0) {
                context.assignSplit(new Elements(), subtaskId);
            }
            if (!live) {
                context.signalNoMoreSplits(subtaskId);
            }
        }

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {}
    }

    private static final class Reader<T> implements SourceReader<T, Elements> {
        private final SerializableSupplier<List<T>> source;
        private final boolean live;
        /** Computed when the split arrives: only the one reader that gets it holds them. */
        private List<T> elements = List.of();
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private boolean hasSplit;
        private boolean noMoreSplits;
        private int next;

        Reader(SerializableSupplier<List<T>> source, boolean live) {
            this.source = source;
            this.live = live;
        }

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) {
            if (hasSplit && next < elements.size()) {
                output.collect(elements.get(next));
                elements.set(next++, null); // emitted: let it go
                if (next < elements.size()) {
                    return InputStatus.MORE_AVAILABLE;
                }
            }
            // Ending before the enumerator's "no more splits" has arrived would have that event meet a finished
            // task, which Flink answers with a failover.
            if (!live && noMoreSplits) {
                return InputStatus.END_OF_INPUT;
            }
            // Nothing more, ever: wait on a future that only a split completes.
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
        public void addSplits(List<Elements> splits) {
            if (!splits.isEmpty() && !hasSplit) {
                hasSplit = true;
                elements = new ArrayList<>(source.get());
                next = 0;
            }
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public List<Elements> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public void close() {}
    }

    private static final class ElementsSerializer implements SimpleVersionedSerializer<Elements> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Elements split) {
            return new byte[0];
        }

        @Override
        public Elements deserialize(int version, byte[] serialized) {
            return new Elements();
        }
    }

    private static final class NothingSerializer implements SimpleVersionedSerializer<Void> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Void nothing) {
            return new byte[0];
        }

        @Override
        public Void deserialize(int version, byte[] serialized) {
            return null;
        }
    }
}
