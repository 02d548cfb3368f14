package io.warroom.functions;

import io.warroom.model.MinuteStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
 * <p>Laid out for the backend, so that forgetting touches only the ids it removes:
 * <ul>
 *   <li>On a backend that keeps a map in key order (RocksDB, ForSt): one map entry per id, and one per id in a
 *       second map whose keys start with the time, so forgetting reads the due entries and stops, and each event
 *       writes a few dozen bytes instead of a growing object.
 *   <li>On the heap: one {@link IdTable} per shard, flat arrays that the garbage collector does not trace id by id;
 *       forgetting costs a constant per id.
 * </ul>
 * The two layouts are different state, so a job keeps its backend for the life of its state.
 */
final class SeenIds {
    /** Key-ordered backends: an entry per id, and one per id by time. */
    private final MapState<String, Boolean> seen;
    private final MapState<Expiry, Boolean> expiring;
    /** The heap: the shard's ids in flat arrays. */
    private final ValueState<IdTable> table;
    /** The heap: per campaign, the scopes of its clicks and carts in the table (task memory, made once). */
    private final Map<String, String[]> scopes = new HashMap<>();

    SeenIds(RuntimeContext context, boolean keyOrdered) {
        this.seen = keyOrdered ? context.getMapState(new MapStateDescriptor<>("seen-ids", StringSerializer.INSTANCE,
                BooleanSerializer.INSTANCE)) : null;
        this.expiring = keyOrdered ? context.getMapState(new MapStateDescriptor<>("seen-ids-expiring",
                ExpirySerializer.INSTANCE, BooleanSerializer.INSTANCE)) : null;
        this.table = keyOrdered ? null
                : context.getState(new ValueStateDescriptor<>("seen-ids-table", IdTableSerializer.INSTANCE));
    }

    /** One id of one campaign and stream: clicks and carts are deduplicated apart, and each campaign on its own. */
    private static String key(String campaignId, boolean cart, String eventId) {
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

    /** Adds the id of a click or cart of a campaign until {@code forgetAt}; false if it is already there (a copy). */
    boolean add(String campaignId, boolean cart, String eventId, long forgetAt) throws Exception {
        if (table != null) {
            IdTable ids = table.value();
            if (ids == null) {
                ids = new IdTable();
                table.update(ids);
            }
            // Changed in place: the heap backend hands out a copy of a value that a running snapshot still reads.
            return ids.add(scope(campaignId, cart), eventId, forgetAt);
        }
        String key = key(campaignId, cart, eventId);
        if (seen.contains(key)) {
            return false;
        }
        seen.put(key, Boolean.TRUE);
        expiring.put(new Expiry(forgetAt, key), Boolean.TRUE);
        return true;
    }

    /** Forgets every id whose time has come by {@code eventTime}. */
    void forgetUpTo(long eventTime) throws Exception {
        if (table != null) {
            IdTable ids = table.value();
            if (ids != null) {
                ids.forgetUpTo(eventTime);
                if (ids.size() == 0) {
                    table.clear();
                }
            }
            return;
        }
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
    }

    private String scope(String campaignId, boolean cart) {
        String[] both = scopes.computeIfAbsent(campaignId,
                id -> new String[] {key(id, false, ""), key(id, true, "")});
        return both[cart ? 1 : 0];
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

    /** The heap's table of ids, written as the ids present (see {@link IdTable#writeTo}). */
    static final class IdTableSerializer extends AbstractStateSerializer<IdTable> {
        static final IdTableSerializer INSTANCE = new IdTableSerializer();

        @Override
        public IdTable copy(IdTable from) {
            return from == null ? null : from.copy();
        }

        @Override
        public void serialize(IdTable table, DataOutputView target) throws IOException {
            table.writeTo(target);
        }

        @Override
        public IdTable deserialize(DataInputView source) throws IOException {
            return IdTable.readFrom(source);
        }

        @Override
        public TypeSerializerSnapshot<IdTable> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Snapshot for state compatibility checks on restore. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<IdTable> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }
    }
}
