package io.warroom.serde;

import static io.warroom.model.StreamKind.CART;
import static io.warroom.model.StreamKind.CLICK;
import static io.warroom.model.StreamKind.INVENTORY;
import static io.warroom.model.StreamKind.ORDER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The event contract (v1): what the four input streams accept, and the reason given for everything they refuse. */
class EventParserTest {
    /** 2026-11-11T00:00:00+08:00, the first millisecond of Double 11 in Shanghai. */
    private static final long DOUBLE11 = 1794326400000L;

    private static final long ONE_SECOND_IN = DOUBLE11 + 1_250;
    private static final String ORIGIN = "replay/in/test.jsonl:7";

    // ---- builders: a valid record per stream, changed one field at a time ----

    /** A record as raw JSON literals per field, so tests can put in exactly the text a producer might send. */
    private static final class Record {
        private final StreamKind stream;
        private final Map<String, String> fields = new LinkedHashMap<>();

        private Record(StreamKind stream) {
            this.stream = stream;
        }

        Record raw(String field, String jsonLiteral) {
            fields.put(field, jsonLiteral);
            return this;
        }

        Record text(String field, String value) {
            return raw(field, quote(value));
        }

        Record without(String field) {
            fields.remove(field);
            return this;
        }

        String json() {
            StringBuilder out = new StringBuilder("{");
            fields.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(quote(k)).append(':').append(v));
            return out.append('}').toString();
        }

        byte[] bytes() {
            return json().getBytes(UTF_8);
        }

