package io.warroom.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A campaign's configured items, immutable, that a JVM holds once however many operators carry it.
 *
 * <p>Every operator that reads the campaigns gets them in its serialized closure, and every parallel task
 * deserializes its own. A catalog of a million items is about 150 MB on the heap, so a dozen copies would not fit.
 * This map is written compactly (a few dozen bytes per item) with a digest of its content, and read back as the one
 * instance this JVM already holds for that digest, if any: the bytes are read and dropped, the items not built again.
 *
 * <p>Where the jobs of this process run in it (embedded Flink), even the bytes are too many: the job graph keeps a
 * serialized copy of each operator for every task, so a dozen operators carrying an 8 MB catalog hold hundreds of
 * megabytes. After {@link #writeByReference()} a catalog is written as its digest alone, and read back as the
 * instance this JVM holds; a JVM that does not hold it refuses to read it.
 */
public final class ItemCatalog extends AbstractMap<String, ItemSettings> implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The catalogs this JVM holds, by digest; an entry goes when no campaign uses its catalog any more. */
    private static final Map<String, WeakReference<ItemCatalog>> HELD = new ConcurrentHashMap<>();
    private static final ItemCatalog EMPTY = new ItemCatalog(Map.of());

    /** Set once this process runs its jobs itself; never unset. */
    private static volatile boolean byReference;

    private final transient Map<String, ItemSettings> items;
    /** This catalog's written form, made once. */
    private transient volatile Compact written;

    private ItemCatalog(Map<String, ItemSettings> items) {
        this.items = items;
    }

    /** The items, keyed by item id. */
    public static ItemCatalog of(Map<String, ItemSettings> items) {
        if (items instanceof ItemCatalog catalog) {
            return catalog;
        }
        return items.isEmpty() ? EMPTY : new ItemCatalog(Collections.unmodifiableMap(new HashMap<>(items)));
    }

    @Override
    public ItemSettings get(Object itemId) {
        return items.get(itemId);
    }

    @Override
    public boolean containsKey(Object itemId) {
        return items.containsKey(itemId);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public Set<Entry<String, ItemSettings>> entrySet() {
        return items.entrySet();
    }

    /**
     * From now on, catalogs are written as their digest alone, to be read back in this JVM only: for a process whose
     * jobs run in it (a local environment), never for one that submits them to a cluster.
     */
    public static void writeByReference() {
        byReference(true);
    }

    /** For tests: switches writing by reference on or off. */
    static void byReference(boolean on) {
        byReference = on;
    }

    /** For tests: this JVM forgets the catalogs it holds, as another JVM that never held them. */
    static synchronized void forgetAll() {
        HELD.clear();
    }

    @Serial
    private Object writeReplace() {
        Compact form = written;
        if (form == null) {
            byte[] bytes = encode(items);
            form = new Compact(ContentDigest.sha256Hex(bytes), bytes);
            written = form;
        }
        if (byReference) {
            // Read back in this JVM, it is this instance, which the job's builder holds: an equal one held before
            // may be collected before the job reads its closures.
            heldAs(form.digest, this);
            return new Compact(form.digest, null);
        }
        hold(form.digest, this);
        return form;
    }

    private static synchronized ItemCatalog held(String digest) {
        WeakReference<ItemCatalog> held = HELD.get(digest);
        return held == null ? null : held.get();
    }

    /** Holds {@code catalog} under its digest unless an equal one is held already. */
    private static synchronized void hold(String digest, ItemCatalog catalog) {
        if (held(digest) == null) {
            heldAs(digest, catalog);
        }
    }

    private static synchronized void heldAs(String digest, ItemCatalog catalog) {
        HELD.values().removeIf(reference -> reference.get() == null);
        HELD.put(digest, new WeakReference<>(catalog));
    }

    /** The written form: the digest of the items and, unless written by reference, the items field by field. */
    private static final class Compact implements Serializable {
        @Serial
        private static final long serialVersionUID = 2L;

        private final String digest;
        private final byte[] bytes;

        Compact(String digest, byte[] bytes) {
            this.digest = digest;
            this.bytes = bytes;
        }

        @Serial
        private Object readResolve() throws InvalidObjectException {
            ItemCatalog catalog = held(digest);
            if (catalog != null) {
                return catalog;
            }
            if (bytes == null) {
                throw new InvalidObjectException("item catalog " + digest + " was written by reference, for the JVM "
                        + "that holds it, and this JVM does not");
            }
            if (bytes.length <= Integer.BYTES) {
                return EMPTY;
            }
            catalog = new ItemCatalog(Collections.unmodifiableMap(decode(bytes)));
            hold(digest, catalog);
            ItemCatalog first = held(digest); // another task may have decoded it at the same time
            return first != null ? first : catalog;
        }
    }

    private static final byte STOCK = 1;
    private static final byte SAFETY_STOCK = 2;
    private static final byte GMV_TARGET = 4;
    private static final byte KEY = 8;

    private static byte[] encode(Map<String, ItemSettings> items) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 + items.size() * 24);
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(items.size());
            // In item order, so that the same items always give the same bytes and digest.
            for (ItemSettings item : items.values().stream()
                    .sorted(Comparator.comparing(ItemSettings::itemId)).toList()) {
                out.writeUTF(item.itemId());
                byte fields = (byte) ((item.stock() != null ? STOCK : 0)
                        | (item.safetyStock() != null ? SAFETY_STOCK : 0)
                        | (item.gmvTargetCents() != null ? GMV_TARGET : 0)
                        | (item.key() ? KEY : 0));
                out.writeByte(fields);
                if (item.stock() != null) {
                    out.writeLong(item.stock());
                }
                if (item.safetyStock() != null) {
                    out.writeLong(item.safetyStock());
                }
                if (item.gmvTargetCents() != null) {
                    out.writeLong(item.gmvTargetCents());
                }
            }
            out.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, ItemSettings> decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int size = in.readInt();
            Map<String, ItemSettings> items = new HashMap<>((int) (size / 0.75f) + 1);
            for (int i = 0; i < size; i++) {
                String itemId = in.readUTF();
                byte fields = in.readByte();
                Long stock = (fields & STOCK) != 0 ? in.readLong() : null;
                Long safetyStock = (fields & SAFETY_STOCK) != 0 ? in.readLong() : null;
                Long gmvTarget = (fields & GMV_TARGET) != 0 ? in.readLong() : null;
                items.put(itemId, new ItemSettings(itemId, stock, safetyStock, gmvTarget, (fields & KEY) != 0));
            }
            return items;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
