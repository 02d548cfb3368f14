package io.warroom.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.warroom.model.StreamKind;
import io.warroom.serde.Utf8;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * The floor's parser: one record of the event contract (README, "Event contract") read with a plain Jackson
 * streaming {@link JsonParser} into reused fields, the way a hand-written loop would, and accepted or refused by the
 * same rules as the pipeline's parser. It only decides accept or refuse (the floor counts refusals, not their
 * reasons), so it stops reading a record at its first violation.
 *
 * <p>It deliberately shares no code with {@code io.warroom.serde.EventParser}, so that the benchmark's cross-check is
 * an independent reading of the contract; only the RFC 3629 check {@link Utf8} is reused.
 */
final class FloorParser {
    static final int MAX_RECORD_BYTES = 1024 * 1024;
    static final int MAX_ID_LENGTH = 512;
    static final int MAX_ORDER_LINES = 1000;
    static final long MAX_QUANTITY = 1_000_000_000L;
    static final long MAX_STOCK = 1_000_000_000_000L;
    static final long MIN_TS = -62135596800000L;
    static final long MAX_TS = 253402300799999L;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxStringLength(64 * 1024)
                    .maxNumberLength(64)
                    .maxNameLength(1024)
                    .maxDocumentLength(4L * 1024 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // The last accepted record; valid until the next call of parse.
    String eventId;
    String orderId;
    String userId;
    String itemId;
    String status;
    long ts;
    long quantity;
    int lineCount;
    String[] lineItems = new String[4];
    long[] lineQuantities = new long[4];
    long[] lineCents = new long[4];
    long amountCents;

    private boolean hasTs;
    private boolean hasQuantity;
    private boolean hasStock;
    private boolean hasLines;

    /** Whether the record is valid for its stream; if so, its fields are in this object. */
    boolean parse(StreamKind stream, byte[] bytes, int length) {
        if (length > MAX_RECORD_BYTES) {
            return false;
        }
        byte[] record = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        if (!Utf8.isValid(record) || containsZeroByte(record)) {
            return false;
        }
        reset();
        try (JsonParser p = FACTORY.createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false; // empty, not an object, or not JSON: refused either way
            }
            if (!readFields(p, stream) || p.nextToken() != null) {
                return false;
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return complete(stream);
    }

    private void reset() {
        eventId = null;
        orderId = null;
        userId = null;
        itemId = null;
        status = null;
        hasTs = false;
        hasQuantity = false;
        hasStock = false;
        hasLines = false;
        lineCount = 0;
        amountCents = 0;
    }

    /** Reads the top-level object up to its end; false at the first field that breaks the contract. */
    private boolean readFields(JsonParser p, StreamKind stream) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            if (t == JsonToken.VALUE_NULL && !"channel".equals(name)) {
                continue; // null counts as missing; required fields are checked at the end
            }
            boolean valid = switch (stream) {
                case CLICK -> switch (name) {
                    case "event_id" -> (eventId = id(p, t)) != null;
                    case "ts" -> timestamp(p, t);
                    case "user_id" -> (userId = id(p, t)) != null;
                    case "item_id" -> (itemId = id(p, t)) != null;
                    case "channel" -> optionalText(p, t);
                    default -> skip(p);
                };
                case CART -> switch (name) {
                    case "event_id" -> (eventId = id(p, t)) != null;
                    case "ts" -> timestamp(p, t);
                    case "user_id" -> (userId = id(p, t)) != null;
                    case "item_id" -> (itemId = id(p, t)) != null;
                    case "quantity" -> (hasQuantity = (quantity = integer(p, t, 1, MAX_QUANTITY)) > 0);
                    default -> skip(p);
                };
                case ORDER -> switch (name) {
                    case "order_id" -> (orderId = id(p, t)) != null;
                    case "ts" -> timestamp(p, t);
                    case "user_id" -> (userId = id(p, t)) != null;
                    case "status" -> (status = status(p, t)) != null;
                    case "lines" -> lines(p, t);
                    default -> skip(p);
                };
                case INVENTORY -> switch (name) {
                    case "ts" -> timestamp(p, t);
                    case "item_id" -> (itemId = id(p, t)) != null;
                    case "stock" -> (hasStock = integer(p, t, 0, MAX_STOCK) >= 0);
                    default -> skip(p);
                };
            };
            if (!valid) {
                return false;
            }
        }
        return t == JsonToken.END_OBJECT;
    }

    private boolean complete(StreamKind stream) {
        return switch (stream) {
            case CLICK -> eventId != null && hasTs && userId != null && itemId != null;
            case CART -> eventId != null && hasTs && userId != null && itemId != null && hasQuantity;
            case ORDER -> orderId != null && hasTs && userId != null && status != null && hasLines;
            case INVENTORY -> hasTs && itemId != null && hasStock;
        };
    }

