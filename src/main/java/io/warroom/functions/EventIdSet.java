package io.warroom.functions;

import java.io.IOException;
import java.nio.CharBuffer;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * An exact set of event ids, for deduplication. Ids are kept as their chars in one arena, found through an
 * open-addressing table of their 64-bit hashes; a hash match is confirmed by comparing the chars, so two ids that
 * share a hash are still told apart. About 2 bytes per char plus 20 bytes per id, against about 100 for a
 * {@code HashMap<String, ?>} entry, and it is written to a checkpoint as a few flat arrays.
 */
final class EventIdSet {
    private static final int MIN_TABLE = 16;

    private char[] chars;
    private int charCount;
    /** End of each id in {@link #chars}; id i starts where id i - 1 ends. */
    private int[] ends;
    private long[] hashes;
    private int size;
    /** Open addressing, linear probing: id index + 1, or 0 for a free slot; at most half full. */
    private int[] table;

    EventIdSet() {
        this(new char[64], 0, new int[8], 0);
    }

    private EventIdSet(char[] chars, int charCount, int[] ends, int size) {
        this.chars = chars;
        this.charCount = charCount;
        this.ends = ends;
        this.size = size;
        this.hashes = new long[ends.length];
        this.table = new int[tableSizeFor(size)];
        for (int i = 0; i < size; i++) {
            hashes[i] = Sketches.hash64(CharBuffer.wrap(chars, start(i), ends[i] - start(i)));
            place(i);
        }
    }

    /** Adds the id; true if it was not in the set. */
    boolean add(String id) {
        long hash = Sketches.hash64(id);
        int mask = table.length - 1;
        for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                append(id, hash);
                table[slot] = size;
                if (size * 2 > table.length) {
                    rehash();
                }
                return true;
            }
            if (hashes[entry - 1] == hash && sameChars(entry - 1, id)) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    /**
     * A deep copy, made by array copies alone: the heap state backend asks for one whenever a set changes while a
     * checkpoint still reads it, on the task's own thread, so it must not hash every id again.
     */
    EventIdSet copy() {
        return new EventIdSet(this);
    }

    private EventIdSet(EventIdSet from) {
        this.chars = Arrays.copyOf(from.chars, Math.max(from.charCount, 1));
        this.charCount = from.charCount;
        this.ends = Arrays.copyOf(from.ends, Math.max(from.size, 1));
        this.hashes = Arrays.copyOf(from.hashes, Math.max(from.size, 1));
        this.size = from.size;
        this.table = from.table.clone();
    }

    /** Writes the ids; ids in Latin-1 (the usual case) take one byte per char. */
    void writeTo(DataOutputView out) throws IOException {
        boolean latin1 = true;
        for (int i = 0; i < charCount && latin1; i++) {
            latin1 = chars[i] < 0x100;
        }
        int charBytes = latin1 ? 1 : 2;
        out.writeInt(size);
        out.writeInt(charCount);
        out.writeBoolean(latin1);
        byte[] bytes = new byte[charCount * charBytes + size * 4];
        int at = 0;
        for (int i = 0; i < charCount; i++) {
            if (!latin1) {
                bytes[at++] = (byte) (chars[i] >>> 8);
            }
            bytes[at++] = (byte) chars[i];
        }
        for (int i = 0; i < size; i++) {
            int end = ends[i];
            bytes[at++] = (byte) (end >>> 24);
            bytes[at++] = (byte) (end >>> 16);
            bytes[at++] = (byte) (end >>> 8);
            bytes[at++] = (byte) end;
        }
        out.write(bytes);
    }

    static EventIdSet readFrom(DataInputView in) throws IOException {
        int size = in.readInt();
        int charCount = in.readInt();
        boolean latin1 = in.readBoolean();
        byte[] bytes = new byte[charCount * (latin1 ? 1 : 2) + size * 4];
        in.readFully(bytes);
        char[] chars = new char[Math.max(charCount, 1)];
        int at = 0;
        for (int i = 0; i < charCount; i++) {
            int high = latin1 ? 0 : (bytes[at++] & 0xff) << 8;
            chars[i] = (char) (high | (bytes[at++] & 0xff));
        }
        int[] ends = new int[Math.max(size, 1)];
        for (int i = 0; i < size; i++) {
            ends[i] = ((bytes[at++] & 0xff) << 24) | ((bytes[at++] & 0xff) << 16) | ((bytes[at++] & 0xff) << 8)
                    | (bytes[at++] & 0xff);
        }
        return new EventIdSet(chars, charCount, ends, size);
    }

    private void append(String id, long hash) {
        int length = id.length();
        if (charCount + length > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + length));
        }
        id.getChars(0, length, chars, charCount);
        charCount += length;
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        ends[size] = charCount;
        hashes[size] = hash;
        size++;
    }

    private boolean sameChars(int index, String id) {
        int from = start(index);
        if (ends[index] - from != id.length()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (chars[from + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int start(int index) {
        return index == 0 ? 0 : ends[index - 1];
    }

    private void rehash() {
        table = new int[table.length * 2];
        for (int i = 0; i < size; i++) {
            place(i);
        }
    }

    private void place(int index) {
        int mask = table.length - 1;
        int slot = (int) hashes[index] & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = index + 1;
    }

    private static int tableSizeFor(int size) {
        int table = MIN_TABLE;
        while (table < size * 2 + 2) {
            table *= 2;
        }
        return table;
    }
}
