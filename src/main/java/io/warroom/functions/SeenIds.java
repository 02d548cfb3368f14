package io.warroom.functions;

import io.warroom.model.MinuteStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.BooleanSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The click and cart ids a traffic shard has counted (keyed state of the current shard), each kept until event time
 * passes the first copy's {@code ts} plus its campaign's dedup horizon, rounded up to a whole minute. After that a
 * copy with the same {@code ts} is too late to count anyway ({@link #forgetAt}), so forgetting it never lets an event
 * count twice.
 *
 * <p>One map entry per id, plus one in a second map ordered by when it is forgotten: a state backend on disk reads
 * and writes a few dozen bytes per event instead of a growing object, and on RocksDB, which keeps a map in key order,
 * forgetting reads only the entries it removes. On the heap it scans the shard's live ids, once a minute.
 */
final class SeenIds {
    private final MapState<String, Boolean> seen;
    private final MapState<Expiry, Boolean> expiring;
    private final boolean keyOrdered;

    SeenIds(RuntimeContext context, boolean keyOrdered) {
        this.seen = context.getMapState(new MapStateDescriptor<>("seen-ids", StringSerializer.INSTANCE,
                BooleanSerializer.INSTANCE));
        this.expiring = context.getMapState(new MapStateDescriptor<>("seen-ids-expiring", ExpirySerializer.INSTANCE,
                BooleanSerializer.INSTANCE));
        this.keyOrdered = keyOrdered;
    }

    /** One id of one campaign and stream: clicks and carts are deduplicated apart, and each campaign on its own. */
    static String key(String campaignId, boolean cart, String eventId) {
        // The campaign id's length in front keeps "ab" + "c" apart from "a" + "bc".
        return (cart ? 'c' : 'k') + String.valueOf((char) campaignId.length()) + campaignId + eventId;
    }

    /**
     * The first minute boundary after {@code ts + horizon}: from there on, an event with this {@code ts} is dropped as
     * too late by the shard's own event time, so its id may go.
     */
    static long forgetAt(long ts, long horizonMillis) {
        return MinuteStats.minuteOf(ts + horizonMillis) + MinuteStats.MINUTE_MILLIS;
    }

    /** Adds the id until {@code forgetAt}; false if it is already there (a copy). */
    boolean add(String key, long forgetAt) throws Exception {
        if (seen.contains(key)) {
            return false;
        }
        seen.put(key, Boolean.TRUE);
        expiring.put(new Expiry(forgetAt, key), Boolean.TRUE);
        return true;
    }

    /** Forgets every id whose time has come by {@code eventTime}. */
    void forgetUpTo(long eventTime) throws Exception {
        List<Expiry> due = new ArrayList<>();
        for (Expiry expiry : expiring.keys()) {
            if (expiry.forgetAt() <= eventTime) {
                due.add(expiry);
            } else if (keyOrdered) {
                break;
            }
        }
        // Removed by key, not through the iterator: the heap backend drops a key's map once it is empty only then.
        for (Expiry expiry : due) {
            seen.remove(expiry.key());
            expiring.remove(expiry);
        }
    }

    /** When an id goes, and the id; serialized time first, so that RocksDB sorts the entries by time. */
    record Expiry(long forgetAt, String key) {}

    /** Big-endian time (event times are positive, so bytes sort as numbers), then the id. */
    static final class ExpirySerializer extends TypeSerializerSingleton<Expiry> {
        static final ExpirySerializer INSTANCE = new ExpirySerializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public Expiry createInstance() {
            return null;
        }

        @Override
        public Expiry copy(Expiry from) {
            return from;
        }

        @Override
        public Expiry copy(Expiry from, Expiry reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(Expiry record, DataOutputView target) throws IOException {
            target.writeLong(record.forgetAt());
            StringValue.writeString(record.key(), target);
        }

        @Override
        public Expiry deserialize(DataInputView source) throws IOException {
            return new Expiry(source.readLong(), StringValue.readString(source));
        }

        @Override
        public Expiry deserialize(Expiry reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<Expiry> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Snapshot for state compatibility checks on restore. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<Expiry> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }
    }
}
