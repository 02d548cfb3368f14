package io.warroom.serde;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.InventoryEvent;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Turns one raw record of the event contract (v1) into an event, or into a {@link RejectedRecord} that says why
 * not. It never throws for bad input: whatever arrives on a topic or a line of a file ends up as one or the other.
 * Unknown fields are ignored, though like the rest of the record they must be well-formed JSON within the limits
 * of {@link Json}.
 *
 * <p>A record with several faults gets the reason of the first check it fails, in this order: its size; UTF-8, then
 * a zero byte; JSON syntax, duplicate keys and limits anywhere in the record; whether it is an object; and then the
 * contract's fields in a fixed order per stream, wherever they stand in the record:
 *
 * <ul>
 *   <li>click: channel, event_id, ts, user_id, item_id;
 *   <li>cart: event_id, ts, user_id, item_id, quantity;
 *   <li>order: order_id, ts, user_id, status, lines (an array, not empty, not too long), then line by line its
 *       item_id, quantity and unit_price and the order's amount so far;
 *   <li>inventory: ts, item_id, stock.
 * </ul>
 *
 * <p>Records are read in one streaming pass, straight into the event, without building a tree. Thread-safe.
 */
public final class EventParser {
    public static final int MAX_RECORD_BYTES = 1024 * 1024;
    public static final int MAX_ID_LENGTH = 512;
    public static final int MAX_ORDER_LINES = 1000;
    public static final long MAX_QUANTITY = 1_000_000_000L;
    public static final long MAX_STOCK = 1_000_000_000_000L;
    /** Dead-letter records keep at most this much of the payload. */
    public static final int MAX_KEPT_PAYLOAD = 16 * 1024;

    /** Digits per side of a price given as text: enough for any real price, few enough that cents fit a long. */
    private static final int MAX_PRICE_TEXT_DIGITS = 15;

    private EventParser() {}

