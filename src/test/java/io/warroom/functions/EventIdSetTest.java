package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link EventIdSet} has no lookup of its own besides {@code add}: an id is "in" the set when adding it reports false.
 * Lookups that must not change the set are made on a {@link EventIdSet#copy}. The sets are checkpointed as part of
 * a traffic shard's state, so the shard state's serializer is tested here too.
 */
class EventIdSetTest {
    private static final long MINUTE = 1_794_391_200_000L;

    @Test
    void addReportsWhetherTheIdWasNew() {
        EventIdSet ids = new EventIdSet();

        assertThat(ids.add("e1")).isTrue();
        assertThat(ids.add("e1")).isFalse();
        assertThat(ids.add("e2")).isTrue();
        assertThat(ids.size()).isEqualTo(2);
    }

    @Test
    void manyIdsAreAllKeptThroughGrowthAndRehashing() {
        EventIdSet ids = new EventIdSet();
        int n = 100_000;
        List<String> added = eventIds(0, n);

        assertThat(newOnes(ids, added)).isEqualTo(added);
        assertThat(ids.size()).isEqualTo(n);

        // The arena, the ends and the table grew many times over: every id must still be found, in any order.
        List<String> backwards = new ArrayList<>(added);
        Collections.reverse(backwards);
        assertThat(newOnes(ids, backwards)).isEmpty();
        assertThat(ids.size()).isEqualTo(n);
        List<String> neverAdded = eventIds(n, n + 1_000);
        assertThat(newOnes(ids.copy(), neverAdded)).isEqualTo(neverAdded);
    }

    @Test
    void idsThatDifferInOneCharOrInLengthAreDifferentIds() {
        List<String> similar = List.of("evt-000001", "evt-000002", "evt-100001", "Evt-000001", "evt-00000",
                "evt-0000011", "evt-000001 ", "a", "b", "ab", "ba");
        EventIdSet ids = new EventIdSet();
        for (String id : similar) {
            assertThat(ids.add(id)).as("first add of '%s'", id).isTrue();
        }
        for (String id : similar) {
            assertThat(ids.add(id)).as("second add of '%s'", id).isFalse();
        }
        assertThat(ids.size()).isEqualTo(similar.size());
    }

    @Test
    void idsStoredBackToBackDoNotRunIntoEachOther() {
        EventIdSet ids = new EventIdSet();
        ids.add("ab");
        ids.add("c");

        // The arena holds "abc" in one run; only the recorded ends tell the ids apart.
        assertThat(ids.add("abc")).isTrue();
        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("bc")).isTrue();
        assertThat(ids.add("b")).isTrue();
        assertThat(ids.size()).isEqualTo(6);
    }

    @Test
    void theEmptyStringIsAnIdLikeAnyOther() throws IOException {
        EventIdSet ids = new EventIdSet();

        assertThat(ids.add("")).isTrue();
        assertThat(ids.add("")).isFalse();
        assertThat(ids.add(" ")).isTrue();
        assertThat(ids.add("x")).isTrue();
        assertThat(ids.add("")).isFalse();

        EventIdSet restored = roundTrip(ids);
        assertThat(restored.size()).isEqualTo(3);
        assertThat(restored.add("")).isFalse();
        assertThat(restored.add(" ")).isFalse();
    }

    @Test
    void nonAsciiIdsAreComparedByEveryChar() throws IOException {
        // Chars whose high byte matters: with them, the checkpoint writes each char as two bytes.
        List<String> ids = List.of("événement-1", "evenement-1", "事件-1", "事件-2", "\uD83D\uDED2-1",
                "\uD83D\uDED2-2", "\u00ff", "\uff00", "\u0100", "\u0001", "\uffff", "\u0000");
        EventIdSet set = new EventIdSet();
        for (String id : ids) {
            assertThat(set.add(id)).as("first add of '%s'", id).isTrue();
        }

        EventIdSet restored = roundTrip(set);

        assertThat(restored.size()).isEqualTo(ids.size());
        for (String id : ids) {
            assertThat(restored.add(id)).as("restored add of '%s'", id).isFalse();
        }
        assertThat(restored.add("事件-3")).isTrue();
        assertThat(restored.add("\uD83D\uDED2-3")).isTrue();
    }

    @Test
    void aCopyIsIndependentOfItsOriginal() {
        EventIdSet original = new EventIdSet();
        newOnes(original, eventIds(0, 100));

        EventIdSet copy = original.copy();
        assertThat(newOnes(copy, eventIds(100, 1_000))).hasSize(900);
        assertThat(original.add("only-in-the-original")).isTrue();

        assertThat(original.size()).isEqualTo(101);
        assertThat(copy.size()).isEqualTo(1_000);
        assertThat(original.copy().add(eventId(500))).as("added to the copy only").isTrue();
        assertThat(copy.copy().add("only-in-the-original")).isTrue();
        assertThat(newOnes(copy.copy(), eventIds(0, 100))).as("copied ids").isEmpty();
    }

    @Test
    void anEmptySetSurvivesACopyAndARoundTrip() throws IOException {
        EventIdSet restored = roundTrip(new EventIdSet().copy());

        assertThat(restored.size()).isZero();
        assertThat(restored.add("e1")).isTrue();
        assertThat(restored.add("e1")).isFalse();
    }

    @Test
    void aRoundTripOfManyIdsKeepsThemAllAndTheSetStillGrows() throws IOException {
        EventIdSet ids = new EventIdSet();
        newOnes(ids, eventIds(0, 10_000));

        EventIdSet restored = roundTrip(ids);

        assertThat(newOnes(restored, eventIds(0, 10_000))).isEmpty();
        // The restored arrays are exactly full: the next adds must grow them.
        List<String> more = eventIds(10_000, 20_000);
        assertThat(newOnes(restored, more)).isEqualTo(more);
        assertThat(newOnes(restored, eventIds(0, 20_000))).isEmpty();
        assertThat(restored.size()).isEqualTo(20_000);
    }

    @Test
    void idsInLatin1AreWrittenWithOneBytePerChar() throws IOException {
        // Chars up to 0xff, the high half included: they keep their value in one unsigned byte.
        List<String> ids = List.of("evt-1", "événement-2", "\u00ff\u0080\u00a0", "\u0000", "");
        EventIdSet set = new EventIdSet();
        ids.forEach(set::add);

        DataOutputSerializer out = new DataOutputSerializer(64);
        set.writeTo(out);

        assertThat(out.length()).isEqualTo(writtenSize(ids, 1));
        EventIdSet restored = roundTrip(set);
        assertThat(restored.size()).isEqualTo(ids.size());
        for (String id : ids) {
            assertThat(restored.add(id)).as("restored add of '%s'", id).isFalse();
        }
        assertThat(restored.add("evenement-2")).isTrue();
    }

    @Test
    void oneIdPastLatin1MakesTheWholeSetTwoBytesPerChar() throws IOException {
        // U+0100 is the first char one byte cannot hold.
        List<String> ids = List.of("evt-1", "\u00ff", "evt-\u0100");
        EventIdSet set = new EventIdSet();
        ids.forEach(set::add);

        DataOutputSerializer out = new DataOutputSerializer(64);
        set.writeTo(out);

        assertThat(out.length()).isEqualTo(writtenSize(ids, 2));
        EventIdSet restored = roundTrip(set);
        for (String id : ids) {
            assertThat(restored.add(id)).as("restored add of '%s'", id).isFalse();
        }
        // Cut to a byte, U+0100 would come back as U+0000.
        assertThat(restored.add("evt-\u0000")).isTrue();
    }

    // --- in a traffic shard's state, through its serializer

    @Test
    void theShardStateSerializerRoundTripsSeenIdsAndPendingCounts() throws IOException {
        TrafficShardState state = sampleState();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TrafficShardState.Serializer.INSTANCE.serialize(state, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

        TrafficShardState restored = TrafficShardState.Serializer.INSTANCE.deserialize(in);

        assertThat(in.available()).as("bytes left after reading the state").isZero();
        assertThat(view(restored)).isEqualTo(view(state));
        assertSeenIds(restored);
    }

    @Test
    void theShardStateSerializersRawCopyReadsBackTheSameState() throws IOException {
        DataOutputSerializer written = new DataOutputSerializer(64);
        TrafficShardState.Serializer.INSTANCE.serialize(sampleState(), written);
        DataOutputSerializer copied = new DataOutputSerializer(64);

        TrafficShardState.Serializer.INSTANCE.copy(new DataInputDeserializer(written.getCopyOfBuffer()), copied);

        TrafficShardState restored = TrafficShardState.Serializer.INSTANCE.deserialize(
                new DataInputDeserializer(copied.getCopyOfBuffer()));
        assertThat(view(restored)).isEqualTo(view(sampleState()));
        assertSeenIds(restored);
    }

    @Test
    void theShardStateSerializersCopyIsDeep() {
        TrafficShardState original = sampleState();
        StateView before = view(original);

        TrafficShardState copy = TrafficShardState.Serializer.INSTANCE.copy(original);
        assertThat(view(copy)).isEqualTo(before);
        // Change every part of the copy, as the function changes its state while a snapshot still reads the old.
        copy.clickIds.add("e-new");
        copy.cartIds.add("k-new");
        copy.channels.add("web");
        copy.scheduledFlush = MINUTE + 119_999;
        copy.dirty = false;
        copy.flushTimer = 0;
        copy.pending.pv++;
        copy.pending.carts++;
        copy.pending.minutePv.add(MINUTE, 5);
        copy.pending.minutePv.add(MINUTE + 60_000, 1);
        copy.pending.users.update(Sketches.hash64("u-new"));
        TrafficShardState.ChannelIncrement app = copy.pending.channels.get("app");
        app.pv++;
        app.minutePv.add(MINUTE, 1);
        app.users.update(Sketches.hash64("u-new"));
        copy.pending.channels.put("web", new TrafficShardState.ChannelIncrement());
        TrafficShardState.ItemIncrement shirt = copy.pendingItems.get("shirt");
        shirt.pv++;
        shirt.carts++;
        shirt.lastTs++;
        shirt.minutePv.add(MINUTE, 1);
        shirt.addUser(Sketches.hash64("u-new"));
        copy.pendingItems.put("cap", new TrafficShardState.ItemIncrement());
        copy.itemsDueAt++;

        assertThat(view(original)).isEqualTo(before);
        assertSeenIds(original);
        assertThat(original.clickIds.copy().add("e-new")).isTrue();
        assertThat(original.cartIds.copy().add("k-new")).isTrue();
        assertThat(view(copy)).isNotEqualTo(before);
    }

    /** A shard that has seen clicks e1 to e6 and carts e1 and k1, with all of them still pending. */
    private static TrafficShardState sampleState() {
        TrafficShardState state = new TrafficShardState();
        for (String id : List.of("e1", "e2", "e3", "e4", "e5", "事件-6")) {
            state.clickIds.add(id);
        }
        state.cartIds.add("e1");
        state.cartIds.add("k1");
        state.channels.add("app");
        state.channels.add("other");
        state.scheduledFlush = MINUTE + 59_999;
        state.dirty = true;
        state.flushTimer = 400;
        TrafficShardState.Pending pending = state.pending;
        pending.pv = 6;
        pending.carts = 2;
        pending.minutePv.add(MINUTE, 6);
        pending.users = Sketches.newSketch(16);
        TrafficShardState.ChannelIncrement app = new TrafficShardState.ChannelIncrement();
        TrafficShardState.ChannelIncrement other = new TrafficShardState.ChannelIncrement();
        pending.channels.put("app", app);
        pending.channels.put("other", other);
        TrafficShardState.ItemIncrement shirt = new TrafficShardState.ItemIncrement();
        state.pendingItems.put("shirt", shirt);
        state.itemsDueAt = 1_200;
        for (int i = 1; i <= 6; i++) {
            long user = Sketches.hash64("u" + i);
            pending.users.update(user);
            TrafficShardState.ChannelIncrement channel = i <= 4 ? app : other;
            channel.pv++;
            channel.minutePv.add(MINUTE, 1);
            if (channel.users == null) {
                channel.users = Sketches.newSketch(16);
            }
            channel.users.update(user);
            // More users than the item's first array holds.
            shirt.addUser(user);
        }
        shirt.pv = 6;
        shirt.carts = 2;
        shirt.lastTs = MINUTE + 30_000;
        shirt.minutePv.add(MINUTE, 6);
        return state;
    }

    private static void assertSeenIds(TrafficShardState state) {
        for (String id : List.of("e1", "e2", "e3", "e4", "e5", "事件-6")) {
            assertThat(state.clickIds.copy().add(id)).as("click %s seen", id).isFalse();
        }
        assertThat(state.clickIds.copy().add("k1")).as("k1 is a cart id only").isTrue();
        assertThat(state.cartIds.copy().add("e1")).isFalse();
        assertThat(state.cartIds.copy().add("k1")).isFalse();
        assertThat(state.cartIds.copy().add("e2")).as("e2 is a click id only").isTrue();
    }

    /** Everything in a shard's state but the id sets' contents, as plain values (sketches as their bytes). */
    private record StateView(boolean dirty, long flushTimer, int clickIds, int cartIds, Set<String> channels,
            long scheduledFlush, long pv, long carts, Map<Long, Long> minutePv, String users,
            Map<String, String> channelIncrements, Map<String, String> itemIncrements, long itemsDueAt) {}

    private static StateView view(TrafficShardState state) {
        TrafficShardState.Pending p = state.pending;
        Map<String, String> channels = new TreeMap<>();
        p.channels.forEach((name, c) -> channels.put(name,
                "pv=" + c.pv + " minutes=" + minutes(c.minutePv) + " users=" + hex(c.users)));
        Map<String, String> items = new TreeMap<>();
        state.pendingItems.forEach((name, i) -> items.put(name, "pv=" + i.pv + " carts=" + i.carts
                + " lastTs=" + i.lastTs + " minutes=" + minutes(i.minutePv) + " users="
                + Arrays.toString(Arrays.copyOf(i.users, i.userCount))));
        return new StateView(state.dirty, state.flushTimer, state.clickIds.size(), state.cartIds.size(),
                new TreeSet<>(state.channels), state.scheduledFlush, p.pv, p.carts,
                minutes(p.minutePv), hex(p.users), channels, items, state.itemsDueAt);
    }

    private static Map<Long, Long> minutes(MinuteCounts counts) {
        Map<Long, Long> minutes = new TreeMap<>();
        for (int i = 0; i < counts.size(); i++) {
            minutes.put(counts.minuteAt(i), counts.countAt(i));
        }
        return minutes;
    }

    private static String hex(HllSketch sketch) {
        return sketch == null ? "none" : HexFormat.of().formatHex(sketch.toCompactByteArray());
    }

    private static String eventId(int i) {
        return "3f2a9c1e-" + i;
    }

    private static List<String> eventIds(int from, int to) {
        List<String> ids = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            ids.add(eventId(i));
        }
        return ids;
    }

    /** Adds the ids in their order; the ones the set took as new. */
    private static List<String> newOnes(EventIdSet set, List<String> ids) {
        List<String> fresh = new ArrayList<>();
        for (String id : ids) {
            if (set.add(id)) {
                fresh.add(id);
            }
        }
        return fresh;
    }

    /** Bytes an id set takes when written: size, char count, encoding flag, the chars, and an end per id. */
    private static int writtenSize(List<String> ids, int bytesPerChar) {
        int chars = ids.stream().mapToInt(String::length).sum();
        return Integer.BYTES + Integer.BYTES + 1 + chars * bytesPerChar + ids.size() * Integer.BYTES;
    }

    private static EventIdSet roundTrip(EventIdSet ids) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ids.writeTo(out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        EventIdSet restored = EventIdSet.readFrom(in);
        assertThat(in.available()).as("bytes left after reading the set").isZero();
        return restored;
    }
}
