package io.warroom.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The tree-based event parser as it was before {@link EventParser} streamed, frozen as the reference for
 * {@code EventParserDifferentialTest}: whatever it decided for an input, the streaming parser must decide too.
 * It keeps its own copy of the UTF-8 check it used, so a change to {@link Utf8} cannot move both sides at once.
 * Do not fix or tidy this class; it is a specification by example.
 */
final class LegacyEventParser {
    static final int MAX_RECORD_BYTES = 1024 * 1024;
    static final int MAX_ID_LENGTH = 512;
    static final int MAX_ORDER_LINES = 1000;
    static final long MAX_QUANTITY = 1_000_000_000L;
    static final long MAX_STOCK = 1_000_000_000_000L;
    /** Dead-letter records keep at most this much of the payload. */
    static final int MAX_KEPT_PAYLOAD = 16 * 1024;

    private static final Pattern PRICE_TEXT = Pattern.compile("\\d{1,15}(\\.\\d{1,15})?");

    private LegacyEventParser() {}

    static InputRecord parse(StreamKind stream, byte[] bytes, String origin) {
        if (bytes == null) {
            return reject(stream, origin, new byte[0], RejectReason.MALFORMED_JSON, "record has no value");
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            return reject(stream, origin, bytes, RejectReason.RECORD_TOO_LARGE,
                    "record is " + bytes.length + " bytes, the limit is " + MAX_RECORD_BYTES);
        }
        if (!isValidUtf8(bytes)) {
            return reject(stream, origin, bytes, RejectReason.INVALID_UTF8, "record is not valid UTF-8");
        }
        if (containsZeroByte(bytes)) {
            // UTF-8 JSON never holds a raw zero byte; UTF-16 or UTF-32 text does, and Jackson would guess it.
            return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is not UTF-8 JSON");
        }
        JsonNode root;
        try {
            root = Json.readTree(bytes);
        } catch (StreamConstraintsException e) {
            return reject(stream, origin, bytes, RejectReason.LIMIT_EXCEEDED, "record exceeds a size or nesting limit");
        } catch (JsonProcessingException e) {
            return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is not well-formed JSON");
        } catch (IOException e) {
            return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record could not be read");
        }
        if (root == null || root.isMissingNode()) {
            return reject(stream, origin, bytes, RejectReason.MALFORMED_JSON, "record is empty");
        }
        if (!root.isObject()) {
            return reject(stream, origin, bytes, RejectReason.NOT_AN_OBJECT, "record is not a JSON object");
        }
        try {
            return switch (stream) {
                case CLICK -> InputRecord.of(click(root));
                case CART -> InputRecord.of(cart(root));
                case ORDER -> InputRecord.of(order(root));
                case INVENTORY -> InputRecord.of(inventory(root));
            };
        } catch (Invalid e) {
            return reject(stream, origin, bytes, e.reason, e.getMessage());
        }
    }

    private static ClickEvent click(JsonNode o) {
        String channel = optionalText(o, "channel");
        return new ClickEvent(id(o, "event_id"), ts(o), id(o, "user_id"), id(o, "item_id"),
                channel == null ? "unknown" : channel);
    }

    private static CartEvent cart(JsonNode o) {
        return new CartEvent(id(o, "event_id"), ts(o), id(o, "user_id"), id(o, "item_id"),
                positive(o, "quantity", MAX_QUANTITY));
    }

    private static InventoryEvent inventory(JsonNode o) {
        return new InventoryEvent(ts(o), id(o, "item_id"), nonNegative(o, "stock", MAX_STOCK));
    }

    private static OrderEvent order(JsonNode o) {
        String orderId = id(o, "order_id");
        long ts = ts(o);
        String userId = id(o, "user_id");
        String statusText = id(o, "status");
        OrderStatus status = OrderStatus.fromWire(statusText);
        if (status == null) {
            throw new Invalid(RejectReason.INVALID_VALUE,
                    "field 'status' must be one of created, paid, cancelled, refunded");
        }
        JsonNode linesNode = required(o, "lines");
        if (!linesNode.isArray()) {
            throw new Invalid(RejectReason.WRONG_TYPE, "field 'lines' must be an array");
        }
        if (linesNode.isEmpty()) {
            throw new Invalid(RejectReason.EMPTY_FIELD, "field 'lines' must not be empty");
        }
        if (linesNode.size() > MAX_ORDER_LINES) {
            throw new Invalid(RejectReason.LIMIT_EXCEEDED, "an order has at most " + MAX_ORDER_LINES + " lines");
        }
        OrderLine[] lines = new OrderLine[linesNode.size()];
        long total = 0;
        for (int i = 0; i < lines.length; i++) {
            JsonNode line = linesNode.get(i);
            if (!line.isObject()) {
                throw new Invalid(RejectReason.WRONG_TYPE, "lines[" + i + "] must be an object");
            }
            String itemId = id(line, "item_id");
            long quantity = positive(line, "quantity", MAX_QUANTITY);
            long price = unitPriceCents(line);
            try {
                total = Math.addExact(total, Math.multiplyExact(quantity, price));
            } catch (ArithmeticException e) {
                throw new Invalid(RejectReason.INVALID_VALUE, "order amount is too large");
            }
            lines[i] = new OrderLine(itemId, quantity, price);
        }
        return new OrderEvent(orderId, ts, userId, status, lines);
    }

