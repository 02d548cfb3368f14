package io.warroom.functions;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What one traffic shard task has counted for one campaign and not passed on yet: the campaign's increments and the
 * items'. It lives in the task's memory, not in keyed state, because it changes on every event and a state backend
 * on disk would rewrite it each time; a checkpoint saves it as operator state ({@link Serializer}) and a restore
 * sends it on at once.
 */
public final class PendingTraffic extends ThrottledEmission {
    static final long NO_FLUSH = Long.MIN_VALUE;

    final String campaignId;
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

    PendingTraffic(String campaignId) {
        this(campaignId, new Pending(), new HashMap<>());
    }

    private PendingTraffic(String campaignId, Pending pending, Map<String, ItemIncrement> pendingItems) {
        this.campaignId = campaignId;
        this.pending = pending;
        this.pendingItems = pendingItems;
    }

    boolean isEmpty() {
        return pending.isEmpty() && pendingItems.isEmpty();
    }

    /** Campaign increments since the last flush. */
    static final class Pending {
        long pv;
        long carts;
        long lateDropped;
        final MinuteCounts minutePv = new MinuteCounts();
        /** Users of the pending clicks; null until the first. */
        HllSketch users;
        final Map<String, ChannelIncrement> channels = new HashMap<>();

        boolean isEmpty() {
            return pv == 0 && carts == 0 && lateDropped == 0;
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

    /** Writes the increments into a checkpoint's operator state; what it does not need (timers) stays out. */
    public static final class Serializer extends AbstractStateSerializer<PendingTraffic> {
        static final Serializer INSTANCE = new Serializer();

        @Override
        public PendingTraffic copy(PendingTraffic from) {
            try {
                DataOutputSerializer out = new DataOutputSerializer(256);
                serialize(from, out);
                return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy pending traffic", e);
            }
        }

        @Override
        public void serialize(PendingTraffic state, DataOutputView out) throws IOException {
            out.writeUTF(state.campaignId);
            writePending(state, out);
            writeItems(state, out);
        }

        @Override
        public PendingTraffic deserialize(DataInputView in) throws IOException {
            String campaignId = in.readUTF();
            Pending pending = readPending(in);
            return new PendingTraffic(campaignId, pending, readItems(in));
        }

        @Override
        public TypeSerializerSnapshot<PendingTraffic> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Snapshot for state compatibility checks on restore. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<PendingTraffic> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }

        private static void writePending(PendingTraffic state, DataOutputView out) throws IOException {
            Pending p = state.pending;
            out.writeLong(p.pv);
            out.writeLong(p.carts);
            out.writeLong(p.lateDropped);
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

        private static void writeItems(PendingTraffic state, DataOutputView out) throws IOException {
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
            p.lateDropped = in.readLong();
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
