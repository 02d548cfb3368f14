package io.warroom.functions;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Keyed state of one traffic shard of a campaign: the event ids it has seen (for the life of the campaign) and the
 * increments it has not passed on yet. One object, read once per event, written by {@link Serializer}.
 */
public final class TrafficShardState extends ThrottledEmission {
    static final long NO_FLUSH = Long.MIN_VALUE;

    final EventIdSet clickIds;
    final EventIdSet cartIds;
    /** Channels counted under their own label; past the limit a shard counts new channels as "other". */
    final Set<String> channels;
    /**
     * The event-time flush registered last since the last flush, or {@link #NO_FLUSH}. Events mostly share a
     * minute, so this one value spares the timer service nearly every repeat; a repeat it misses (events
     * alternating between two minutes) registers an existing timer again, which changes nothing.
     */
    long scheduledFlush = NO_FLUSH;
    /** Campaign increments since the last flush. */
    Pending pending;
    /** Item increments since the last item flush; they are flushed less often than the campaign's. */
    final Map<String, ItemIncrement> pendingItems;
    /** Processing time from which the pending item increments are due, or 0. */
    long itemsDueAt;

    TrafficShardState() {
        this(new EventIdSet(), new EventIdSet(), new HashSet<>(), new Pending(), new HashMap<>());
    }

    private TrafficShardState(EventIdSet clickIds, EventIdSet cartIds, Set<String> channels, Pending pending,
            Map<String, ItemIncrement> pendingItems) {
        this.clickIds = clickIds;
        this.cartIds = cartIds;
        this.channels = channels;
        this.pending = pending;
        this.pendingItems = pendingItems;
    }

    /** Campaign increments since the last flush. */
    static final class Pending {
        long pv;
        long carts;
        final MinuteCounts minutePv = new MinuteCounts();
        /** Users of the pending clicks; null until the first. */
        HllSketch users;
        final Map<String, ChannelIncrement> channels = new HashMap<>();

        boolean isEmpty() {
            return pv == 0 && carts == 0;
        }
    }

    static final class ChannelIncrement {
        long pv;
        final MinuteCounts minutePv = new MinuteCounts();
        HllSketch users;
    }

    static final class ItemIncrement {
        long pv;
        long carts;
        /** Latest event time among the increments. */
        long lastTs = Long.MIN_VALUE;
        final MinuteCounts minutePv = new MinuteCounts();
        long[] users = new long[4];
        int userCount;

        void addUser(long userHash) {
            if (userCount == users.length) {
                users = Arrays.copyOf(users, userCount * 2);
            }
            users[userCount++] = userHash;
        }
    }

    /** Checkpoints the whole shard; the id sets as flat arrays. */
    public static final class Serializer extends AbstractStateSerializer<TrafficShardState> {
        static final Serializer INSTANCE = new Serializer();

        @Override
        public TrafficShardState copy(TrafficShardState from) {
            try {
                DataOutputSerializer out = new DataOutputSerializer(256);
                writePending(from, out);
                writeItems(from, out);
                DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
                TrafficShardState copy = new TrafficShardState(from.clickIds.copy(), from.cartIds.copy(),
                        new HashSet<>(from.channels), readPending(in), readItems(in));
                copy.scheduledFlush = from.scheduledFlush;
                copy.dirty = from.dirty;
                copy.flushTimer = from.flushTimer;
                copy.itemsDueAt = from.itemsDueAt;
                return copy;
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy traffic shard state", e);
            }
        }

        @Override
        public void serialize(TrafficShardState state, DataOutputView out) throws IOException {
            out.writeBoolean(state.dirty);
            out.writeLong(state.flushTimer);
            state.clickIds.writeTo(out);
            state.cartIds.writeTo(out);
            out.writeInt(state.channels.size());
            for (String channel : state.channels) {
                out.writeUTF(channel);
            }
            out.writeLong(state.scheduledFlush);
            writePending(state, out);
            writeItems(state, out);
            out.writeLong(state.itemsDueAt);
        }

