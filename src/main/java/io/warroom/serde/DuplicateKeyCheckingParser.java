package io.warroom.serde;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A parser that fails on a key repeated within one object, at that key, as Jackson's
 * {@code STRICT_DUPLICATE_DETECTION} does, without its hash set per object: the objects of an event record have a
 * handful of keys, so the keys of the open objects sit in one array, each object's after its parent's, and a key is
 * searched among its own object's; only an object of more than {@link #SMALL} keys gets a set. Jackson's sets were a
 * seventh of all the memory a replay allocated.
 *
 * <p>Only {@link #nextToken} and {@link #nextFieldName} advance it, which is all {@link EventParser} calls.
 */
final class DuplicateKeyCheckingParser extends JsonParserDelegate {
    private static final int SMALL = 16;

    /** The keys of the open objects, outermost first; {@code keyCount} of them are in use. */
    private String[] keys = new String[8];
    private int keyCount;
    /** Where each open object's keys start in {@link #keys}, by depth; the parser's own limit bounds the depth. */
    private int[] firstKey = new int[4];
    /**
     * The keys of an open object once it outgrew {@link #SMALL}, by depth (as long as {@link #firstKey}); null until
     * some object did.
     */
    private Set<String>[] large;
    private int depth = -1;

    DuplicateKeyCheckingParser(JsonParser parser) {
        super(parser);
    }

    @Override
    public JsonToken nextToken() throws IOException {
        return track(delegate.nextToken());
    }

    @Override
    public String nextFieldName() throws IOException {
        String name = delegate.nextFieldName();
        if (name != null) {
            add(name);
        } else {
            track(delegate.currentToken());
        }
        return name;
    }

    private JsonToken track(JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            depth++;
            if (depth == firstKey.length) {
                firstKey = Arrays.copyOf(firstKey, depth * 2);
                large = large == null ? null : Arrays.copyOf(large, depth * 2);
            }
            firstKey[depth] = keyCount;
        } else if (token == JsonToken.END_OBJECT) {
            keyCount = firstKey[depth];
            if (large != null) {
                large[depth] = null;
            }
            depth--;
        } else if (token == JsonToken.FIELD_NAME) {
            add(delegate.currentName());
        }
        return token;
    }

    private void add(String name) throws JsonParseException {
        Set<String> set = large != null ? large[depth] : null;
        if (set != null) {
            if (!set.add(name)) {
                throw duplicate(name);
            }
            return;
        }
        int first = firstKey[depth];
        for (int i = first; i < keyCount; i++) {
            if (keys[i].equals(name)) {
                throw duplicate(name);
            }
        }
        if (keyCount - first < SMALL) {
            if (keyCount == keys.length) {
                keys = Arrays.copyOf(keys, keyCount * 2);
            }
            keys[keyCount++] = name;
            return;
        }
        // From here on this object's keys are in a set; the array keeps the first ones for its nested objects to
        // start after.
        set = new HashSet<>(Arrays.asList(keys).subList(first, keyCount));
        set.add(name);
        if (large == null) {
            large = newSets(firstKey.length);
        }
        large[depth] = set;
    }

    private JsonParseException duplicate(String name) {
        return new JsonParseException(delegate, "Duplicate field '" + name + "'");
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] newSets(int n) {
        return (Set<String>[]) new Set<?>[n];
    }
}
