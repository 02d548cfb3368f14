package io.warroom.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.io.FileInputs;
import io.warroom.model.StreamKind;
import io.warroom.serde.Utf8;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Rewrites a bench input so that its traffic spreads over items in a chosen way, for the skew comparison: every
 * click and cart, and every order line, gets an item chosen by a hash of its own id (the event id; the order id and
 * the line's original item), so copies of an event, and a line in all events of its order (a partial refund
 * included), keep one item. {@link #uniform} spreads evenly
 * over the catalog; {@link #hot} sends half of everything to one item and spreads the rest evenly. Everything else
 * stays as it was: the same records in the same order, the same users, times and prices; malformed records and
 * inventory are copied unchanged. Both variants of one input therefore have exactly the same size.
 */
final class ItemReassignment {
    private static final String MARKER = "rewritten.txt";
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Prices written as numbers keep their digits: 19.90 stays 19.90.
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .build();

    private final int items;
    private final String hotItem;
    private final double hotShare;

    private ItemReassignment(int items, String hotItem, double hotShare) {
        this.items = items;
        this.hotItem = hotItem;
        this.hotShare = hotShare;
    }

    /** Every item equally likely ({@code sku-1} .. {@code sku-N}). */
    static ItemReassignment uniform(int items) {
        return new ItemReassignment(items, null, 0);
    }

    /** {@code share} of all clicks, carts and order lines on {@code hotItem}, the rest uniform. */
    static ItemReassignment hot(int items, String hotItem, double share) {
        return new ItemReassignment(items, hotItem, share);
    }

    /** Writes the rewritten input into {@code folder}, unless a complete copy is there already. */
    BenchInput rewrite(BenchInput input, Path folder) throws IOException {
        Path marker = folder.resolve(MARKER);
        if (!Files.exists(marker)) {
            Files.createDirectories(folder);
            for (FileInputs.InputFile file : input.files().files()) {
                Path target = folder.resolve(file.stream().defaultName() + ".jsonl");
                try (JsonLineReader lines = new JsonLineReader(file.path());
                        OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
                    while (lines.next()) {
                        byte[] line = Arrays.copyOf(lines.bytes(), lines.length());
                        out.write(rewrite(file.stream(), line));
                        out.write('\n');
                    }
                }
            }
            Files.writeString(marker, input.records() + "\n", StandardCharsets.UTF_8);
        }
        return input.rewrittenInto(folder, input.records());
    }

    /** The record with its items reassigned, or unchanged when it is not a well-formed record to reassign. */
    byte[] rewrite(StreamKind stream, byte[] record) {
        if (stream == StreamKind.INVENTORY || !Utf8.isValid(record)) {
            return record;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(record);
        } catch (IOException e) {
            return record;
        }
        if (!(root instanceof ObjectNode o)) {
            return record;
        }
        if (stream == StreamKind.ORDER) {
            JsonNode orderId = o.get("order_id");
            JsonNode lines = o.get("lines");
            if (orderId == null || !orderId.isTextual() || lines == null || !lines.isArray()) {
                return record;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i) instanceof ObjectNode line && line.path("item_id").isTextual()) {
                    line.put("item_id", itemFor(orderId.textValue() + "#" + line.get("item_id").textValue()));
                }
            }
        } else {
            JsonNode eventId = o.get("event_id");
            if (eventId == null || !eventId.isTextual() || !o.path("item_id").isTextual()) {
                return record;
            }
            o.put("item_id", itemFor(eventId.textValue()));
        }
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            return record;
        }
    }

    String itemFor(String key) {
        long h = mix(fnv1a(key));
        if (hotItem != null && (h >>> 11) * 0x1.0p-53 < hotShare) {
            return hotItem;
        }
        return "sku-" + (1 + Math.floorMod(mix(h ^ 0x9E3779B97F4A7C15L), items));
    }

    private static long fnv1a(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finalizer: spreads nearby keys over all bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