    private static long unitPriceCents(JsonNode line) {
        JsonNode node = required(line, "unit_price");
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            String text = node.textValue();
            if (!PRICE_TEXT.matcher(text).matches()) {
                throw new Invalid(RejectReason.INVALID_VALUE,
                        "field 'unit_price' must be a non-negative decimal with at most 2 fraction digits");
            }
            value = new BigDecimal(text);
        } else {
            throw new Invalid(RejectReason.WRONG_TYPE, "field 'unit_price' must be a decimal string or number");
        }
        try {
            return Money.toCents(value);
        } catch (IllegalArgumentException e) {
            throw new Invalid(RejectReason.INVALID_VALUE, "field 'unit_price' " + e.getMessage());
        }
    }

    private static JsonNode required(JsonNode o, String field) {
        JsonNode node = o.get(field);
        if (node == null || node.isNull()) {
            throw new Invalid(RejectReason.MISSING_FIELD, "field '" + field + "' is missing");
        }
        return node;
    }

    private static String id(JsonNode o, String field) {
        JsonNode node = required(o, field);
        if (!node.isTextual()) {
            throw new Invalid(RejectReason.WRONG_TYPE, "field '" + field + "' must be a string");
        }
        String value = node.textValue();
        if (value.isEmpty()) {
            throw new Invalid(RejectReason.EMPTY_FIELD, "field '" + field + "' must not be empty");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new Invalid(RejectReason.LIMIT_EXCEEDED,
                    "field '" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value;
    }

    private static String optionalText(JsonNode o, String field) {
        JsonNode node = o.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Invalid(RejectReason.WRONG_TYPE, "field '" + field + "' must be a string");
        }
        String value = node.textValue();
        if (value.length() > MAX_ID_LENGTH) {
            throw new Invalid(RejectReason.LIMIT_EXCEEDED,
                    "field '" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value.isBlank() ? null : value;
    }

    private static long ts(JsonNode o) {
        JsonNode node = required(o, "ts");
        long ts;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new Invalid(RejectReason.INVALID_VALUE, "field 'ts' is out of range");
            }
            ts = node.longValue();
        } else if (node.isTextual()) {
            try {
                ts = EventTime.parseIso(node.textValue());
            } catch (IllegalArgumentException e) {
                throw new Invalid(RejectReason.INVALID_VALUE, "field 'ts' " + e.getMessage());
            }
        } else {
            throw new Invalid(RejectReason.WRONG_TYPE,
                    "field 'ts' must be integer epoch milliseconds or an ISO-8601 string with offset");
        }
        if (!EventTime.inRange(ts)) {
            throw new Invalid(RejectReason.INVALID_VALUE, "field 'ts' is out of range");
        }
        return ts;
    }

    private static long positive(JsonNode o, String field, long max) {
        long value = integer(o, field, max);
        if (value <= 0) {
            throw new Invalid(RejectReason.INVALID_VALUE, "field '" + field + "' must be a positive integer");
        }
        return value;
    }

    private static long nonNegative(JsonNode o, String field, long max) {
        long value = integer(o, field, max);
        if (value < 0) {
            throw new Invalid(RejectReason.INVALID_VALUE, "field '" + field + "' must not be negative");
        }
        return value;
    }

    private static long integer(JsonNode o, String field, long max) {
        JsonNode node = required(o, field);
        if (!node.isIntegralNumber()) {
            throw new Invalid(RejectReason.WRONG_TYPE, "field '" + field + "' must be an integer");
        }
        if (!node.canConvertToLong() || node.longValue() > max) {
            throw new Invalid(RejectReason.INVALID_VALUE, "field '" + field + "' must be at most " + max);
        }
        return node.longValue();
    }

    private static boolean isValidUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + need >= n) {
                return false;
            }
            int cp = b & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int c = bytes[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }

    private static boolean containsZeroByte(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
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

    /** Control flow for validation failures; carries no stack trace because bad input is ordinary. */
    private static final class Invalid extends RuntimeException {
        final RejectReason reason;

        Invalid(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
