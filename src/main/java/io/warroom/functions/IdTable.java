package io.warroom.functions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * An exact set of ids, each kept until a time, in a few flat arrays rather than an object per id. A traffic shard
 * holds every click and cart id of its sale's dedup horizon, millions of them; as strings in hash maps they were
 * most of what the garbage collector traced and copied on a realistic sale, and half the heap.
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
        int mask = slots.length - 1;
        int slot = hash & mask;
        for (int entry = slots[slot]; entry != NONE; entry = slots[slot]) {
            if (hashes[entry] == hash && scopes[entry] == scopeNumber && sameChars(entry, id)) {
                if (forgetAts[entry] > forgottenUpTo) {
                    return false;
                }
                // Forgotten, not yet removed: it counts as new, in its old place.
                forgotten--;
                forgetAts[entry] = forgetAt;
                keep(forgetAt);
                return true;
            }
            slot = (slot + 1) & mask;
        }
        int entry = append(scopeNumber, hash, id, forgetAt);
        slots[slot] = entry;
        keep(forgetAt);
        if (entries * 2 > slots.length) {
            rebuild(slots.length * 2);
        }
        return true;
    }

    /** Whether {@code id} is present in {@code scope}. */
    boolean contains(String scope, String id) {
        Integer scopeNumber = scopeNumbers.get(scope);
        if (scopeNumber == null) {
            return false;
        }
        int hash = hash(scopeNumber, id);
        int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != NONE; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (hashes[entry] == hash && scopes[entry] == scopeNumber && sameChars(entry, id)) {
                return forgetAts[entry] > forgottenUpTo;
            }
        }
        return false;
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

    /** A table with the same ids and times that shares nothing with this one. */
    IdTable copy() {
        IdTable copy = new IdTable(Math.max(MIN_CAPACITY, size()), Math.max(MIN_CAPACITY, charsUsed));
        copy.forgottenUpTo = forgottenUpTo;
        for (int entry = 0; entry < entries; entry++) {
            if (forgetAts[entry] > forgottenUpTo) {
                copy.add(scopeNames.get(scopes[entry]), idOf(entry), forgetAts[entry]);
            }
        }
        return copy;
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
        IdTable table = new IdTable(Math.max(MIN_CAPACITY, size), Math.max(MIN_CAPACITY, size * 16));
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

    private static int hash(int scope, String id) {
        // murmur3's finalizer, so that ids differing in their last chars spread over the whole table
        int h = id.hashCode() * 31 + scope;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private int append(int scope, int hash, String id, long forgetAt) {
        if (entries == starts.length) {
            int capacity = starts.length * 2;
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
        if (charsUsed + bytes > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charsUsed + bytes));
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
        int start = starts[entry];
        boolean wide = (lengths[entry] & WIDE) != 0;
        for (int i = 0; i < id.length(); i++) {
            char stored = wide ? (char) ((chars[start + 2 * i] & 0xFF) << 8 | chars[start + 2 * i + 1] & 0xFF)
                    : (char) (chars[start + i] & 0xFF);
            if (stored != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String idOf(int entry) {
        int length = lengths[entry] >>> 1;
        int start = starts[entry];
        char[] id = new char[length];
        boolean wide = (lengths[entry] & WIDE) != 0;
        for (int i = 0; i < length; i++) {
            id[i] = wide ? (char) ((chars[start + 2 * i] & 0xFF) << 8 | chars[start + 2 * i + 1] & 0xFF)
                    : (char) (chars[start + i] & 0xFF);
        }
        return new String(id);
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
                int bytes = (lengths[entry] & WIDE) != 0 ? (lengths[entry] >>> 1) * 2 : lengths[entry] >>> 1;
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
                chars = Arrays.copyOf(chars, Math.max(MIN_CAPACITY, keptChars * 2));
            }
        }
        int slotCount = MIN_CAPACITY;
        while (entries * 4 > slotCount) {
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
