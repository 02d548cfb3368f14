package io.warroom.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.StreamKind;
import io.warroom.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Breaks a valid record the ways real feeds break: cut off mid-record, trailing garbage, not an object, a required
 * field missing, empty, of the wrong type or with an impossible value (bad status, zero quantity, negative stock,
 * three-decimal price, timestamp without offset), or bytes that are not UTF-8. Every result is refused by the event
 * contract, and none contains a line break, so it stays one line of a {@code .jsonl} file.
 */
final class Malformer {
    /** The ways a record can be broken. */
    enum Flaw {
        NOT_JSON,
        NOT_AN_OBJECT,
        MISSING_FIELD,
        EMPTY_FIELD,
        WRONG_TYPE,
        INVALID_VALUE,
        INVALID_UTF8
    }

    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}
    };

    private Malformer() {}

    static byte[] corrupt(SaleEvent event, SplittableRandom random) {
        Flaw[] flaws = Flaw.values();
        return corrupt(event, flaws[random.nextInt(flaws.length)], random);
    }

    static byte[] corrupt(SaleEvent event, Flaw flaw, SplittableRandom random) {
        byte[] bytes = event.value();
        return switch (flaw) {
            case NOT_JSON -> notJson(bytes, random);
            case NOT_AN_OBJECT -> concat(ascii("["), bytes, ascii("]"));
            case MISSING_FIELD -> edit(bytes, o -> o.remove(pick(requiredFields(event.stream()), random)));
            case EMPTY_FIELD -> edit(bytes, o -> o.put(pick(idFields(event.stream()), random), ""));
            case WRONG_TYPE -> edit(bytes, o -> wrongType(o, pick(requiredFields(event.stream()), random)));
            case INVALID_VALUE -> edit(bytes, o -> invalidValue(o, event.stream(), random));
            case INVALID_UTF8 -> invalidUtf8(bytes, random);
        };
    }

    private static byte[] notJson(byte[] bytes, SplittableRandom random) {
        return switch (random.nextInt(3)) {
            // A prefix of an object is never a complete JSON value.
            case 0 -> Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1));
            case 1 -> concat(bytes, ascii("}"));
            default -> ascii("upstream timeout after 3000 ms");
        };
    }

    private static void wrongType(ObjectNode o, String field) {
        JsonNode value = o.get(field);
        switch (field) {
            case "ts" -> o.put(field, true);
            // Numbers quoted as text are the classic wrong type: "quantity": "2".
            case "quantity", "stock" -> o.put(field, value.asText());
            case "lines" -> o.put(field, value.toString());
            default -> o.put(field, 42);
        }
    }

    private static void invalidValue(ObjectNode o, StreamKind stream, SplittableRandom random) {
        if (random.nextBoolean()) {
            o.put("ts", "2026-11-11T00:00:01"); // no offset: ambiguous, refused
            return;
        }
        switch (stream) {
            case CLICK -> o.put("ts", 253402300800000L); // after year 9999
            case CART -> o.put("quantity", random.nextBoolean() ? 0 : -1);
            case INVENTORY -> o.put("stock", -1 - random.nextInt(20));
            case ORDER -> {
                if (random.nextBoolean()) {
                    o.put("status", random.nextBoolean() ? "PAID" : "shipped");
                } else {
                    ((ObjectNode) ((ArrayNode) o.get("lines")).get(0)).put("unit_price", "19.905");
                }
            }
        }
    }

    private static byte[] invalidUtf8(byte[] bytes, SplittableRandom random) {
        byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        // Inside a string value, as when a client encodes a user name in Latin-1 or cuts a multi-byte character.
        int at = indexOf(bytes, ":\"") + 2;
        byte[] result = new byte[bytes.length + bad.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(bad, 0, result, at, bad.length);
        System.arraycopy(bytes, at, result, at + bad.length, bytes.length - at);
        return result;
    }

    private static List<String> requiredFields(StreamKind stream) {
        return switch (stream) {
            case CLICK -> List.of("event_id", "ts", "user_id", "item_id");
            case CART -> List.of("event_id", "ts", "user_id", "item_id", "quantity");
            case ORDER -> List.of("order_id", "ts", "user_id", "status", "lines");
            case INVENTORY -> List.of("ts", "item_id", "stock");
        };
    }

    private static List<String> idFields(StreamKind stream) {
        return switch (stream) {
            case CLICK, CART -> List.of("event_id", "user_id", "item_id");
            case ORDER -> List.of("order_id", "user_id");
            case INVENTORY -> List.of("item_id");
        };
    }

    private interface Edit {
        void apply(ObjectNode record);
    }

    private static byte[] edit(byte[] bytes, Edit edit) {
        ObjectNode record;
        try {
            record = (ObjectNode) Json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("a generated record is not JSON", e);
        }
        edit.apply(record);
        return Json.toBytes(record);
    }

    private static String pick(List<String> values, SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }

    private static int indexOf(byte[] bytes, String ascii) {
        byte[] needle = ascii(ascii);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (bytes[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("record has no string value");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] result = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, result, at, part.length);
            at += part.length;
        }
        return result;
    }
}
