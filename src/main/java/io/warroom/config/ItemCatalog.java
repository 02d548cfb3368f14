package io.warroom.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
 */
public final class ItemCatalog extends AbstractMap<String, ItemSettings> implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The catalogs this JVM holds, by digest; an entry goes when no campaign uses its catalog any more. */
    private static final Map<String, WeakReference<ItemCatalog>> HELD = new ConcurrentHashMap<>();
    private static final ItemCatalog EMPTY = new ItemCatalog(Map.of());

    private final transient Map<String, ItemSettings> items;

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

    @Serial
    private Object writeReplace() {
        return new Compact(encode(items));
    }

    /** The written form: the items, field by field. */
    private static final class Compact implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private final byte[] bytes;

        Compact(byte[] bytes) {
            this.bytes = bytes;
        }

        @Serial
        private Object readResolve() {
            if (bytes.length <= Integer.BYTES) {
                return EMPTY;
            }
            String digest = ContentDigest.sha256Hex(bytes);
            WeakReference<ItemCatalog> held = HELD.get(digest);
            ItemCatalog catalog = held == null ? null : held.get();
            if (catalog == null) {
                catalog = new ItemCatalog(Collections.unmodifiableMap(decode(bytes)));
                HELD.values().removeIf(reference -> reference.get() == null);
                HELD.put(digest, new WeakReference<>(catalog));
            }
            return catalog;
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
