package io.warroom.serde;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one place where warroom builds Jackson mappers. Input is untrusted: nesting, string and number sizes are
 * bounded, duplicate keys and trailing garbage are errors, decimals are read as {@link java.math.BigDecimal} so
 * money never passes through a double, and no polymorphic typing is ever enabled.
 */
public final class Json {
    /** Deepest nesting any contract record needs is 3 (order, lines, line); anything past this is hostile. */
    public static final int MAX_NESTING_DEPTH = 8;

    public static final int MAX_STRING_LENGTH = 64 * 1024;
    public static final int MAX_NUMBER_LENGTH = 64;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxNameLength(1024)
            .maxDocumentLength(4L * 1024 * 1024)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(untrustedJson(CONSTRAINTS))
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .build();

    /**
     * Reads dead-letter payloads, only to find the user ids in them ({@link PayloadRedactor}): it streams, never builds
     * a tree, and reads further than the event contract allows (deeper nesting, longer strings, duplicate keys), so
     * that a record refused for breaking a limit is still redacted to its end; its own limits only cut a payload
     * short, at a point past which nothing is kept.
     */
    private static final JsonFactory DEAD_LETTERS = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1000)
                    .maxStringLength(1024 * 1024)
                    .maxNumberLength(1000)
                    .maxNameLength(64 * 1024)
                    .build())
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .build();

    /**
     * Campaign files: ops' own, and a catalog of a million items inline is some 60 MB of YAML, so the document may be
     * large (1 GiB); every other limit stays.
     */
    private static final long MAX_CAMPAIGN_FILE = 1L << 30;

    /** {@link #CONSTRAINTS} for documents of up to {@link #MAX_CAMPAIGN_FILE}: campaign files and reports. */
    private static final StreamReadConstraints LARGE_DOCUMENTS =
            CONSTRAINTS.rebuild().maxDocumentLength(MAX_CAMPAIGN_FILE).build();

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(LARGE_DOCUMENTS)
                    .loaderOptions(campaignFileLoader())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * Reports, of this project or of the bench's yardsticks: the mapper's limits except the document's length, since
     * a report lists every item of a catalog.
     */
    private static final ObjectMapper REPORTS = JsonMapper.builder(untrustedJson(LARGE_DOCUMENTS))
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * Event records: the mapper's limits and features; duplicate keys are found by
     * {@link DuplicateKeyCheckingParser}, which does without Jackson's hash set per object.
     */
    private static final JsonFactory EVENTS = untrustedJson(CONSTRAINTS);

    private Json() {}

    private static JsonFactory untrustedJson(StreamReadConstraints constraints) {
        return JsonFactory.builder()
                .streamReadConstraints(constraints)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
                .build();
    }

    private static LoaderOptions campaignFileLoader() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) MAX_CAMPAIGN_FILE);
        return options;
    }

    /** Parses one untrusted JSON document; throws on anything that is not exactly one well-formed value. */
    public static JsonNode readTree(byte[] bytes) throws IOException {
        try {
            return MAPPER.readTree(bytes);
        } catch (NumberFormatException e) {
            // Jackson reports an exponent beyond int range this way; to callers it is an oversized number.
            throw new StreamConstraintsException("number out of range");
        }
    }

    /** Parses a report file (a replay report, a yardstick's output) of up to 1 GiB. */
    public static JsonNode readReport(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return REPORTS.readTree(in);
        }
    }

    /**
     * A streaming parser over one untrusted JSON document with the limits and features of {@link #readTree}: the same
     * limits, duplicate keys rejected (as long as it is advanced by {@code nextToken} and {@code nextFieldName} only,
     * see {@link DuplicateKeyCheckingParser}), no non-numeric numbers or leading zeros. Two things stay with the
     * caller, who must close the parser: checking that nothing follows the value ({@code nextToken()} returns null),
     * and treating a {@link NumberFormatException} from a decimal accessor as an oversized number, as readTree does.
     */
    public static JsonParser parser(byte[] bytes) throws IOException {
        return new DuplicateKeyCheckingParser(EVENTS.createParser(bytes));
    }

    /**
     * A streaming parser over a dead-letter payload as text, with the looser limits of a reader that only looks for
     * user ids; the caller closes it. Offsets it reports are char offsets into {@code text}.
     */
    public static JsonParser deadLetterParser(String text) throws IOException {
        return DEAD_LETTERS.createParser(text);
    }

    /** Parses a YAML document (campaign files) with the same limits and exact decimals. */
    public static JsonNode readYaml(byte[] bytes) throws IOException {
        return YAML.readTree(bytes);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static byte[] toBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toString(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A generator writing indented JSON to {@code out}, as {@link #toPrettyString} lays it out, for documents too
     * large to build as one tree (trees written into it with {@code writeTree} are indented in place); the caller
     * closes it, which closes {@code out}.
     */
    public static JsonGenerator prettyGenerator(OutputStream out) throws IOException {
        return MAPPER.writerWithDefaultPrettyPrinter().createGenerator(out, JsonEncoding.UTF8);
    }

    public static String toPrettyString(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
