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
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
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
 * <p>One map entry per id, plus a record of when it goes, laid out for the backend, so that forgetting touches only
 * the ids it removes:
 * <ul>
 *   <li>On a backend that keeps a map in key order (RocksDB, ForSt): one entry per id in a second map whose keys
 *       start with the time, so forgetting reads the due entries and stops, and each event writes a few dozen bytes
 *       instead of a growing object.
 *   <li>On the heap: one list of ids per time to forget them at, appended to in place; forgetting drops the due
 *       lists. Scanning every live id once a minute, as the ordered layout would on a hash map, took a third of the
 *       shards' time on a sale of a million users.
 * </ul>
 * The two layouts are different state, so a job keeps its backend for the life of its state.
 */
final class SeenIds {
    private final MapState<String, Boolean> seen;
    /** Key-ordered backends: an entry per id, by time. */
    private final MapState<Expiry, Boolean> expiring;
    /** The heap: the ids to forget at each time. */
    private final MapState<Long, List<String>> expiringByTime;

    SeenIds(RuntimeContext context, boolean keyOrdered) {
        this.seen = context.getMapState(new MapStateDescriptor<>("seen-ids", StringSerializer.INSTANCE,
                BooleanSerializer.INSTANCE));
        this.expiring = keyOrdered ? context.getMapState(new MapStateDescriptor<>("seen-ids-expiring",
                ExpirySerializer.INSTANCE, BooleanSerializer.INSTANCE)) : null;
        this.expiringByTime = keyOrdered ? null : context.getMapState(new MapStateDescriptor<>(
                "seen-ids-by-time", LongSerializer.INSTANCE, new ListSerializer<>(StringSerializer.INSTANCE)));
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
        if (expiring != null) {
            expiring.put(new Expiry(forgetAt, key), Boolean.TRUE);
        } else {
            List<String> ids = expiringByTime.get(forgetAt);
            if (ids == null) {
                ids = new ArrayList<>();
            }
            ids.add(key);
            // The same list again: the heap keeps it by reference, so this costs a lookup, not a copy.
            expiringByTime.put(forgetAt, ids);
        }
        return true;
    }

    /** Forgets every id whose time has come by {@code eventTime}. */
    void forgetUpTo(long eventTime) throws Exception {
        if (expiring != null) {
            List<Expiry> due = new ArrayList<>();
            for (Expiry expiry : expiring.keys()) {
                if (expiry.forgetAt() > eventTime) {
                    break;
                }
                due.add(expiry);
            }
            // Removed by key, not through the iterator: the heap backend drops a key's map once it is empty only then.
            for (Expiry expiry : due) {
                seen.remove(expiry.key());
                expiring.remove(expiry);
            }
            return;
        }
        List<Long> due = new ArrayList<>();
        for (Long forgetAt : expiringByTime.keys()) {
            if (forgetAt <= eventTime) {
                due.add(forgetAt);
            }
        }
        for (Long forgetAt : due) {
            for (String key : expiringByTime.get(forgetAt)) {
                seen.remove(key);
            }
            expiringByTime.remove(forgetAt);
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
