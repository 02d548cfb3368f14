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
 * handful of keys, so each open object keeps its keys in an array searched from the start, and only an object of
 * more than {@link #SMALL} keys gets a set. Jackson's sets were a seventh of all the memory a replay allocated.
 *
 * <p>Only {@link #nextToken} and {@link #nextFieldName} advance it, which is all {@link EventParser} calls.
 */
final class DuplicateKeyCheckingParser extends JsonParserDelegate {
    private static final int SMALL = 16;

    /** Keys of each open object, outermost first; the parser's own limit bounds the depth. */
    private String[][] keys = new String[4][SMALL];
    private int[] counts = new int[4];
    /** Keys of an open object once it outgrew its array, by depth; null until then. */
    private Set<String>[] large = newSets(4);
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
            open();
        } else if (token == JsonToken.END_OBJECT) {
            large[depth] = null;
            depth--;
        } else if (token == JsonToken.FIELD_NAME) {
            add(delegate.currentName());
        }
        return token;
    }

    private void open() {
        depth++;
        if (depth == counts.length) {
            keys = Arrays.copyOf(keys, depth * 2);
            counts = Arrays.copyOf(counts, depth * 2);
            large = Arrays.copyOf(large, depth * 2);
            for (int d = depth; d < keys.length; d++) {
                keys[d] = new String[SMALL];
            }
        }
        counts[depth] = 0;
    }

    private void add(String name) throws JsonParseException {
        Set<String> set = large[depth];
        if (set != null) {
            if (!set.add(name)) {
                throw duplicate(name);
            }
            return;
        }
        String[] names = keys[depth];
        int count = counts[depth];
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                throw duplicate(name);
            }
        }
        if (count < SMALL) {
            names[count] = name;
            counts[depth] = count + 1;
        } else {
            set = new HashSet<>(Arrays.asList(names));
            set.add(name);
            large[depth] = set;
        }
    }

    private JsonParseException duplicate(String name) {
        return new JsonParseException(delegate, "Duplicate field '" + name + "'");
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] newSets(int n) {
        return (Set<String>[]) new Set<?>[n];
    }
}