        @Override
        public TrafficShardState deserialize(DataInputView in) throws IOException {
            boolean dirty = in.readBoolean();
            long flushTimer = in.readLong();
            EventIdSet clickIds = EventIdSet.readFrom(in);
            EventIdSet cartIds = EventIdSet.readFrom(in);
            Set<String> channels = new HashSet<>();
            for (int n = in.readInt(); n > 0; n--) {
                channels.add(in.readUTF());
            }
            long scheduledFlush = in.readLong();
            Pending pending = readPending(in);
            TrafficShardState state = new TrafficShardState(clickIds, cartIds, channels, pending, readItems(in));
            state.scheduledFlush = scheduledFlush;
            state.itemsDueAt = in.readLong();
            state.dirty = dirty;
            state.flushTimer = flushTimer;
            return state;
        }

        @Override
        public TypeSerializerSnapshot<TrafficShardState> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Snapshot for state compatibility checks on restore. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrafficShardState> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }

        private static void writePending(TrafficShardState state, DataOutputView out) throws IOException {
            Pending p = state.pending;
            out.writeLong(p.pv);
            out.writeLong(p.carts);
            writeMinutes(p.minutePv, out);
            writeSketch(p.users, out);
            out.writeInt(p.channels.size());
            for (Map.Entry<String, ChannelIncrement> entry : p.channels.entrySet()) {
                out.writeUTF(entry.getKey());
                ChannelIncrement c = entry.getValue();
                out.writeLong(c.pv);
                writeMinutes(c.minutePv, out);
                writeSketch(c.users, out);
            }
        }

        private static void writeItems(TrafficShardState state, DataOutputView out) throws IOException {
            out.writeInt(state.pendingItems.size());
            for (Map.Entry<String, ItemIncrement> entry : state.pendingItems.entrySet()) {
                out.writeUTF(entry.getKey());
                ItemIncrement item = entry.getValue();
                out.writeLong(item.pv);
                out.writeLong(item.carts);
                out.writeLong(item.lastTs);
                writeMinutes(item.minutePv, out);
                out.writeInt(item.userCount);
                for (int i = 0; i < item.userCount; i++) {
                    out.writeLong(item.users[i]);
                }
            }
        }

        private static Pending readPending(DataInputView in) throws IOException {
            Pending p = new Pending();
            p.pv = in.readLong();
            p.carts = in.readLong();
            readMinutes(p.minutePv, in);
            p.users = readSketch(in);
            for (int n = in.readInt(); n > 0; n--) {
                ChannelIncrement c = new ChannelIncrement();
                p.channels.put(in.readUTF(), c);
                c.pv = in.readLong();
                readMinutes(c.minutePv, in);
                c.users = readSketch(in);
            }
            return p;
        }

        private static Map<String, ItemIncrement> readItems(DataInputView in) throws IOException {
            Map<String, ItemIncrement> items = new HashMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                ItemIncrement item = new ItemIncrement();
                items.put(in.readUTF(), item);
                item.pv = in.readLong();
                item.carts = in.readLong();
                item.lastTs = in.readLong();
                readMinutes(item.minutePv, in);
                for (int users = in.readInt(); users > 0; users--) {
                    item.addUser(in.readLong());
                }
            }
            return items;
        }

        private static void writeMinutes(MinuteCounts minutes, DataOutputView out) throws IOException {
            out.writeInt(minutes.size());
            for (int i = 0; i < minutes.size(); i++) {
                out.writeLong(minutes.minuteAt(i));
                out.writeLong(minutes.countAt(i));
            }
        }

        private static void readMinutes(MinuteCounts minutes, DataInputView in) throws IOException {
            for (int n = in.readInt(); n > 0; n--) {
                minutes.add(in.readLong(), in.readLong());
            }
        }

        private static void writeSketch(HllSketch sketch, DataOutputView out) throws IOException {
            out.writeBoolean(sketch != null);
            if (sketch != null) {
                HllSketchSerializer.INSTANCE.serialize(sketch, out);
            }
        }

        private static HllSketch readSketch(DataInputView in) throws IOException {
            return in.readBoolean() ? HllSketchSerializer.INSTANCE.deserialize(in) : null;
        }
    }
}