    public static InputRecord parse(StreamKind stream, byte[] bytes, String origin) {
        if (bytes == null) {
            return reject(stream, origin, new byte[0], RejectReason.MALFORMED_JSON, "record has no value");
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            return reject(stream, origin, bytes, RejectReason.RECORD_TOO_LARGE,
                    "record is " + bytes.length + " bytes, the limit is " + MAX_RECORD_BYTES);
        }
        switch (Utf8.scan(bytes)) {
            case INVALID:
                return reject(stream, origin, bytes, RejectReason.INVALID_UTF8, "record is not valid UTF-8");
            case VALID_WITH_ZERO_BYTE:
                // UTF-8 JSON never holds a raw zero byte; UTF-16 or UTF-32 text does, and Jackson would guess it.
                return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is not UTF-8 JSON");
            case VALID:
                break;
        }
        RecordFields fields = switch (stream) {
            case CLICK -> new ClickFields();
            case CART -> new CartFields();
            case ORDER -> new OrderFields();
            case INVENTORY -> new InventoryFields();
        };
        try (JsonParser p = Json.parser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is empty");
            }
            if (first == JsonToken.START_OBJECT) {
                fields.readObject(p);
            } else {
                skipValue(p);
            }
            if (p.nextToken() != null) {
                return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is not well-formed JSON");
            }
            if (first != JsonToken.START_OBJECT) {
                return reject(stream, origin, bytes, RejectReason.NOT_AN_OBJECT, "record is not a JSON object");
            }
        } catch (StreamConstraintsException | NumberFormatException e) {
            // Jackson reports an exponent beyond int range as a NumberFormatException: an oversized number.
            return reject(stream, origin, bytes, RejectReason.LIMIT_EXCEEDED, "record exceeds a size or nesting limit");
        } catch (JsonProcessingException e) {
            return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is not well-formed JSON");
        } catch (IOException e) {
            return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record could not be read");
        }
        return fields.result(stream, origin, bytes);
    }

    /**
     * Reads past the value the parser is on, holding it to the same limits as the values the contract reads: every
     * string is materialized, because that is when Jackson checks the string length limit, and every decimal is
     * converted, because that is when an exponent beyond int range shows up. Integers need neither: their digits
     * are counted as they are read.
     */
    private static void skipValue(JsonParser p) throws IOException {
        int depth = 0;
        JsonToken token = p.currentToken();
        while (true) {
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                default -> {}
            }
            if (depth == 0) {
                return;
            }
            token = next(p);
        }
    }

    /** The next token inside a value, where the end of input is an error (Jackson reports it; this makes sure). */
    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null) {
            throw new JsonParseException(p, "unexpected end of input inside a value");
        }
        return token;
    }

    /**
     * The contract fields of one record, filled in as the pass meets them. A fault in a field is held, not thrown:
     * a syntax error further on must still win, and of several faulty fields the one that comes first in the
     * stream's order of checks wins wherever it stands in the record. Each check has a rank, its place in that
     * order.
     */
    private abstract static class RecordFields {
        /** A number field that was absent, null or at fault: no accepted ts, quantity, stock or price is this small. */
        static final long ABSENT = Long.MIN_VALUE;

        private int faultRank = Integer.MAX_VALUE;
        private RejectReason faultReason;
        private String faultDetail;

        /** Reads the fields of the record's object; the parser is on its start and is left on its end. */
        final void readObject(JsonParser p) throws IOException {
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                next(p);
                readField(name, p);
            }
        }

        /** Reads the value of field {@code name}, the parser being on its first token; skips an unknown field. */
        abstract void readField(String name, JsonParser p) throws IOException;

        /** Faults the required fields that were absent or null. */
        abstract void requirePresentFields();

        /** The event, called only when no field is at fault. */
        abstract InputRecord event();

        final InputRecord result(StreamKind stream, String origin, byte[] bytes) {
            requirePresentFields();
            return faultReason == null ? event() : reject(stream, origin, bytes, faultReason, faultDetail);
        }

        final void fault(int rank, RejectReason reason, String detail) {
            if (rank < faultRank) {
                faultRank = rank;
                faultReason = reason;
                faultDetail = detail;
            }
        }

        final void require(boolean present, int rank, String field) {
            if (!present) {
                fault(rank, RejectReason.MISSING_FIELD, "field '" + field + "' is missing");
            }
        }

        /**
         * A required non-empty string of at most {@link #MAX_ID_LENGTH} chars; null when absent or at fault. A string
         * of spaces is an id like any other: the contract asks for a non-empty string, and the reference computation
         * counts such events.
         */
        final String id(JsonParser p, int rank, String field) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_STRING) {
                skipValue(p);
                fault(rank, RejectReason.WRONG_TYPE, "field '" + field + "' must be a string");
                return null;
            }
            String value = p.getText();
            if (value.isEmpty()) {
                fault(rank, RejectReason.EMPTY_FIELD, "field '" + field + "' must not be empty");
                return null;
            }
            if (value.length() > MAX_ID_LENGTH) {
                fault(rank, RejectReason.LIMIT_EXCEEDED,
                        "field '" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
                return null;
            }
            return value;
        }

        /** An optional string; null when absent, null, blank or at fault. Unlike an id, length is checked first. */
        final String optionalText(JsonParser p, int rank, String field) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_STRING) {
                skipValue(p);
                fault(rank, RejectReason.WRONG_TYPE, "field '" + field + "' must be a string");
                return null;
            }
            String value = p.getText();
            if (value.length() > MAX_ID_LENGTH) {
                fault(rank, RejectReason.LIMIT_EXCEEDED,
                        "field '" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
                return null;
            }
            return value.isBlank() ? null : value;
        }

        /** Event time: integer epoch milliseconds or ISO-8601 text with offset, within {@link EventTime}'s range. */
        final long ts(JsonParser p, int rank) throws IOException {
            long ts;
            switch (p.currentToken()) {
                case VALUE_NULL:
                    return ABSENT;
                case VALUE_NUMBER_INT:
                    if (!fitsInLong(p)) {
                        fault(rank, RejectReason.INVALID_VALUE, "field 'ts' is out of range");
                        return ABSENT;
                    }
                    ts = p.getLongValue();
                    break;
                case VALUE_STRING:
                    try {
                        ts = EventTime.parseIso(p.getText());
                    } catch (IllegalArgumentException e) {
                        fault(rank, RejectReason.INVALID_VALUE, "field 'ts' " + e.getMessage());
                        return ABSENT;
                    }
                    break;
                default:
                    skipValue(p);
                    fault(rank, RejectReason.WRONG_TYPE,
                            "field 'ts' must be integer epoch milliseconds or an ISO-8601 string with offset");
                    return ABSENT;
            }
            if (!EventTime.inRange(ts)) {
                fault(rank, RejectReason.INVALID_VALUE, "field 'ts' is out of range");
                return ABSENT;
            }
            return ts;
        }

        /** A required positive JSON integer up to {@code max}. */
        final long positive(JsonParser p, int rank, String field, long max) throws IOException {
            return integer(p, rank, field, max, false);
        }

        /** A required JSON integer from zero up to {@code max}. */
        final long nonNegative(JsonParser p, int rank, String field, long max) throws IOException {
            return integer(p, rank, field, max, true);
        }

        /** A JSON integer token; a decimal is the wrong type even when whole (2.0). */
        private long integer(JsonParser p, int rank, String field, long max, boolean zeroAllowed) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return ABSENT;
            }
            if (token != JsonToken.VALUE_NUMBER_INT) {
                skipValue(p);
                fault(rank, RejectReason.WRONG_TYPE, "field '" + field + "' must be an integer");
                return ABSENT;
            }
            // Beyond a long is beyond any maximum.
            long value = fitsInLong(p) ? p.getLongValue() : Long.MAX_VALUE;
            if (value > max) {
                fault(rank, RejectReason.INVALID_VALUE, "field '" + field + "' must be at most " + max);
                return ABSENT;
            }
            if (zeroAllowed && value < 0) {
                fault(rank, RejectReason.INVALID_VALUE, "field '" + field + "' must not be negative");
                return ABSENT;
            }
            if (!zeroAllowed && value <= 0) {
                fault(rank, RejectReason.INVALID_VALUE, "field '" + field + "' must be a positive integer");
                return ABSENT;
            }
            return value;
        }

        /** Jackson types an integer token as a big integer exactly when it is outside the range of a long. */
        private static boolean fitsInLong(JsonParser p) throws IOException {
            return p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
        }
    }

    private static final class ClickFields extends RecordFields {
        // Ranks: the order of the checks (see the class comment). Channel has always been checked first.
        private static final int CHANNEL = 0;
        private static final int EVENT_ID = 1;
        private static final int TS = 2;
        private static final int USER_ID = 3;
        private static final int ITEM_ID = 4;

        private String channel;
        private String eventId;
        private long ts = ABSENT;
        private String userId;
        private String itemId;

        @Override
        void readField(String name, JsonParser p) throws IOException {
            switch (name) {
                case "channel" -> channel = optionalText(p, CHANNEL, "channel");
                case "event_id" -> eventId = id(p, EVENT_ID, "event_id");
                case "ts" -> ts = ts(p, TS);
                case "user_id" -> userId = id(p, USER_ID, "user_id");
                case "item_id" -> itemId = id(p, ITEM_ID, "item_id");
                default -> skipValue(p);
            }
        }

        @Override
        void requirePresentFields() {
            require(eventId != null, EVENT_ID, "event_id");
            require(ts != ABSENT, TS, "ts");
            require(userId != null, USER_ID, "user_id");
            require(itemId != null, ITEM_ID, "item_id");
        }

        @Override
        InputRecord event() {
            return InputRecord.of(new ClickEvent(eventId, ts, userId, itemId, channel == null ? "unknown" : channel));
        }
    }

    private static final class CartFields extends RecordFields {
        private static final int EVENT_ID = 0;
        private static final int TS = 1;
        private static final int USER_ID = 2;
        private static final int ITEM_ID = 3;
        private static final int QUANTITY = 4;

        private String eventId;
        private long ts = ABSENT;
        private String userId;
        private String itemId;
        private long quantity = ABSENT;

        @Override
        void readField(String name, JsonParser p) throws IOException {
            switch (name) {
                case "event_id" -> eventId = id(p, EVENT_ID, "event_id");
                case "ts" -> ts = ts(p, TS);
                case "user_id" -> userId = id(p, USER_ID, "user_id");
                case "item_id" -> itemId = id(p, ITEM_ID, "item_id");
                case "quantity" -> quantity = positive(p, QUANTITY, "quantity", MAX_QUANTITY);
                default -> skipValue(p);
            }
        }

        @Override
        void requirePresentFields() {
            require(eventId != null, EVENT_ID, "event_id");
            require(ts != ABSENT, TS, "ts");
            require(userId != null, USER_ID, "user_id");
            require(itemId != null, ITEM_ID, "item_id");
            require(quantity != ABSENT, QUANTITY, "quantity");
        }

        @Override
        InputRecord event() {
            return InputRecord.of(new CartEvent(eventId, ts, userId, itemId, quantity));
        }
    }

    private static final class InventoryFields extends RecordFields {
        private static final int TS = 0;
        private static final int ITEM_ID = 1;
        private static final int STOCK = 2;

        private long ts = ABSENT;
        private String itemId;
        private long stock = ABSENT;

        @Override
        void readField(String name, JsonParser p) throws IOException {
            switch (name) {
                case "ts" -> ts = ts(p, TS);
                case "item_id" -> itemId = id(p, ITEM_ID, "item_id");
                case "stock" -> stock = nonNegative(p, STOCK, "stock", MAX_STOCK);
                default -> skipValue(p);
            }
        }

        @Override
        void requirePresentFields() {
            require(ts != ABSENT, TS, "ts");
            require(itemId != null, ITEM_ID, "item_id");
            require(stock != ABSENT, STOCK, "stock");
        }

        @Override
        InputRecord event() {
            return InputRecord.of(new InventoryEvent(ts, itemId, stock));
        }
    }

    private static final class OrderFields extends RecordFields {
        private static final int ORDER_ID = 0;
        private static final int TS = 1;
        private static final int USER_ID = 2;
        private static final int STATUS = 3;
        private static final int LINES = 4;
        /** Line i's checks rank from {@code FIRST_LINE + i * CHECKS_PER_LINE}, in the order below. */
        private static final int FIRST_LINE = 5;
        private static final int CHECKS_PER_LINE = 4;
        private static final int LINE_ITEM_ID = 0;
        private static final int LINE_QUANTITY = 1;
        private static final int LINE_UNIT_PRICE = 2;
        private static final int LINE_AMOUNT = 3;

        private String orderId;
        private long ts = ABSENT;
        private String userId;
        private OrderStatus status;
        private boolean linesPresent;
        private final List<OrderLine> lines = new ArrayList<>(2);
        private long amountCents;

        @Override
        void readField(String name, JsonParser p) throws IOException {
            switch (name) {
                case "order_id" -> orderId = id(p, ORDER_ID, "order_id");
                case "ts" -> ts = ts(p, TS);
                case "user_id" -> userId = id(p, USER_ID, "user_id");
                case "status" -> status = status(p);
                case "lines" -> readLines(p);
                default -> skipValue(p);
            }
        }

        private OrderStatus status(JsonParser p) throws IOException {
            String text = id(p, STATUS, "status");
            if (text == null) {
                return null;
            }
            OrderStatus value = OrderStatus.fromWire(text);
            if (value == null) {
                fault(STATUS, RejectReason.INVALID_VALUE,
                        "field 'status' must be one of created, paid, cancelled, refunded");
            }
            return value;
        }

        private void readLines(JsonParser p) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return;
            }
            linesPresent = true;
            if (token != JsonToken.START_ARRAY) {
                skipValue(p);
                fault(LINES, RejectReason.WRONG_TYPE, "field 'lines' must be an array");
                return;
            }
            int count = 0;
            for (token = next(p); token != JsonToken.END_ARRAY; token = next(p)) {
                if (count < MAX_ORDER_LINES) {
                    readLine(p, count);
                } else {
                    // Past the limit the order is refused for its length, whatever the lines hold.
                    skipValue(p);
                }
                count++;
            }
            if (count == 0) {
                fault(LINES, RejectReason.EMPTY_FIELD, "field 'lines' must not be empty");
            } else if (count > MAX_ORDER_LINES) {
                fault(LINES, RejectReason.LIMIT_EXCEEDED, "an order has at most " + MAX_ORDER_LINES + " lines");
            }
        }

        private void readLine(JsonParser p, int index) throws IOException {
            int rank = FIRST_LINE + index * CHECKS_PER_LINE;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                skipValue(p);
                fault(rank + LINE_ITEM_ID, RejectReason.WRONG_TYPE, "lines[" + index + "] must be an object");
                return;
            }
            String itemId = null;
            long quantity = ABSENT;
            long unitPriceCents = ABSENT;
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                next(p);
                switch (name) {
                    case "item_id" -> itemId = id(p, rank + LINE_ITEM_ID, "item_id");
                    case "quantity" -> quantity = positive(p, rank + LINE_QUANTITY, "quantity", MAX_QUANTITY);
                    case "unit_price" -> unitPriceCents = unitPriceCents(p, rank + LINE_UNIT_PRICE);
                    default -> skipValue(p);
                }
            }
            require(itemId != null, rank + LINE_ITEM_ID, "item_id");
            require(quantity != ABSENT, rank + LINE_QUANTITY, "quantity");
            require(unitPriceCents != ABSENT, rank + LINE_UNIT_PRICE, "unit_price");
            if (itemId == null || quantity == ABSENT || unitPriceCents == ABSENT) {
                // This line's fault outranks anything later, so the amount no longer matters.
                return;
            }
            try {
                amountCents = Math.addExact(amountCents, Math.multiplyExact(quantity, unitPriceCents));
            } catch (ArithmeticException e) {
                fault(rank + LINE_AMOUNT, RejectReason.INVALID_VALUE, "order amount is too large");
                return;
            }
            lines.add(new OrderLine(itemId, quantity, unitPriceCents));
        }

        /**
         * A non-negative price with at most two fraction digits (counted by value), as a JSON number or as a
         * decimal string; in exact cents.
         */
        private long unitPriceCents(JsonParser p, int rank) throws IOException {
            BigDecimal value;
            switch (p.currentToken()) {
                case VALUE_NULL:
                    return ABSENT;
                case VALUE_STRING: {
                    String text = p.getText();
                    if (!isPlainDecimal(text, MAX_PRICE_TEXT_DIGITS)) {
                        fault(rank, RejectReason.INVALID_VALUE, "field 'unit_price' must be a non-negative decimal "
                                + "with at most 2 fraction digits");
                        return ABSENT;
                    }
                    return plainDecimalCents(text, rank);
                }
                case VALUE_NUMBER_FLOAT: {
                    String text = p.getText();
                    if (isPlainDecimal(text, Integer.MAX_VALUE)) {
                        return plainDecimalCents(text, rank);
                    }
                    // Outside the try below: an exponent beyond int range is an oversized number, not a bad price.
                    value = p.getDecimalValue();
                    break;
                }
                case VALUE_NUMBER_INT:
                    value = p.getDecimalValue();
                    break;
                default:
                    skipValue(p);
                    fault(rank, RejectReason.WRONG_TYPE, "field 'unit_price' must be a decimal string or number");
                    return ABSENT;
            }
            try {
                return Money.toCents(value);
            } catch (IllegalArgumentException e) {
                fault(rank, RejectReason.INVALID_VALUE, "field 'unit_price' " + e.getMessage());
                return ABSENT;
            }
        }

        private long plainDecimalCents(String text, int rank) {
            try {
                return Money.plainDecimalToCents(text);
            } catch (IllegalArgumentException e) {
                fault(rank, RejectReason.INVALID_VALUE, "field 'unit_price' " + e.getMessage());
                return ABSENT;
            }
        }

        @Override
        void requirePresentFields() {
            require(orderId != null, ORDER_ID, "order_id");
            require(ts != ABSENT, TS, "ts");
            require(userId != null, USER_ID, "user_id");
            require(status != null, STATUS, "status");
            require(linesPresent, LINES, "lines");
        }

        @Override
        InputRecord event() {
            return InputRecord.of(new OrderEvent(orderId, ts, userId, status, lines.toArray(new OrderLine[0])));
        }
    }

    /**
     * Whether {@code text} is 1 to {@code maxDigits} ASCII digits, optionally followed by a point and 1 to
     * {@code maxDigits} more: the regular expression {@code \d{1,n}(\.\d{1,n})?}, without a matcher per price.
     */
    private static boolean isPlainDecimal(String text, int maxDigits) {
        int length = text.length();
        int wholeEnd = digitsEnd(text, 0);
        if (wholeEnd == 0 || wholeEnd > maxDigits) {
            return false;
        }
        if (wholeEnd == length) {
            return true;
        }
        if (text.charAt(wholeEnd) != '.') {
            return false;
        }
        int fractionEnd = digitsEnd(text, wholeEnd + 1);
        int fractionDigits = fractionEnd - wholeEnd - 1;
        return fractionEnd == length && fractionDigits >= 1 && fractionDigits <= maxDigits;
    }

    private static int digitsEnd(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static InputRecord reject(
            StreamKind stream, String origin, byte[] bytes, RejectReason reason, String detail) {
        boolean cut = bytes.length > MAX_KEPT_PAYLOAD;
        byte[] kept = cut ? Arrays.copyOf(bytes, MAX_KEPT_PAYLOAD) : bytes;
        boolean exactText = !cut && reason != RejectReason.INVALID_UTF8;
        String base64 = exactText ? null : Base64.getEncoder().encodeToString(kept);
        String text = new String(kept, StandardCharsets.UTF_8);
        return InputRecord.of(new RejectedRecord(stream.defaultName(), origin, reason, detail, text, base64));
    }
}
