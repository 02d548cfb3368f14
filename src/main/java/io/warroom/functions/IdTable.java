package io.warroom.functions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * An exact set of ids, each kept until a time, in a few flat arrays rather than an object per id. A traffic shard
 * holds every click and cart id of its sale's dedup horizon, millions of them; as strings in hash maps they were
 * most of what the garbage collector traced and copied on a realistic sale, and a third of the live heap.
 *
 * <p>Ids live in scopes (a campaign and a stream): the same id in two scopes is two entries. An id is present from
 * {@link #add} until {@link #forgetUpTo} reaches its time; forgotten ids take space until they outnumber the kept
 * ones, and the table is then rebuilt without them, so the work of forgetting is constant per id.
 *
 * <p>Ids are compared char by char; those made only of chars below 256 take a byte per char.
 */
final class IdTable {
    private static final int NONE = -1;
    private static final int MIN_CAPACITY = 16;
    private static final int WIDE = 1;

    /** The maximum length of an array the JVM allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** The most slots: at most half of them may be used, so a table holds up to 2^29 ids. */
    private static final int MAX_SLOTS = 1 << 30;

    private final long seed;
    private final List<String> scopeNames = new ArrayList<>();
    private final Map<String, Integer> scopeNumbers = new HashMap<>();

    private byte[] chars;
    private int charsUsed;
    /** Per entry: where its chars start, its length times two plus {@link #WIDE}, scope, hash and time. */
    private int[] starts;
    private int[] lengths;
    private int[] scopes;
    private int[] hashes;
    private long[] forgetAts;
    private int entries;
    /** Open addressing, linear probing: entry numbers, or {@link #NONE}. Never more than half full. */
    private int[] slots;

    private long forgottenUpTo = Long.MIN_VALUE;
    private int forgotten;
    /** How many kept entries go at each time, to know how many are forgotten without scanning them. */
    private final TreeMap<Long, int[]> keptUntil = new TreeMap<>();

    IdTable() {
        this(MIN_CAPACITY, MIN_CAPACITY * 16);
    }

    private IdTable(int entryCapacity, int charCapacity) {
        seed = ThreadLocalRandom.current().nextLong();
        chars = new byte[charCapacity];
        starts = new int[entryCapacity];
        lengths = new int[entryCapacity];
        scopes = new int[entryCapacity];
        hashes = new int[entryCapacity];
        forgetAts = new long[entryCapacity];
        slots = new int[Integer.highestOneBit(Math.max(MIN_CAPACITY, entryCapacity * 2 - 1)) * 2];
        Arrays.fill(slots, NONE);
    }

    /**
     * Adds {@code id} to {@code scope} until {@code forgetAt}; false if it is there already. {@code forgetAt} is
     * after the time of the last {@link #forgetUpTo}, so the id is present until the next one at least.
     */
    boolean add(String scope, String id, long forgetAt) {
        if (forgetAt <= forgottenUpTo) {
            throw new IllegalArgumentException("id kept until " + forgetAt + ", forgotten up to " + forgottenUpTo);
        }
        int scopeNumber = scopeNumber(scope);
        int hash = hash(scopeNumber, id);
        int slot = slotOf(scopeNumber, hash, id);
        int found = slots[slot];
        if (found != NONE) {
            if (forgetAts[found] > forgottenUpTo) {
                return false;
            }
            // Forgotten, not yet removed: it counts as new, in its old place.
            forgotten--;
            forgetAts[found] = forgetAt;
            keep(forgetAt);
            return true;
        }
        if (entries >= MAX_SLOTS / 2) {
            throw new IllegalStateException("more than " + MAX_SLOTS / 2 + " ids in one traffic shard: use more "
                    + "traffic shards, or a backend on disk");
        }
        int entry = append(scopeNumber, hash, id, forgetAt);
        slots[slot] = entry;
        keep(forgetAt);
        if (entries * 2L > slots.length) {
            rebuild((int) Math.min(MAX_SLOTS, slots.length * 2L));
        }
        return true;
    }

    /** Whether {@code id} is present in {@code scope}. */
    boolean contains(String scope, String id) {
        Integer scopeNumber = scopeNumbers.get(scope);
        if (scopeNumber == null) {
            return false;
        }
        int entry = slots[slotOf(scopeNumber, hash(scopeNumber, id), id)];
        return entry != NONE && forgetAts[entry] > forgottenUpTo;
    }

    /** The slot of {@code id} in the scope, present or forgotten, or else the empty slot where it would go. */
    private int slotOf(int scopeNumber, int hash, String id) {
        int mask = slots.length - 1;
        int slot = hash & mask;
        for (int entry = slots[slot]; entry != NONE; entry = slots[slot]) {
            if (hashes[entry] == hash && scopes[entry] == scopeNumber && sameChars(entry, id)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** Forgets every id kept until {@code time} or before. */
    void forgetUpTo(long time) {
        if (time <= forgottenUpTo) {
            return;
        }
        forgottenUpTo = time;
        NavigableMap<Long, int[]> due = keptUntil.headMap(time, true);
        for (int[] count : due.values()) {
            forgotten += count[0];
        }
        due.clear();
        if (forgotten > size() && forgotten >= MIN_CAPACITY) {
            rebuild(0);
        }
    }

    /** The ids present. */
    int size() {
        return entries - forgotten;
    }

    /** A table with the same ids and times that shares nothing with this one (the arrays copied as they are). */
    IdTable copy() {
        return new IdTable(this);
    }

    private IdTable(IdTable original) {
        scopeNames.addAll(original.scopeNames);
        scopeNumbers.putAll(original.scopeNumbers);
        chars = original.chars.clone();
        charsUsed = original.charsUsed;
        starts = original.starts.clone();
        lengths = original.lengths.clone();
        scopes = original.scopes.clone();
        hashes = original.hashes.clone();
        forgetAts = original.forgetAts.clone();
        entries = original.entries;
        slots = original.slots.clone();
        forgottenUpTo = original.forgottenUpTo;
        forgotten = original.forgotten;
        original.keptUntil.forEach((time, count) -> keptUntil.put(time, count.clone()));
        seed = original.seed; // the stored hashes were made with it
    }

    /** Writes the ids present, their scopes and times, and the time up to which ids are forgotten. */
    void writeTo(DataOutputView target) throws IOException {
        target.writeLong(forgottenUpTo);
        target.writeInt(scopeNames.size());
        for (String scope : scopeNames) {
            StringValue.writeString(scope, target);
        }
        target.writeInt(size());
        for (int entry = 0; entry < entries; entry++) {
            if (forgetAts[entry] > forgottenUpTo) {
                target.writeInt(scopes[entry]);
                target.writeLong(forgetAts[entry]);
                StringValue.writeString(idOf(entry), target);
            }
        }
    }

    /** A table as {@link #writeTo} wrote it. */
    static IdTable readFrom(DataInputView source) throws IOException {
        long forgottenUpTo = source.readLong();
        String[] scopes = new String[source.readInt()];
        for (int i = 0; i < scopes.length; i++) {
            scopes[i] = StringValue.readString(source);
        }
        int size = source.readInt();
        int charCapacity = (int) Math.min(MAX_ARRAY, Math.max(MIN_CAPACITY, size * 16L));
        IdTable table = new IdTable(Math.max(MIN_CAPACITY, size), charCapacity);
        table.forgottenUpTo = forgottenUpTo;
        for (int i = 0; i < size; i++) {
            int scope = source.readInt();
            long forgetAt = source.readLong();
            table.add(scopes[scope], StringValue.readString(source), forgetAt);
        }
        return table;
    }

    private int scopeNumber(String scope) {
        Integer number = scopeNumbers.get(scope);
        if (number == null) {
            number = scopeNames.size();
            scopeNames.add(scope);
            scopeNumbers.put(scope, number);
        }
        return number;
    }

    private void keep(long forgetAt) {
        int[] count = keptUntil.get(forgetAt);
        if (count == null) {
            count = new int[1];
            keptUntil.put(forgetAt, count);
        }
        count[0]++;
    }

    /**
     * A hash of the chars under this table's random seed: ids made to share {@code String.hashCode} (which a client
     * can forge) would pile up in one run of slots and make every look-up in it slow.
     */
    private int hash(int scope, String id) {
        long h = seed ^ scope;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x9E3779B97F4A7C15L;
        }
        // murmur3's 64-bit finalizer, so that every bit of the seed and the chars reaches the slot's bits
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    private int append(int scope, int hash, String id, long forgetAt) {
        if (entries == starts.length) {
            int capacity = grown(starts.length, entries + 1L);
            starts = Arrays.copyOf(starts, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            scopes = Arrays.copyOf(scopes, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
            forgetAts = Arrays.copyOf(forgetAts, capacity);
        }
        boolean wide = false;
        for (int i = 0; i < id.length() && !wide; i++) {
            wide = id.charAt(i) > 0xFF;
        }
        int bytes = wide ? id.length() * 2 : id.length();
        if (charsUsed + (long) bytes > chars.length) {
            chars = Arrays.copyOf(chars, grown(chars.length, charsUsed + (long) bytes));
        }
        int start = charsUsed;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (wide) {
                chars[start + 2 * i] = (byte) (c >>> 8);
                chars[start + 2 * i + 1] = (byte) c;
            } else {
                chars[start + i] = (byte) c;
            }
        }
        charsUsed += bytes;
        int entry = entries++;
        starts[entry] = start;
        lengths[entry] = id.length() << 1 | (wide ? WIDE : 0);
        scopes[entry] = scope;
        hashes[entry] = hash;
        forgetAts[entry] = forgetAt;
        return entry;
    }

    private boolean sameChars(int entry, String id) {
        if (lengths[entry] >>> 1 != id.length()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (charAt(entry, i) != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String idOf(int entry) {
        char[] id = new char[lengths[entry] >>> 1];
        for (int i = 0; i < id.length; i++) {
            id[i] = charAt(entry, i);
        }
        return new String(id);
    }

    private char charAt(int entry, int i) {
        int start = starts[entry];
        return (lengths[entry] & WIDE) != 0
                ? (char) ((chars[start + 2 * i] & 0xFF) << 8 | chars[start + 2 * i + 1] & 0xFF)
                : (char) (chars[start + i] & 0xFF);
    }

    /** The bytes the entry's chars take in the arena. */
    private int byteLength(int entry) {
        int length = lengths[entry] >>> 1;
        return (lengths[entry] & WIDE) != 0 ? length * 2 : length;
    }

    /** A capacity of at least {@code needed}, doubled where it can be; fails clearly past what an array holds. */
    private static int grown(int capacity, long needed) {
        if (needed > MAX_ARRAY) {
            throw new IllegalStateException("the ids of one traffic shard outgrew " + MAX_ARRAY + " bytes: use more "
                    + "traffic shards, or a backend on disk");
        }
        return (int) Math.min(MAX_ARRAY, Math.max(capacity * 2L, needed));
    }

    /** Drops the forgotten entries and lays the kept ones out again, in at least {@code minSlots} slots. */
    private void rebuild(int minSlots) {
        if (forgotten > 0) {
            int kept = 0;
            int keptChars = 0;
            for (int entry = 0; entry < entries; entry++) {
                if (forgetAts[entry] <= forgottenUpTo) {
                    continue;
                }
                int bytes = byteLength(entry);
                System.arraycopy(chars, starts[entry], chars, keptChars, bytes);
                starts[kept] = keptChars;
                lengths[kept] = lengths[entry];
                scopes[kept] = scopes[entry];
                hashes[kept] = hashes[entry];
                forgetAts[kept] = forgetAts[entry];
                keptChars += bytes;
                kept++;
            }
            entries = kept;
            charsUsed = keptChars;
            forgotten = 0;
            if (kept * 4 < starts.length && starts.length > MIN_CAPACITY) {
                // A sale's peak has passed: give back what it took.
                int capacity = Math.max(MIN_CAPACITY, kept * 2);
                starts = Arrays.copyOf(starts, capacity);
                lengths = Arrays.copyOf(lengths, capacity);
                scopes = Arrays.copyOf(scopes, capacity);
                hashes = Arrays.copyOf(hashes, capacity);
                forgetAts = Arrays.copyOf(forgetAts, capacity);
                chars = Arrays.copyOf(chars, (int) Math.min(MAX_ARRAY, Math.max(MIN_CAPACITY, keptChars * 2L)));
            }
        }
        int slotCount = MIN_CAPACITY;
        while (entries * 4L > slotCount && slotCount < MAX_SLOTS) {
            slotCount *= 2; // a quarter full: room to grow before the next rebuild
        }
        slots = new int[Math.max(slotCount, minSlots)];
        Arrays.fill(slots, NONE);
        int mask = slots.length - 1;
        for (int entry = 0; entry < entries; entry++) {
            int slot = hashes[entry] & mask;
            while (slots[slot] != NONE) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = entry;
        }
    }
}
