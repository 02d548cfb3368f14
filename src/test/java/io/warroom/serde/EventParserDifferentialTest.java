package io.warroom.serde;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.RecordSink;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.model.InputRecord;
import io.warroom.model.OrderEvent;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * {@link EventParser} against {@link LegacyEventParser}, the tree-based parser as it was before it streamed. Both
 * read the same inputs: a generated sale (valid records and the generator's own malformed ones); seeded mutations of
 * it that break records in ways the generator does not (several faults in one record, so the order in which faults
 * are judged shows; duplicate keys, swapped types, odd numbers and unicode, reordered and unknown fields, order
 * lines, truncation, stray bytes); every probe literal in every field of a valid record, alone and in pairs; and
 * inputs at every limit. For every input, read as its own stream and sometimes as another, both must return the
 * same: an equal event, or a rejection with the same reason, detail and kept payload.
 *
 * <p>Everything is seeded, so a failure names an input that can be replayed.
 */
class EventParserDifferentialTest {
    private static final long SEED = 11_11_2026L;
    private static final String ORIGIN = "differential.jsonl:1";
    private static final int MISMATCHES_SHOWN = 8;
    private static final int PAIRS_PER_STREAM = 3_000;

    @Test
    void streamingParserDecidesEveryInputAsTheTreeParserDid() throws Exception {
        Random random = new Random(SEED);
        Mutator mutator = new Mutator(random);
        Verdicts verdicts = new Verdicts();
        List<Input> sale = generatedSale();
        for (Input input : sale) {
            verdicts.compare(input.stream(), input.bytes());
            for (int i = mutantsOf(input.stream()); i > 0; i--) {
                byte[] mutant = mutator.mutate(input.bytes());
                verdicts.compare(input.stream(), mutant);
                if (random.nextInt(4) == 0) {
                    verdicts.compare(StreamKind.values()[random.nextInt(StreamKind.values().length)], mutant);
                }
            }
        }
        for (Input input : fieldSweep(random)) {
            verdicts.compare(input.stream(), input.bytes());
        }
        for (byte[] edge : edgeCases()) {
            for (StreamKind stream : StreamKind.values()) {
                verdicts.compare(stream, edge);
            }
        }
        verdicts.assertNoneDiffer();
        verdicts.assertEveryOutcomeWasExercised();
    }

    /** Guards the comparison itself: a differential test whose comparison sees no difference proves nothing. */
    @Test
    void comparisonTellsApartResultsThatDiffer() {
        byte[] order = ("{\"order_id\":\"o-1\",\"ts\":1794326400000,\"user_id\":\"u-1\",\"status\":\"paid\","
                + "\"lines\":[{\"item_id\":\"sku-1\",\"quantity\":2,\"unit_price\":\"19.90\"}]}").getBytes(UTF_8);
        byte[] cheaper = new String(order, UTF_8).replace("19.90", "19.80").getBytes(UTF_8);
        InputRecord parsed = EventParser.parse(StreamKind.ORDER, order, ORIGIN);

        assertThat(Verdicts.same(parsed, EventParser.parse(StreamKind.ORDER, order.clone(), ORIGIN))).isTrue();
        assertThat(Verdicts.same(parsed, EventParser.parse(StreamKind.ORDER, cheaper, ORIGIN))).isFalse();
        assertThat(Verdicts.same(
                        EventParser.parse(StreamKind.CLICK, "{}".getBytes(UTF_8), ORIGIN),
                        EventParser.parse(StreamKind.CLICK, "{\"event_id\":\"c-1\"}".getBytes(UTF_8), ORIGIN)))
                .as("same reason, different detail")
                .isFalse();
        assertThat(Verdicts.same(parsed, EventParser.parse(StreamKind.ORDER, order, "elsewhere:2"))).isTrue();
    }

    /** Clicks are most of a sale but the simplest records; orders have the most checks and the fewest records. */
    private static int mutantsOf(StreamKind stream) {
        return switch (stream) {
            case CLICK -> 3;
            case CART -> 6;
            case ORDER, INVENTORY -> 30;
        };
    }

    // ---- inputs ----

    private record Input(StreamKind stream, byte[] bytes) {}

    /** A minute of a sale: about 6,500 records, a fifth of them followed by a malformed one. */
    private static List<Input> generatedSale() throws IOException, InterruptedException {
        DirtSettings dirt = DirtSettings.of(0.01, 3_000, 0.01, 0.2);
        SaleSettings settings = new SaleSettings(SEED, SaleSettings.DEFAULT_START, Duration.ofSeconds(60), 200, 20,
                Duration.ofMinutes(1), 200, 2, 0.3, 5000, Duration.ofSeconds(30), dirt);
        List<Input> records = new ArrayList<>();
        new TrafficGenerator(settings, "differential").run(new RecordSink() {
            @Override
            public void write(StreamKind stream, String key, byte[] value) {
                records.add(new Input(stream, value));
            }

            @Override
            public void close() {}
        }, Pacer.unpaced(), ProgressReporter.silent());
        return records;
    }

    /**
     * Every literal (and leaving the field out) in every field of a valid record of each stream, then pairs of
     * faulty fields: what random mutations might miss, including which of two faults a record is refused for.
     */
    private static List<Input> fieldSweep(Random random) {
        List<Input> inputs = new ArrayList<>();
        for (Template template : Template.ALL) {
            for (String path : template.paths()) {
                inputs.add(template.with(Map.of(path, Template.LEFT_OUT)));
                for (String literal : Mutator.LITERALS) {
                    inputs.add(template.with(Map.of(path, literal)));
                }
            }
            for (int i = 0; i < PAIRS_PER_STREAM; i++) {
                Map<String, String> faults = new HashMap<>();
                while (faults.size() < 2) {
                    String path = template.paths().get(random.nextInt(template.paths().size()));
                    String field = path.substring(path.lastIndexOf('.') + 1);
                    List<String> literals = random.nextBoolean() ? Mutator.literalsFor(field) : Mutator.LITERALS;
                    faults.put(path, random.nextInt(10) == 0
                            ? Template.LEFT_OUT : literals.get(random.nextInt(literals.size())));
                }
                inputs.add(template.with(faults));
            }
        }
        return inputs;
    }

    /**
     * A valid record of one stream as JSON literals per field, to render with some fields replaced. The literal of
     * {@code lines} is rendered from {@code lines} unless replaced.
     */
    private record Template(StreamKind stream, Map<String, String> fields, List<Map<String, String>> lines) {
        /** Stands for a field left out of the record; no JSON literal starts with a zero character. */
        static final String LEFT_OUT = "\u0000left out";

        static final List<Template> ALL = List.of(
                new Template(StreamKind.CLICK, ordered("event_id", "\"c-1\"", "ts", "1794326400000",
                        "user_id", "\"u-1\"", "item_id", "\"sku-1\"", "channel", "\"app\""), List.of()),
                new Template(StreamKind.CART, ordered("event_id", "\"k-1\"", "ts", "1794326400000",
                        "user_id", "\"u-1\"", "item_id", "\"sku-1\"", "quantity", "2"), List.of()),
                new Template(StreamKind.ORDER, ordered("order_id", "\"o-1\"", "ts", "1794326400000",
                        "user_id", "\"u-1\"", "status", "\"paid\"", "lines", "[]"), List.of(
                                ordered("item_id", "\"sku-1\"", "quantity", "2", "unit_price", "\"19.90\""),
                                ordered("item_id", "\"sku-2\"", "quantity", "1", "unit_price", "5.00"))),
                new Template(StreamKind.INVENTORY, ordered("ts", "\"2026-11-11T00:00:01.250+08:00\"",
                        "item_id", "\"sku-1\"", "stock", "42"), List.of()));

        /** {@code ts} for a field of the record, {@code lines[1].unit_price} for a field of a line. */
        List<String> paths() {
            List<String> paths = new ArrayList<>(fields.keySet());
            for (int i = 0; i < lines.size(); i++) {
                for (String name : lines.get(i).keySet()) {
                    paths.add(linePrefix(i) + name);
                }
            }
            return paths;
        }

        /** @param replaced literals by path, or {@link #LEFT_OUT} */
        Input with(Map<String, String> replaced) {
            Map<String, String> record = new LinkedHashMap<>(fields);
            if (!lines.isEmpty()) {
                StringJoiner array = new StringJoiner(",", "[", "]");
                for (int i = 0; i < lines.size(); i++) {
                    array.add(object(lines.get(i), replaced, linePrefix(i)));
                }
                record.put("lines", array.toString());
            }
            return new Input(stream, object(record, replaced, "").getBytes(UTF_8));
        }

        private static String linePrefix(int line) {
            return "lines[" + line + "].";
        }

        private static String object(Map<String, String> fields, Map<String, String> replaced, String prefix) {
            StringJoiner object = new StringJoiner(",", "{", "}");
            fields.forEach((name, literal) -> {
                String value = replaced.getOrDefault(prefix + name, literal);
                if (!value.equals(LEFT_OUT)) {
                    object.add('"' + name + "\":" + value);
                }
            });
            return object.toString();
        }

        private static Map<String, String> ordered(String... namesAndLiterals) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < namesAndLiterals.length; i += 2) {
                fields.put(namesAndLiterals[i], namesAndLiterals[i + 1]);
            }
            return Collections.unmodifiableMap(fields);
        }
    }

    /** Inputs at the limits, too big or too rare to leave to chance. */
    private static List<byte[]> edgeCases() {
        String click = "{\"event_id\":\"c-1\",\"ts\":1794326400000,\"user_id\":\"u-1\",\"item_id\":\"sku-1\"}";
        String line = "{\"item_id\":\"sku-1\",\"quantity\":1,\"unit_price\":\"1.00\"}";
        String badLine = "{\"item_id\":\"\",\"quantity\":1,\"unit_price\":\"1.00\"}";
        List<String> texts = new ArrayList<>(List.of("", " ", "\n\t ", "{", "}", "[", "{}", "[]", "null", "0", "\"\"",
                "{\"a\":1}", "{\"a\":1,\"a\":1}", "\uFEFF" + click, click + "\n", click + "\u0000", "\u0000" + click,
                click.replace("{", "{\"ts\":null,"), click.replace("}", ",\"ts\":null}")));
        for (int depth : new int[] {Json.MAX_NESTING_DEPTH - 1, Json.MAX_NESTING_DEPTH, Json.MAX_NESTING_DEPTH + 1}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            texts.add(click.replace("}", ",\"deep\":" + arrays + "}"));
            texts.add(arrays);
            texts.add("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
        }
        for (int lines : new int[] {EventParser.MAX_ORDER_LINES, EventParser.MAX_ORDER_LINES + 1}) {
            String many = String.join(",", Collections.nCopies(lines, line));
            String order = "{\"order_id\":\"o-1\",\"ts\":1794326400000,\"user_id\":\"u-1\",\"status\":\"paid\","
                    + "\"lines\":[";
            texts.add(order + many + "]}");
            texts.add(order + badLine + "," + many + "]}");
            texts.add(order + many + ",\"x\"]}");
            texts.add(order.replace("\"paid\"", "\"shipped\"") + many + "]}");
        }
        for (int length : new int[] {Json.MAX_STRING_LENGTH - 1, Json.MAX_STRING_LENGTH, Json.MAX_STRING_LENGTH + 1}) {
            texts.add(click.replace("}", ",\"note\":\"" + "n".repeat(length) + "\"}"));
            texts.add(click.replace("\"u-1\"", "\"" + "u".repeat(length) + "\""));
            // a character outside the BMP is two chars of a Java string, and the limit counts chars
            texts.add(click.replace("}", ",\"note\":\"" + "😀".repeat(length / 2) + "x\"}"));
            texts.add(click.replace("\"c-1\"", "\"" + "\\u00e9".repeat(length) + "\""));
        }
        for (int length : new int[] {1024, 1025}) {
            texts.add(click.replace("}", ",\"" + "k".repeat(length) + "\":1}"));
        }
        for (int digits : new int[] {Json.MAX_NUMBER_LENGTH, Json.MAX_NUMBER_LENGTH + 1}) {
            texts.add(click.replace("}", ",\"n\":" + "7".repeat(digits) + "}"));
            texts.add(click.replace("}", ",\"n\":0." + "7".repeat(digits - 2) + "}"));
            texts.add(click.replace("1794326400000", "1".repeat(digits)));
        }
        List<byte[]> edges = new ArrayList<>();
        for (String text : texts) {
            edges.add(text.getBytes(UTF_8));
        }
        edges.add(null);
        edges.add(click.getBytes(StandardCharsets.UTF_16BE));
        edges.add(click.getBytes(StandardCharsets.UTF_16LE));
        edges.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        for (int size : new int[] {EventParser.MAX_RECORD_BYTES, EventParser.MAX_RECORD_BYTES + 1}) {
            byte[] padded = new byte[size];
            Arrays.fill(padded, (byte) ' ');
            System.arraycopy(click.getBytes(UTF_8), 0, padded, 0, click.length());
            edges.add(padded);
            byte[] invalid = padded.clone();
            invalid[size - 1] = (byte) 0xC3;
            edges.add(invalid);
        }
        return edges;
    }

    // ---- mutations ----

    /**
     * Breaks a record. Structured edits work on the JSON tree, with markers standing in for raw literals and keys
     * (a tree can hold neither a duplicate key nor {@code 1e2147483648}), so one record can carry several faults;
     * byte edits then break what a tree cannot express.
     */
    private static final class Mutator {
        private static final List<String> FIELDS = List.of("event_id", "order_id", "ts", "user_id", "item_id",
                "channel", "quantity", "stock", "status", "lines", "unit_price");

        private static final List<String> STRUCTURES = List.of("null", "true", "false", "[]", "{}", "[1]",
                "{\"a\":1}", "[null]", "[{}]", "{\"a\":[1,{\"b\":2.5}]}", "[[[[[[[]]]]]]]", "[[[[[[[[]]]]]]]]",
                "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}", "[\"x\",1e2147483648]",
                "{\"n\":\"" + "n".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}");

        private static final List<String> IDS = List.of("\"\"", "\" \"", "\"\\t\\n\"", "\"x\"", "\"2\"",
                "\"é\"", "\"😀\"", "\"\\u00e9\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"",
                "\"a\\\"b\"", "\"\\/\"", "\"\u00a0\"", "\"\u2003\"", "\"\\u2028\"", "\"\\u001f\"",
                "\"" + "u".repeat(EventParser.MAX_ID_LENGTH) + "\"",
                "\"" + "u".repeat(EventParser.MAX_ID_LENGTH + 1) + "\"",
                "\"" + " ".repeat(EventParser.MAX_ID_LENGTH + 1) + "\"",
                "\"" + "é".repeat(EventParser.MAX_ID_LENGTH + 1) + "\"",
                "\"" + "😀".repeat(EventParser.MAX_ID_LENGTH / 2) + "\"",
                "\"" + "😀".repeat(EventParser.MAX_ID_LENGTH / 2) + "x\"", "1", "12345", "[\"x\"]");

        private static final List<String> COUNTS = List.of("0", "-0", "1", "2", "-1", "1000000000", "1000000001",
                "1000000000000", "1000000000001", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "2.0", "0.0",
                "-0.0", "1.5", "1e2", "1E+2", "1e999", "1e2147483648", "\"2\"", "\"-1\"", "\"0\"", "true");

        private static final List<String> TIMES = List.of("1794326400000", "1794326400000.0", "1.7943264E12",
                "0", "-1", "253402300799999", "253402300800000", "-62135596800000", "-62135596800001",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "17e94326400000",
                "\"1794326400000\"", "\"2026-11-11T00:00:01.250+08:00\"", "\"2026-11-10T16:00:01.250Z\"",
                "\"2026-11-11T00:00:01\"", "\"2026-11-11\"", "\"+10000-01-01T00:00:00Z\"", "\"0000-12-31T23:59:59Z\"",
                "\"0001-01-01T00:00:00Z\"", "\"0000-12-31T23:59:59.999-00:01\"", "\"9999-12-31T23:59:59.999Z\"",
                "\"9999-12-31T23:59:59.999-00:01\"", "\"+999999999-12-31T23:59:59Z\"",
                "\"-999999999-01-01T00:00:00Z\"", "\"2026-11-11T00:00:01.250+18:00\"", "\"\"", "\"yesterday\"");

        private static final List<String> PRICES = List.of("0", "-0", "5", "-1", "0.1", "0.10", "19.9", "19.90",
                "19.900", "19.905", "-0.01", "-0.00", "-0.0", "1.005", "5.00", "1e2", "1E+2", "1.5e1", "1.50e1",
                "1e-2", "1.0e-2", "1e-3", "12.34E1", "1e999", "-1e999", "1e-999", "1e2147483647", "1e2147483648",
                "1e-2147483648", "100e2147483647", "0e-2147483647", "92233720368547758", "92233720368547759",
                "92233720368547758.07", "92233720368547758.08", "99999999999999", "0.00000000000000000000001",
                "123456789012345678901234567890.5", "123456789012345678901234567890.50", "\"19.90\"", "\"19.9\"",
                "\"19.900\"", "\"19.905\"", "\"1.\"", "\".5\"", "\"1,00\"", "\"-1.00\"", "\"+1\"", "\"1e2\"",
                "\" 1.00\"", "\"1.00 \"", "\"0\"", "\"00.10\"", "\"\"", "\"١٢\"", "\"１２\"",
                "\"123456789012345\"", "\"1234567890123456\"", "\"999999999999999.99\"",
                "\"999999999999999.999999999999999\"", "\"999999999999999.990000000000000\"",
                "\"1.000000000000000\"", "\"1.0000000000000000\"", "\"1.123456789012345\"", "\"92233720.36\"",
                "\"0.0000000000000001\"", "\"0.000000000000001\"", "true", "[\"1.00\"]");

        private static final List<String> STATUSES = List.of("\"created\"", "\"paid\"", "\"cancelled\"",
                "\"refunded\"", "\"PAID\"", "\"paid \"", "\"shipped\"", "\"\"", "\" \"", "1");

        private static final List<String> LITERALS = concat(STRUCTURES, IDS, COUNTS, TIMES, PRICES, STATUSES);

        /** Spliced into the text; several break the JSON, some only move a value. */
        private static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ":", ",", " ", "null", "-",
                "0", ".", "e", "1e999", "e2147483648", "\\", "\\u0000", "\u0000", "é", "😀", "\t", "\"ts\":",
                "\"lines\":[]", "\"ts\":1,", "/*", "NaN", "'");

        private static final byte[][] BAD_BYTES = {
            {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {0},
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}
        };

        private final Random random;
        private final List<String> rawValues = new ArrayList<>();
        private final List<String> rawKeys = new ArrayList<>();

        Mutator(Random random) {
            this.random = random;
        }

        byte[] mutate(byte[] record) {
            byte[] bytes = record;
            JsonNode tree = readOrNull(record);
            if (tree instanceof ObjectNode root && random.nextInt(8) != 0) {
                rawValues.clear();
                rawKeys.clear();
                for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                    edit(root);
                }
                bytes = withMarkersReplaced(Json.toString(root)).getBytes(UTF_8);
                if (random.nextInt(4) != 0) {
                    return bytes;
                }
            }
            for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
                bytes = scramble(bytes);
            }
            return bytes;
        }

        private static JsonNode readOrNull(byte[] bytes) {
            try {
                return Json.readTree(bytes);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private void edit(ObjectNode root) {
            ObjectNode target = root;
            if (root.get("lines") instanceof ArrayNode lines && !lines.isEmpty() && random.nextBoolean()) {
                JsonNode line = lines.get(random.nextInt(lines.size()));
                if (line instanceof ObjectNode object) {
                    target = object;
                }
            }
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            String existing = names.isEmpty() ? pick(FIELDS) : pick(names);
            switch (random.nextInt(10)) {
                case 0 -> target.remove(existing);
                case 1, 2 -> target.put(existing, raw(pick(random.nextInt(3) == 0 ? LITERALS : literalsFor(existing))));
                case 3 -> target.putNull(existing);
                case 4 -> target.put(key(random.nextBoolean() ? existing : pick(FIELDS)), raw(pick(LITERALS)));
                case 5 -> target.put(random.nextBoolean() ? pick(FIELDS) : "extra" + random.nextInt(3),
                        raw(pick(LITERALS)));
                case 6 -> shuffle(target, names);
                case 7 -> swapType(target, existing);
                case 8 -> editLines(root);
                default -> {
                    JsonNode value = target.remove(existing);
                    target.set(pick(FIELDS), value);
                }
            }
        }

        /** Literals that probe the checks of one field; a field the contract does not read gets any. */
        private static List<String> literalsFor(String field) {
            return switch (field) {
                case "event_id", "order_id", "user_id", "item_id", "channel" -> IDS;
                case "ts" -> TIMES;
                case "quantity", "stock" -> COUNTS;
                case "unit_price" -> PRICES;
                case "status" -> STATUSES;
                default -> LITERALS;
            };
        }

        @SafeVarargs
        private static List<String> concat(List<String>... lists) {
            List<String> all = new ArrayList<>();
            for (List<String> list : lists) {
                all.addAll(list);
            }
            return List.copyOf(all);
        }

        /** A string that holds a number becomes that number, and a number becomes its text. */
        private void swapType(ObjectNode target, String name) {
            JsonNode value = target.get(name);
            if (value == null) {
                return;
            }
            if (value.isTextual()) {
                target.put(name, raw(value.textValue()));
            } else if (value.isValueNode()) {
                target.put(name, value.asText());
            }
        }

        private void shuffle(ObjectNode target, List<String> names) {
            Collections.shuffle(names, random);
            for (String name : names) {
                target.set(name, target.remove(name));
            }
        }

        private void editLines(ObjectNode root) {
            JsonNode lines = root.get("lines");
            ArrayNode array = lines instanceof ArrayNode a ? a : root.putArray("lines");
            JsonNode model = array.isEmpty()
                    ? Json.object().put("item_id", "sku-1").put("quantity", 1).put("unit_price", "1.00")
                    : array.get(random.nextInt(array.size()));
            switch (random.nextInt(6)) {
                case 0 -> array.removeAll();
                case 1 -> array.add(raw(pick(LITERALS)));
                case 2 -> {
                    // Orders at the line limit are slow to build and parse, so they are a rare copy count.
                    int copies = random.nextInt(20) != 0 ? 1 + random.nextInt(2)
                            : EventParser.MAX_ORDER_LINES - array.size() + random.nextInt(2);
                    for (int i = 0; i < copies; i++) {
                        array.add(model.deepCopy());
                    }
                }
                case 3 -> array.add(Json.object().put("item_id", "sku-big").put("quantity", 1_000_000_000L)
                        .put("unit_price", raw(pick(List.of("\"92233720.36\"", "92233720.37", "99999999999999")))));
                case 4 -> array.insert(0, model.deepCopy());
                default -> {
                    if (array.size() > 1) {
                        array.remove(random.nextInt(array.size()));
                    }
                }
            }
        }

        private byte[] scramble(byte[] bytes) {
            int at = random.nextInt(bytes.length + 1);
            return switch (random.nextInt(9)) {
                case 0 -> Arrays.copyOf(bytes, at);
                case 1 -> splice(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(4)), new byte[0]);
                case 2, 3 -> splice(bytes, at, at, pick(TOKENS).getBytes(UTF_8));
                case 4 -> splice(bytes, at, at, BAD_BYTES[random.nextInt(BAD_BYTES.length)]);
                case 5 -> {
                    if (bytes.length > 0) {
                        bytes = bytes.clone();
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    yield bytes;
                }
                case 6 -> splice(bytes, bytes.length, bytes.length,
                        pick(List.of(" ", "\n", "x", "{}", ",", "]", " {\"a\":1}", "1", "\u0000")).getBytes(UTF_8));
                case 7 -> splice(splice(bytes, 0, 0, new byte[] {'['}), bytes.length + 1, bytes.length + 1,
                        new byte[] {']'});
                default -> new String(bytes, UTF_8).getBytes(random.nextBoolean()
                        ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
            };
        }

        private String raw(String literal) {
            rawValues.add(literal);
            return "@@raw" + (rawValues.size() - 1) + "@@";
        }

        private String key(String name) {
            rawKeys.add(name);
            return "@@key" + (rawKeys.size() - 1) + "@@";
        }

        private String withMarkersReplaced(String json) {
            for (int i = rawValues.size() - 1; i >= 0; i--) {
                json = json.replace("\"@@raw" + i + "@@\"", rawValues.get(i));
            }
            for (int i = rawKeys.size() - 1; i >= 0; i--) {
                json = json.replace("\"@@key" + i + "@@\"", "\"" + rawKeys.get(i) + "\"");
            }
            return json;
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
            byte[] out = new byte[bytes.length - (to - from) + insert.length];
            System.arraycopy(bytes, 0, out, 0, from);
            System.arraycopy(insert, 0, out, from, insert.length);
            System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
            return out;
        }
    }

    // ---- comparison ----

    /** Runs both parsers, keeps the first few inputs they disagree on, and counts what the inputs exercised. */
    private static final class Verdicts {
        private final List<String> mismatches = new ArrayList<>();
        private final Map<RejectReason, Integer> rejectedBy = new EnumMap<>(RejectReason.class);
        private final Set<StreamKind> acceptedStreams = EnumSet.noneOf(StreamKind.class);
        private final Set<String> details = new HashSet<>();
        private int compared;
        private int differing;

        void compare(StreamKind stream, byte[] bytes) {
            InputRecord expected = LegacyEventParser.parse(stream, bytes, ORIGIN);
            InputRecord actual;
            try {
                actual = EventParser.parse(stream, bytes, ORIGIN);
            } catch (RuntimeException e) {
                noteMismatch(stream, bytes, describe(expected), "threw " + e);
                return;
            }
            compared++;
            if (!same(expected, actual)) {
                noteMismatch(stream, bytes, describe(expected), describe(actual));
            }
            if (expected.rejected() != null) {
                rejectedBy.merge(expected.rejected().reason(), 1, Integer::sum);
                details.add(expected.rejected().detail());
            } else {
                acceptedStreams.add(expected.stream());
            }
        }

        private void noteMismatch(StreamKind stream, byte[] bytes, String expected, String actual) {
            differing++;
            if (mismatches.size() < MISMATCHES_SHOWN) {
                String input = bytes == null ? "null" : Base64.getEncoder().encodeToString(bytes);
                String text = bytes == null ? "" : abbreviate(new String(bytes, UTF_8));
                mismatches.add(stream + " input (base64) " + abbreviate(input) + "\n  text:   " + text
                        + "\n  legacy: " + expected + "\n  new:    " + actual);
            }
        }

        void assertNoneDiffer() {
            assertThat(mismatches)
                    .as("%d of %d inputs decided differently; the first ones", differing, compared)
                    .isEmpty();
        }

        void assertEveryOutcomeWasExercised() {
            assertThat(compared).isGreaterThan(25_000);
            Set<RejectReason> contractReasons = EnumSet.complementOf(EnumSet.of(RejectReason.INVALID_CAMPAIGN));
            assertThat(rejectedBy.keySet()).as("reasons given, by count: %s", rejectedBy)
                    .containsAll(contractReasons);
            assertThat(acceptedStreams).containsExactlyInAnyOrder(StreamKind.values());
            assertThat(details.size()).as("distinct details").isGreaterThan(40);
        }

        static boolean same(InputRecord a, InputRecord b) {
            return Objects.equals(a.click(), b.click())
                    && Objects.equals(a.cart(), b.cart())
                    && Objects.equals(a.inventory(), b.inventory())
                    && sameOrder(a.order(), b.order())
                    && Objects.equals(a.rejected(), b.rejected());
        }

        /** OrderEvent's own equals compares its lines array by identity. */
        private static boolean sameOrder(OrderEvent a, OrderEvent b) {
            if (a == null || b == null) {
                return a == b;
            }
            return a.orderId().equals(b.orderId()) && a.ts() == b.ts() && a.userId().equals(b.userId())
                    && a.status() == b.status() && Arrays.equals(a.lines(), b.lines());
        }

        private static String describe(InputRecord r) {
            if (r.order() != null) {
                OrderEvent o = r.order();
                return "OrderEvent[" + o.orderId() + ", " + o.ts() + ", " + o.userId() + ", " + o.status() + ", "
                        + Arrays.toString(o.lines()) + "]";
            }
            if (r.rejected() != null) {
                RejectedRecord x = r.rejected();
                return "Rejected[" + x.reason() + ", " + x.detail() + ", payload " + abbreviate(x.payload())
                        + ", base64 " + (x.payloadBase64() == null ? "none" : abbreviate(x.payloadBase64())) + "]";
            }
            return abbreviate(String.valueOf(r.click() != null ? r.click()
                    : r.cart() != null ? r.cart() : r.inventory()));
        }

        private static String abbreviate(String text) {
            return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
        }
    }
}
