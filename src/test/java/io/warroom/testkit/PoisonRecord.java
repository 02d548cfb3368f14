package io.warroom.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Records an upstream feed can put on a topic that no parser should survive unguarded, each with the dead-letter
 * reason the event contract (README, "Event contract") gives it. Built from a valid record of the same stream, so
 * they look like what a broken producer sends.
 */
public enum PoisonRecord {
    /** Cut off mid-record, as a producer that dies mid-write leaves it. */
    TRUNCATED_JSON("malformed_json"),
    /** A Latin-1 or cut multi-byte character inside a string value. */
    INVALID_UTF8("invalid_utf8"),
    /** 3,000 levels of arrays, a classic parser stack attack. */
    DEEP_NESTING("limit_exceeded"),
    /** A 5 MiB string: over the contract's 1 MiB limit, so refused before it is parsed. */
    HUGE_STRING("record_too_large"),
    /** A required field of the wrong JSON type ({@code "quantity": "2"}). */
    WRONG_TYPE("wrong_type"),
    /** The record wrapped in a JSON array. */
    JSON_ARRAY("not_an_object"),
    /** Zero bytes. */
    EMPTY("malformed_json"),
    /** A Kafka record whose value is null (a tombstone on a topic that is not compacted). */
    NULL_VALUE("malformed_json");

    public static final int NESTING_DEPTH = 3_000;
    public static final int HUGE_STRING_BYTES = 5 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String reason;

    PoisonRecord(String reason) {
        this.reason = reason;
    }

    /** The contract's reject reason for this kind of record. */
    public String reason() {
        return reason;
    }

    /** The poison made from {@code valid}, a valid record of {@code stream}; null for {@link #NULL_VALUE}. */
    public byte[] from(StreamKind stream, byte[] valid, Random random) {
        return switch (this) {
            case TRUNCATED_JSON -> truncate(valid, random);
            case INVALID_UTF8 -> invalidUtf8(valid, random);
            case DEEP_NESTING -> deepNesting(valid);
            case HUGE_STRING -> huge(valid);
            case WRONG_TYPE -> wrongType(stream, valid);
            case JSON_ARRAY -> concat("[".getBytes(StandardCharsets.US_ASCII), valid,
                    "]".getBytes(StandardCharsets.US_ASCII));
            case EMPTY -> new byte[0];
            case NULL_VALUE -> null;
        };
    }

    /** A prefix of an object is never a whole JSON value; cut between characters so it stays valid UTF-8. */
    private static byte[] truncate(byte[] valid, Random random) {
        int cut = 1 + random.nextInt(valid.length - 1);
        while (cut > 1 && (valid[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return Arrays.copyOf(valid, cut);
    }

    private static byte[] invalidUtf8(byte[] valid, Random random) {
        byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC0, (byte) 0xAF}};
        byte[] insert = bad[random.nextInt(bad.length)];
        int at = indexOf(valid, ":\"") + 2;
        return concat(Arrays.copyOf(valid, at), insert, Arrays.copyOfRange(valid, at, valid.length));
    }

    /** The valid record with an unknown field holding the nesting: unknown fields must be well-formed too. */
    private static byte[] deepNesting(byte[] valid) {
        String nested = "[".repeat(NESTING_DEPTH) + "]".repeat(NESTING_DEPTH);
        String text = new String(valid, StandardCharsets.UTF_8);
        return (text.substring(0, text.length() - 1) + ",\"attributes\":" + nested + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] huge(byte[] valid) {
        String text = new String(valid, StandardCharsets.UTF_8);
        return (text.substring(0, text.length() - 1) + ",\"user_agent\":\"" + "x".repeat(HUGE_STRING_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wrongType(StreamKind stream, byte[] valid) {
        ObjectNode record;
        try {
            record = (ObjectNode) JSON.readTree(valid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        switch (stream) {
            // Numbers as text, the classic: "quantity": "2", "stock": "40".
            case CART -> record.put("quantity", record.get("quantity").asText());
            case INVENTORY -> record.put("stock", record.get("stock").asText());
            case CLICK -> record.put("user_id", 42);
            case ORDER -> {
                JsonNode lines = record.get("lines");
                record.put("lines", lines.toString());
            }
        }
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] bytes, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
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

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] result = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, result, at, part.length);
            at += part.length;
        }
        return result;
    }
}