    /**
     * Reads past a value the stream does not use. Decimals in it are still converted, as the pipeline's tree
     * parser converts every decimal (exactly): a number it cannot represent refuses the record there too.
     */
    private static boolean skip(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            p.getDecimalValue();
        } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            int depth = 1;
            while (depth > 0) {
                t = p.nextToken();
                if (t == null) {
                    throw new IOException("record ends inside a value");
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    p.getDecimalValue();
                }
            }
        }
        return true;
    }

    /** A required id: a non-empty string of at most 512 characters; null if it is not. */
    private static String id(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            return null;
        }
        String value = p.getText();
        return value.isEmpty() || value.length() > MAX_ID_LENGTH ? null : value;
    }

    private static boolean optionalText(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return true;
        }
        return t == JsonToken.VALUE_STRING && p.getText().length() <= MAX_ID_LENGTH;
    }

    private static String status(JsonParser p, JsonToken t) throws IOException {
        String value = id(p, t);
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "created", "paid", "cancelled", "refunded" -> value;
            default -> null;
        };
    }

    private boolean timestamp(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return false;
            }
            ts = p.getLongValue();
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                ts = OffsetDateTime.parse(p.getText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                        .toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                return false;
            }
        } else {
            return false;
        }
        hasTs = ts >= MIN_TS && ts <= MAX_TS;
        return hasTs;
    }

    /** An integer in {@code [min, max]}, or -1. */
    private static long integer(JsonParser p, JsonToken t, long min, long max) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return -1;
        }
        long value = p.getLongValue();
        return value < min || value > max ? -1 : value;
    }

    private boolean lines(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            return false;
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT || lineCount == MAX_ORDER_LINES || !line(p)) {
                return false;
            }
        }
        hasLines = lineCount > 0;
        return hasLines;
    }

    /** One order line, appended to the line arrays; adds to the order's amount with overflow checks. */
    private boolean line(JsonParser p) throws IOException {
        String item = null;
        long q = -1;
        long cents = -1;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "item_id" -> {
                    if ((item = id(p, t)) == null) {
                        return false;
                    }
                }
                case "quantity" -> {
                    if ((q = integer(p, t, 1, MAX_QUANTITY)) < 0) {
                        return false;
                    }
                }
                case "unit_price" -> {
                    if ((cents = priceCents(p, t)) < 0) {
                        return false;
                    }
                }
                default -> skip(p);
            }
        }
        if (item == null || q < 0 || cents < 0) {
            return false;
        }
        try {
            amountCents = Math.addExact(amountCents, Math.multiplyExact(q, cents));
        } catch (ArithmeticException e) {
            return false;
        }
        if (lineCount == lineItems.length) {
            lineItems = Arrays.copyOf(lineItems, lineCount * 2);
            lineQuantities = Arrays.copyOf(lineQuantities, lineCount * 2);
            lineCents = Arrays.copyOf(lineCents, lineCount * 2);
        }
        lineItems[lineCount] = item;
        lineQuantities[lineCount] = q;
        lineCents[lineCount] = cents;
        lineCount++;
        return true;
    }

    /**
     * A unit price in exact cents, or -1: a JSON number, or a string of 1-15 digits with an optional fraction of
     * 1-15 digits; either way non-negative with at most two fraction digits by value ({@code 19.900} is fine).
     */
    private static long priceCents(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String text = p.getText();
            return plainPriceText(text) ? plainCents(text) : -1;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            return -1;
        }
        String text = p.getText();
        if (plainPriceText(text)) {
            return plainCents(text);
        }
        return decimalCents(p.getDecimalValue()); // exponents and negatives
    }

    /** {@code \d{1,15}(\.\d{1,15})?} */
    private static boolean plainPriceText(String text) {
        int n = text.length();
        int i = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 15) {
            return false;
        }
        if (i == n) {
            return true;
        }
        if (text.charAt(i) != '.') {
            return false;
        }
        int fraction = n - i - 1;
        if (fraction < 1 || fraction > 15) {
            return false;
        }
        for (int k = i + 1; k < n; k++) {
            if (!isDigit(text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Cents of a plain price text; -1 when a fraction digit past the second is not zero. */
    private static long plainCents(String text) {
        long cents = 0;
        int i = 0;
        int n = text.length();
        while (i < n && text.charAt(i) != '.') {
            cents = cents * 10 + (text.charAt(i++) - '0');
        }
        cents *= 100;
        if (i < n) {
            i++;
            if (i < n) {
                cents += 10L * (text.charAt(i++) - '0');
            }
            if (i < n) {
                cents += text.charAt(i++) - '0';
            }
            while (i < n) {
                if (text.charAt(i++) != '0') {
                    return -1;
                }
            }
        }
        return cents;
    }

    private static long decimalCents(BigDecimal value) {
        if (value.signum() < 0 || (value.scale() > 2 && value.stripTrailingZeros().scale() > 2)) {
            return -1;
        }
        try {
            return value.movePointRight(2).longValueExact();
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean containsZeroByte(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }
}