        InputRecord parse() {
            return EventParser.parse(stream, bytes(), ORIGIN);
        }
    }

    private static Record click() {
        return new Record(CLICK).text("event_id", "c-1").raw("ts", Long.toString(DOUBLE11)).text("user_id", "u-1")
                .text("item_id", "sku-1").text("channel", "app");
    }

    private static Record cart() {
        return new Record(CART).text("event_id", "k-1").raw("ts", Long.toString(DOUBLE11)).text("user_id", "u-1")
                .text("item_id", "sku-1").raw("quantity", "2");
    }

    private static Record order(String... lines) {
        return new Record(ORDER).text("order_id", "o-1").raw("ts", Long.toString(DOUBLE11)).text("user_id", "u-1")
                .text("status", "paid").raw("lines", "[" + String.join(",", lines) + "]");
    }

    private static Record order() {
        return order(line("sku-1", "2", "\"19.90\""));
    }

    private static Record inventory() {
        return new Record(INVENTORY).raw("ts", Long.toString(DOUBLE11)).text("item_id", "sku-1").raw("stock", "42");
    }

    private static String line(String itemId, String quantity, String unitPrice) {
        return "{\"item_id\":" + quote(itemId) + ",\"quantity\":" + quantity + ",\"unit_price\":" + unitPrice + "}";
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t").replace("\n", "\\n") + '"';
    }

    private static InputRecord parse(StreamKind stream, byte[] bytes) {
        return EventParser.parse(stream, bytes, ORIGIN);
    }

    /** Asserts the record was refused for {@code reason} and returns it for further checks. */
    private static RejectedRecord rejected(InputRecord record, RejectReason reason) {
        assertExactlyOne(record);
        assertThat(record.rejected()).as("expected a rejection, got %s", record).isNotNull();
        assertThat(record.rejected().reason()).as(record.rejected().detail()).isEqualTo(reason);
        return record.rejected();
    }

    private static RejectedRecord rejected(Record record, RejectReason reason, String field) {
        RejectedRecord r = rejected(record.parse(), reason);
        assertThat(r.detail()).contains("'" + field + "'");
        return r;
    }

    private static void assertExactlyOne(InputRecord r) {
        long present = Stream.of(r.click(), r.cart(), r.order(), r.inventory(), r.rejected())
                .filter(x -> x != null)
                .count();
        assertThat(present).as("exactly one of event or rejected in %s", r).isEqualTo(1);
    }

    // ---- accepted records ----

    @Nested
    class Accepted {
        @Test
        void clickCarriesEveryField() {
            InputRecord r = click().parse();

            assertExactlyOne(r);
            assertThat(r.click()).isEqualTo(new ClickEvent("c-1", DOUBLE11, "u-1", "sku-1", "app"));
            assertThat(r.eventTime()).isEqualTo(DOUBLE11);
        }

        @Test
        void clickWithoutChannelIsUnknown() {
            assertThat(click().without("channel").parse().click().channel()).isEqualTo("unknown");
            assertThat(click().raw("channel", "null").parse().click().channel()).isEqualTo("unknown");
        }

        @Test
        void cartCarriesQuantity() {
            assertThat(cart().parse().cart()).isEqualTo(new CartEvent("k-1", DOUBLE11, "u-1", "sku-1", 2));
        }

        @Test
        void inventoryCarriesStockIncludingZero() {
            assertThat(inventory().parse().inventory()).isEqualTo(new InventoryEvent(DOUBLE11, "sku-1", 42));
            assertThat(inventory().raw("stock", "0").parse().inventory().stock()).isZero();
        }

        @Test
        void orderCarriesStatusAndLines() {
            OrderEvent o = order().parse().order();

            assertThat(o.orderId()).isEqualTo("o-1");
            assertThat(o.ts()).isEqualTo(DOUBLE11);
            assertThat(o.userId()).isEqualTo("u-1");
            assertThat(o.status()).isEqualTo(OrderStatus.PAID);
            assertThat(o.lines()).containsExactly(new OrderLine("sku-1", 2, 1990));
            assertThat(o.amountCents()).isEqualTo(3980);
        }

        @ParameterizedTest
        @ValueSource(strings = {"created", "paid", "cancelled", "refunded"})
        void everyWireStatusIsAccepted(String status) {
            assertThat(order().text("status", status).parse().order().status().wireName()).isEqualTo(status);
        }

        @Test
        void multiLineOrderKeepsLinesInOrderAndSumsExactly() {
            OrderEvent o = order(
                            line("sku-1", "1", "\"19.90\""),
                            line("sku-2", "3", "0.10"),
                            line("sku-3", "2", "5"))
                    .parse()
                    .order();

            assertThat(o.lines()).containsExactly(
                    new OrderLine("sku-1", 1, 1990), new OrderLine("sku-2", 3, 10), new OrderLine("sku-3", 2, 500));
            assertThat(o.amountCents()).isEqualTo(1990 + 30 + 1000);
        }

        @Test
        void tsAsIsoTextWithOffsetIsEpochMillis() {
            assertThat(click().text("ts", "2026-11-11T00:00:01.250+08:00").parse().click().ts())
                    .isEqualTo(ONE_SECOND_IN)
                    .isEqualTo(1794326401250L);
            assertThat(click().text("ts", "2026-11-10T16:00:01.250Z").parse().click().ts()).isEqualTo(ONE_SECOND_IN);
        }

        @Test
        void unknownFieldsAreIgnored() {
            Record withExtras = click()
                    .raw("schema", "\"v1\"")
                    .raw("context", "{\"ab\":[1,2,{\"x\":null}],\"ok\":true}")
                    .raw("extra", "null");

            assertThat(withExtras.parse().click()).isEqualTo(click().parse().click());
        }

        /** The price is the same whether a producer writes it as text, as a decimal or as a whole number. */
        @ParameterizedTest
        @MethodSource("io.warroom.serde.EventParserTest#unitPrices")
        void unitPriceFormsAreExactCents(String literal, long cents) {
            OrderEvent o = order(line("sku-1", "1", literal)).parse().order();

            assertThat(o.lines()[0].unitPriceCents()).isEqualTo(cents);
        }

        @Test
        void idOfExactlyMaxLengthIsAccepted() {
            String longest = "u".repeat(EventParser.MAX_ID_LENGTH);

            assertThat(click().text("user_id", longest).parse().click().userId()).isEqualTo(longest);
        }

        @Test
        void recordOfExactlyMaxBytesIsAccepted() {
            String json = click().json();
            byte[] padded = (json + " ".repeat(EventParser.MAX_RECORD_BYTES - json.length())).getBytes(UTF_8);

            assertThat(padded).hasSize(EventParser.MAX_RECORD_BYTES);
            assertThat(parse(CLICK, padded).click()).isNotNull();
        }

        @Test
        void nestingUpToTheLimitIsAccepted() {
            // the record object itself is one level
            String nested = "[".repeat(Json.MAX_NESTING_DEPTH - 1) + "]".repeat(Json.MAX_NESTING_DEPTH - 1);

            assertThat(click().raw("deep", nested).parse().click()).isNotNull();
        }

        @Test
        void largestOrderAmountThatFitsIsAccepted() {
            // 1e9 x 92233720.36 = 9223372036000000000 cents, just under Long.MAX_VALUE
            OrderEvent o = order(line("sku-1", "1000000000", "\"92233720.36\"")).parse().order();

            assertThat(o.amountCents()).isEqualTo(9_223_372_036_000_000_000L);
        }
    }

    static Stream<Arguments> unitPrices() {
        return Stream.of(
                Arguments.of("\"19.90\"", 1990L),
                Arguments.of("19.9", 1990L),
                Arguments.of("19.90", 1990L),
                Arguments.of("5", 500L),
                Arguments.of("\"5\"", 500L),
                Arguments.of("0", 0L),
                Arguments.of("\"0.01\"", 1L),
                Arguments.of("\"19.900\"", 1990L),
                Arguments.of("19.900", 1990L));
    }

    // ---- refused records ----

    @Nested
    class NotAnEventAtAll {
        @Test
        void notJson() {
            rejected(parse(CLICK, "hello".getBytes(UTF_8)), RejectReason.MALFORMED_JSON);
            rejected(parse(CLICK, "{\"event_id\":".getBytes(UTF_8)), RejectReason.MALFORMED_JSON);
        }

        @Test
        void emptyOrMissingValue() {
            rejected(parse(CLICK, new byte[0]), RejectReason.MALFORMED_JSON);
            rejected(parse(CLICK, "  \n".getBytes(UTF_8)), RejectReason.MALFORMED_JSON);
            // a Kafka tombstone
            rejected(parse(CLICK, null), RejectReason.MALFORMED_JSON);
        }

        @Test
        void invalidUtf8KeepsTheExactBytes() {
            byte[] bytes = click().bytes();
            bytes[bytes.length - 3] = (byte) 0xC0;

            RejectedRecord r = rejected(parse(CLICK, bytes), RejectReason.INVALID_UTF8);

            assertThat(r.payloadBase64()).isEqualTo(Base64.getEncoder().encodeToString(bytes));
            assertThat(Base64.getDecoder().decode(r.payloadBase64())).isEqualTo(bytes);
            assertThat(r.payload()).contains("\uFFFD");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"event_id\":\"c-1\"}]", "42", "\"text\"", "true", "null"})
        void jsonThatIsNotAnObject(String json) {
            rejected(parse(CLICK, json.getBytes(UTF_8)), RejectReason.NOT_AN_OBJECT);
        }

        @Test
        void duplicateKeys() {
            String json = click().json().replace("{", "{\"user_id\":\"u-0\",");

            rejected(parse(CLICK, json.getBytes(UTF_8)), RejectReason.MALFORMED_JSON);
        }

        @ParameterizedTest
        @ValueSource(strings = {" x", "{}", ",", "]", " {\"a\":1}", "1"})
        void trailingGarbageAfterTheObject(String garbage) {
            rejected(parse(CLICK, (click().json() + garbage).getBytes(UTF_8)), RejectReason.MALFORMED_JSON);
        }

        @Test
        void nestingDeeperThanTheLimit() {
            String nested = "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH);

            rejected(click().raw("deep", nested).parse(), RejectReason.LIMIT_EXCEEDED);
            int deeper = Json.MAX_NESTING_DEPTH + 1;
            String objects = "{\"a\":".repeat(deeper) + "1" + "}".repeat(deeper);
            rejected(parse(CLICK, objects.getBytes(UTF_8)), RejectReason.LIMIT_EXCEEDED);
        }

        @Test
        void recordLargerThanTheLimitIsCutButKeptExactly() {
            String json = click().json();
            byte[] big = (json + " ".repeat(EventParser.MAX_RECORD_BYTES + 1 - json.length())).getBytes(UTF_8);

            RejectedRecord r = rejected(parse(CLICK, big), RejectReason.RECORD_TOO_LARGE);

            assertThat(r.detail()).contains(Integer.toString(EventParser.MAX_RECORD_BYTES));
            assertThat(r.payload()).hasSize(EventParser.MAX_KEPT_PAYLOAD).startsWith(json);
            assertThat(Base64.getDecoder().decode(r.payloadBase64()))
                    .isEqualTo(Arrays.copyOf(big, EventParser.MAX_KEPT_PAYLOAD));
        }
    }

    @Nested
    class MissingOrEmptyFields {
        @ParameterizedTest
        @ValueSource(strings = {"event_id", "ts", "user_id", "item_id"})
        void clickFieldMissing(String field) {
            rejected(click().without(field), RejectReason.MISSING_FIELD, field);
        }

        @ParameterizedTest
        @ValueSource(strings = {"event_id", "ts", "user_id", "item_id"})
        void clickFieldNullCountsAsMissing(String field) {
            rejected(click().raw(field, "null"), RejectReason.MISSING_FIELD, field);
        }

        @Test
        void cartWithoutQuantity() {
            rejected(cart().without("quantity"), RejectReason.MISSING_FIELD, "quantity");
        }

        @ParameterizedTest
        @ValueSource(strings = {"order_id", "ts", "user_id", "status", "lines"})
        void orderFieldMissing(String field) {
            rejected(order().without(field), RejectReason.MISSING_FIELD, field);
        }

        @Test
        void orderLineFieldMissing() {
            rejected(order("{\"item_id\":\"sku-1\",\"quantity\":1}"), RejectReason.MISSING_FIELD, "unit_price");
            rejected(order("{\"item_id\":\"sku-1\",\"unit_price\":\"1.00\"}"), RejectReason.MISSING_FIELD, "quantity");
            rejected(order("{\"quantity\":1,\"unit_price\":\"1.00\"}"), RejectReason.MISSING_FIELD, "item_id");
        }

        @Test
        void inventoryWithoutStock() {
            rejected(inventory().without("stock"), RejectReason.MISSING_FIELD, "stock");
            rejected(inventory().raw("stock", "null"), RejectReason.MISSING_FIELD, "stock");
        }

        @Test
        void emptyId() {
            rejected(click().text("event_id", ""), RejectReason.EMPTY_FIELD, "event_id");
            rejected(click().text("user_id", ""), RejectReason.EMPTY_FIELD, "user_id");
            rejected(order().text("order_id", ""), RejectReason.EMPTY_FIELD, "order_id");
            rejected(inventory().text("item_id", ""), RejectReason.EMPTY_FIELD, "item_id");
        }

        /** The contract asks for non-empty strings, and the reference counts these events: so does the monitor. */
        @ParameterizedTest
        @ValueSource(strings = {" ", "  ", "\t\n"})
        void blankIdsAreIdsLikeAnyOther(String blank) {
            assertThat(click().text("event_id", blank).parse().click().eventId()).isEqualTo(blank);
            assertThat(click().text("item_id", blank).parse().click().itemId()).isEqualTo(blank);
            assertThat(order().text("order_id", blank).parse().order().orderId()).isEqualTo(blank);
        }

        @Test
        void orderWithNoLines() {
            rejected(order().raw("lines", "[]"), RejectReason.EMPTY_FIELD, "lines");
        }
    }

    @Nested
    class WrongTypes {
        @Test
        void userIdAsNumber() {
            rejected(click().raw("user_id", "12345"), RejectReason.WRONG_TYPE, "user_id");
        }

        @Test
        void quantityAsString() {
            rejected(cart().raw("quantity", "\"2\""), RejectReason.WRONG_TYPE, "quantity");
        }

        @Test
        void quantityAsFloatEvenWhenWhole() {
            rejected(cart().raw("quantity", "2.0"), RejectReason.WRONG_TYPE, "quantity");
            rejected(order(line("sku-1", "2.0", "\"1.00\"")), RejectReason.WRONG_TYPE, "quantity");
        }

        @Test
        void tsAsFloat() {
            rejected(click().raw("ts", DOUBLE11 + ".0"), RejectReason.WRONG_TYPE, "ts");
            rejected(click().raw("ts", "1.7943264E12"), RejectReason.WRONG_TYPE, "ts");
        }

        @Test
        void tsAsBoolean() {
            rejected(click().raw("ts", "true"), RejectReason.WRONG_TYPE, "ts");
        }

        @Test
        void linesNotAnArray() {
            rejected(order().raw("lines", line("sku-1", "1", "\"1.00\"")), RejectReason.WRONG_TYPE, "lines");
            rejected(order().raw("lines", "\"sku-1\""), RejectReason.WRONG_TYPE, "lines");
        }

        @Test
        void lineNotAnObject() {
            RejectedRecord r = rejected(order().raw("lines", "[\"sku-1\"]").parse(), RejectReason.WRONG_TYPE);

            assertThat(r.detail()).contains("lines[0]");
        }

        @Test
        void unitPriceAsBoolean() {
            rejected(order(line("sku-1", "1", "true")), RejectReason.WRONG_TYPE, "unit_price");
        }

        @Test
        void channelAsNumber() {
            rejected(click().raw("channel", "3"), RejectReason.WRONG_TYPE, "channel");
        }
    }

    @Nested
    class InvalidValues {
        @ParameterizedTest
        @ValueSource(strings = {"0", "-1"})
        void quantityNotPositive(String quantity) {
            rejected(cart().raw("quantity", quantity), RejectReason.INVALID_VALUE, "quantity");
            rejected(order(line("sku-1", quantity, "\"1.00\"")), RejectReason.INVALID_VALUE, "quantity");
        }

        @Test
        void quantityAboveTheMaximum() {
            rejected(cart().raw("quantity", Long.toString(EventParser.MAX_QUANTITY + 1)), RejectReason.INVALID_VALUE,
                    "quantity");
        }

        @ParameterizedTest
        @ValueSource(strings = {"PAID", "Paid", "shipped", "paid "})
        void statusOutsideTheWireNames(String status) {
            rejected(order().text("status", status), RejectReason.INVALID_VALUE, "status");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"1.005\"", "1.005", "-1", "-0.01", "\"-1.00\"", "\"1,00\"", "\"1.\"", "\"\""})
        void unitPriceNotAnAmountOfCents(String price) {
            rejected(order(line("sku-1", "1", price)), RejectReason.INVALID_VALUE, "unit_price");
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-11-11T00:00:01.250", "2026-11-11", "yesterday", ""})
        void isoTsWithoutOffset(String text) {
            rejected(click().text("ts", text), RejectReason.INVALID_VALUE, "ts");
        }

        @Test
        void tsOutsideYearsOneToNineThousand() {
            rejected(click().raw("ts", Long.toString(EventTime.MAX + 1)), RejectReason.INVALID_VALUE, "ts");
            rejected(click().raw("ts", Long.toString(EventTime.MIN - 1)), RejectReason.INVALID_VALUE, "ts");
        }

        @Test
        void orderAmountThatOverflows() {
            RejectedRecord r = rejected(
                    order(line("sku-1", "1000000000", "99999999999999")).parse(), RejectReason.INVALID_VALUE);

            assertThat(r.detail()).contains("amount");
        }

        @Test
        void orderAmountThatOverflowsOnlyWhenLinesAreAdded() {
            String almostAll = line("sku-1", "1000000000", "\"92233720.36\"");

            rejected(order(almostAll, almostAll).parse(), RejectReason.INVALID_VALUE);
        }

        @Test
        void negativeStock() {
            rejected(inventory().raw("stock", "-1"), RejectReason.INVALID_VALUE, "stock");
        }
    }

    @Nested
    class Limits {
        @Test
        void idLongerThanTheMaximum() {
            String tooLong = "u".repeat(EventParser.MAX_ID_LENGTH + 1);

            rejected(click().text("user_id", tooLong), RejectReason.LIMIT_EXCEEDED, "user_id");
            rejected(click().text("channel", tooLong), RejectReason.LIMIT_EXCEEDED, "channel");
        }

        @Test
        void tooManyOrderLines() {
            String[] lines = new String[EventParser.MAX_ORDER_LINES + 1];
            Arrays.fill(lines, line("sku-1", "1", "1"));

            rejected(order(lines).parse(), RejectReason.LIMIT_EXCEEDED);
        }
    }

    // ---- what a dead-letter record keeps ----

    @Test
    void rejectedRecordNamesItsStreamOriginFieldAndPayload() {
        String json = cart().raw("quantity", "0").json();

        RejectedRecord r = EventParser.parse(CART, json.getBytes(UTF_8), "carts/3@1234").rejected();

        assertThat(r.stream()).isEqualTo("carts");
        assertThat(r.origin()).isEqualTo("carts/3@1234");
        assertThat(r.detail()).contains("'quantity'");
        assertThat(r.payload()).isEqualTo(json);
        assertThat(r.payloadBase64()).as("valid UTF-8 that was not cut needs no copy").isNull();
    }

    @Test
    void everyStreamUsesItsOwnName() {
        byte[] garbage = "not json".getBytes(UTF_8);

        assertThat(parse(CLICK, garbage).rejected().stream()).isEqualTo("clicks");
        assertThat(parse(CART, garbage).rejected().stream()).isEqualTo("carts");
        assertThat(parse(ORDER, garbage).rejected().stream()).isEqualTo("orders");
        assertThat(parse(INVENTORY, garbage).rejected().stream()).isEqualTo("inventory");
    }

    @Test
    void originIsKeptAsPassed() {
        for (String origin : List.of("orders/0@0", "replay/orders.jsonl:17", "")) {
            assertThat(EventParser.parse(ORDER, new byte[] {'['}, origin).rejected().origin()).isEqualTo(origin);
        }
    }

    // ---- no input escapes as an exception ----

    /** Seeded, so a failure names an input that can be replayed. */
    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(20261111L);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (i % 2 == 0) {
                // mostly printable, so the JSON reader gets past the first byte
                for (int k = 0; k < bytes.length; k++) {
                    bytes[k] = (byte) (0x20 + Math.floorMod(bytes[k], 0x5F));
                }
            }
            assertParsesQuietly(StreamKind.values()[i % 4], bytes);
        }
    }

    @Nested
    class Regressions {
        @Test
        void exponentBeyondIntRangeIsALimitNotACrash() {
            rejected(click().raw("x", "1e2147483648").parse(), RejectReason.LIMIT_EXCEEDED);
            rejected(click().raw("ts", "17e94326400000").parse(), RejectReason.LIMIT_EXCEEDED);
        }

        @Test
        void integersBeyondLongAreOnlyAProblemWhereTheContractReadsThem() {
            assertThat(click().raw("trace", "123456789012345678901234567890").parse().click()).isNotNull();
            rejected(click().raw("ts", "99999999999999999999"), RejectReason.INVALID_VALUE, "ts");
            rejected(cart().raw("quantity", "99999999999999999999"), RejectReason.INVALID_VALUE, "quantity");
        }

        @Test
        void utf16TextIsNotTakenForUtf8() {
            rejected(parse(CLICK, click().json().getBytes(java.nio.charset.StandardCharsets.UTF_16BE)),
                    RejectReason.MALFORMED_JSON);
            rejected(parse(CLICK, click().json().getBytes(java.nio.charset.StandardCharsets.UTF_16LE)),
                    RejectReason.MALFORMED_JSON);
        }
    }

    @Test
    void mutatedValidRecordsNeverThrow() {
        Random random = new Random(11112026L);
        List<Record> seeds = List.of(click(), cart(), inventory(),
                order(line("sku-1", "2", "\"19.90\""), line("sku-2", "1", "5")));
        // Exponent tokens spliced into a digit run make exponents past int range, which Jackson reports unusually.
        String[] tokens = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "-", "0", "9223372036854775808",
            "1.005", "\\u0000", "\\ud800", "é", "😀", "\u0000", " ", "\"ts\":", "\"lines\":[]", "1e999",
            "e2147483648", "E-99999999999"};
        int events = 0;
        for (int i = 0; i < 2000; i++) {
            Record seed = seeds.get(i % seeds.size());
            StringBuilder text = new StringBuilder(seed.json());
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(text.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> text.insert(at, tokens[random.nextInt(tokens.length)]);
                    case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(4)));
                    default -> text.setLength(at);
                }
            }
            byte[] bytes = text.toString().getBytes(UTF_8);
            if (random.nextInt(10) == 0 && bytes.length > 0) {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            }
            InputRecord r = assertParsesQuietly(seed.stream, bytes);
            if (r.rejected() == null) {
                events++;
            }
        }
        // some mutations (e.g. inside an unknown value, or whitespace) leave valid events: the path is exercised
        assertThat(events).isPositive();
    }

    private static InputRecord assertParsesQuietly(StreamKind stream, byte[] bytes) {
        List<InputRecord> out = new ArrayList<>(1);
        assertThatCode(() -> out.add(EventParser.parse(stream, bytes, ORIGIN)))
                .as("input (base64) %s", Base64.getEncoder().encodeToString(bytes))
                .doesNotThrowAnyException();
        InputRecord r = out.get(0);
        assertExactlyOne(r);
        if (r.rejected() != null) {
            assertThat(r.rejected().stream()).isEqualTo(stream.defaultName());
            assertThat(r.rejected().origin()).isEqualTo(ORIGIN);
            assertThat(r.rejected().reason()).isNotNull();
            assertThat(r.rejected().detail()).isNotBlank();
        }
        return r;
    }
}
