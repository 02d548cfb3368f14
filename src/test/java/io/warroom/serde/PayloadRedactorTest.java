package io.warroom.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.functions.DeadLetterRedaction;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.RecordSink;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.model.InputRecord;
import io.warroom.model.PayloadRedaction;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.StreamKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Dead-letter payloads lose their user ids and keep everything else; hostile payloads are cut, never thrown on.
 * Expected hashes are computed here with the JDK's HMAC, apart from the redactor.
 */
class PayloadRedactorTest {
    private static final byte[] KEY = "a test key of thirty-two bytes!!".getBytes(StandardCharsets.US_ASCII);
    /** A user id of the generator ("u-17"), not the end of an item id ("sku-17"). */
    private static final Pattern GENERATED_USER_ID = Pattern.compile("(?<![A-Za-z0-9])u-\\d+\\b");

    private final PayloadRedactor redactor = new PayloadRedactor(KEY);

    @Test
    void replacesEachUserIdByItsKeyedHashAndKeepsEveryOtherByte() {
        String payload = "{ \"event_id\" : \"e-1\",\"user_id\":  \"u-42\" ,\"ts\":1.50e3}";

        PayloadRedactor.Redacted redacted = redactor.redact(payload);

        assertThat(redacted.complete()).isTrue();
        assertThat(redacted.text()).isEqualTo(payload.replace("\"u-42\"", "\"hmac-sha256:" + hmac("u-42") + "\""));
    }

    @Test
    void findsUserIdsAtAnyDepthUnderAnySpellingAndOfAnyType() {
        String payload = "[{\"userId\":\"u-1\",\"lines\":[{\"USER-ID\":7},{\"user\\u005fid\":{\"nested\":[\"u-2\"]}}],"
                + "\"user_id\":null,\"user_id\":\"\\u0075-3\"}]";

        PayloadRedactor.Redacted redacted = redactor.redact(payload);

        assertThat(redacted.complete()).isTrue();
        assertThat(redacted.text()).isEqualTo("[{\"userId\":\"hmac-sha256:" + hmac("u-1")
                + "\",\"lines\":[{\"USER-ID\":\"hmac-sha256:" + hmac("7") + "\"},{\"user\\u005fid\":\"hmac-sha256:"
                + hmac("{\"nested\":[\"u-2\"]}") + "\"}],\"user_id\":null,\"user_id\":\"hmac-sha256:" + hmac("u-3")
                + "\"}]");
    }

    @Test
    void theSameUserIdUnderTheSameKeyHashesTheSameAndUnderAnotherDifferently() {
        String a = redactor.redact("{\"user_id\":\"u-9\"}").text();
        String b = new PayloadRedactor(KEY).redact("{\"user_id\":\"u-9\",\"x\":1}").text();
        String other = new PayloadRedactor("another key, also thirty-two b!".getBytes(StandardCharsets.US_ASCII))
                .redact("{\"user_id\":\"u-9\"}").text();

        assertThat(b).startsWith(a.substring(0, a.length() - 1));
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void aPayloadThatIsNotJsonToItsEndKeepsOnlyWhatWasReadBeforeTheFault() {
        assertCut("{\"event_id\":\"bad-5\",\"user_id\":\"u-9", "{\"event_id\":\"bad-5\",\"user_id\":");
        // The reader looks at the value as it returns its name: no value, no name.
        assertCut("{\"event_id\":\"bad-5\",\"user_id\":", "{\"event_id\":\"bad-5\"");
        assertCut("{\"user_id\":\"u-1\"} trailing u-2", "{\"user_id\":\"hmac-sha256:" + hmac("u-1") + "\"}");
        assertCut("{'user_id': 'u-1'}", "{");
        assertCut("user_id=u-1 upstream timeout", "");
        assertCut("{\"user_id\":\"u-1\",\"ts\":NaN,\"next\":\"u-2\"}",
                "{\"user_id\":\"hmac-sha256:" + hmac("u-1") + "\"");
    }

    @Test
    void nothingIsThrownOnHostilePayloadsAndNoUserIdSurvives() {
        String deepObjects = "{\"a\":".repeat(3000) + "{\"user_id\":\"u-1\"}" + "}".repeat(3000);
        String deepArrays = "[".repeat(3000) + "{\"user_id\":\"u-2\"}" + "]".repeat(3000);
        String hugeId = "{\"user_id\":\"u-3" + "9".repeat(5 * 1024 * 1024) + "\"}";
        String hugeOther = "{\"note\":\"" + "x".repeat(5 * 1024 * 1024) + "\",\"user_id\":\"u-4\"}";
        String hugeText = "u-5 ".repeat(1024 * 1024 + 1);
        String truncated = "{\"order_id\":\"o-1\",\"user_id\":\"u-6\",\"lines\":[{\"item_id\":\"sku-1\",\"qua";
        String replaced = "{\"user_id\":\"u-7\uFFFD\",\"x\":\"\u0000\"}";
        for (String payload : new String[] {deepObjects, deepArrays, hugeId, hugeOther, hugeText, truncated,
                replaced, "[]", "[1,\"u-8\",null]", "\"u-9\"", "", " ", "{", "}", "\uFFFD\uFFFD", null}) {
            PayloadRedactor.Redacted redacted = redactor.redact(payload);
            assertThat(redacted.text()).as(abbreviate(payload)).doesNotContainPattern("(?<!sk)u-[1-7]\\b");
        }
        assertThat(redactor.redact(deepObjects).complete()).as("deeper than the reader goes").isFalse();
        assertThat(redactor.redact(deepObjects).text()).isEqualTo("{\"a\":".repeat(1000));
        assertThat(redactor.redact(hugeOther).text()).isEqualTo("{\"note\":");
    }

    /**
     * The way the pipeline uses it, on what the event parser rejects: invalid UTF-8 (whose base64 copy of the raw
     * bytes is dropped), over-long and over-deep records, nothing at all.
     */
    @Test
    void rejectedRecordsLoseTheirRawBytesAndKeepAKeyedHashOfThem() {
        byte[] invalid = "{\"event_id\":\"e-1\",\"user_id\":\"u-1\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        RejectedRecord parsed = rejected(EventParser.parse(StreamKind.CLICK, invalid, "clicks/0@1"));
        assertThat(parsed.reason()).isEqualTo(RejectReason.INVALID_UTF8);
        assertThat(parsed.payloadBase64()).isNotNull();

        RejectedRecord redacted = DeadLetterRedaction.redact(redactor, parsed);

        assertThat(redacted.payloadBase64()).isNull();
        assertThat(redacted.redaction()).isEqualTo(PayloadRedaction.USER_IDS);
        assertThat(redacted.payload()).isEqualTo("{\"event_id\":\"e-1\",\"user_id\":\"hmac-sha256:"
                + hmac("u-1\uFFFD") + "\"}");
        assertThat(redacted.payloadHmac()).isEqualTo(hmac(invalid));
        assertThat(redacted.origin()).isEqualTo("clicks/0@1");
        assertThat(redacted.detail()).isEqualTo(parsed.detail());

        byte[] tooLarge = ("{\"user_id\":\"u-2\",\"pad\":\"" + "x".repeat(EventParser.MAX_RECORD_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        RejectedRecord large = DeadLetterRedaction.redact(redactor,
                rejected(EventParser.parse(StreamKind.CART, tooLarge, "carts/0@2")));
        assertThat(large.reason()).isEqualTo(RejectReason.RECORD_TOO_LARGE);
        assertThat(large.redaction()).isEqualTo(PayloadRedaction.CUT);
        assertThat(large.payload()).isEqualTo("{\"user_id\":\"hmac-sha256:" + hmac("u-2") + "\",\"pad\":");

        byte[] deep = ("{\"user_id\":\"u-3\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}")
                .getBytes(StandardCharsets.UTF_8);
        RejectedRecord tooDeep = DeadLetterRedaction.redact(redactor,
                rejected(EventParser.parse(StreamKind.ORDER, deep, "orders/0@3")));
        assertThat(tooDeep.reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED);
        assertThat(tooDeep.redaction()).as("read past the contract's limits").isEqualTo(PayloadRedaction.USER_IDS);

        RejectedRecord empty = DeadLetterRedaction.redact(redactor,
                rejected(EventParser.parse(StreamKind.ORDER, null, "orders/0@4")));
        assertThat(empty.payload()).isEmpty();
        assertThat(empty.payloadHmac()).isEqualTo(hmac(new byte[0]));

        RejectedRecord broken = DeadLetterRedaction.redact(redactor, new RejectedRecord("clicks", "clicks/0@5",
                RejectReason.INVALID_UTF8, "record is not valid UTF-8", null, "not base64 %%%"));
        assertThat(broken.payload()).isEmpty();
        assertThat(broken.redaction()).isEqualTo(PayloadRedaction.CUT);
    }

    /** Every way the generator breaks records, on a minute of a sale: no generated user id is left in a dead letter. */
    @Test
    void noGeneratedUserIdSurvivesInAnyDeadLetterOfADirtySale() throws Exception {
        List<RejectedRecord> deadLetters = new ArrayList<>();
        Set<String> userIds = new LinkedHashSet<>();
        SaleSettings settings = new SaleSettings(7, SaleSettings.DEFAULT_START, Duration.ofSeconds(60), 200, 20,
                Duration.ofMinutes(1), 200, 2, 0.3, 5000, Duration.ofSeconds(30), DirtSettings.of(0, 0, 0, 0.3));
        new TrafficGenerator(settings, "redaction").run(new RecordSink() {
            @Override
            public void write(StreamKind stream, String key, byte[] value) {
                InputRecord parsed = EventParser.parse(stream, value, stream.defaultName() + "/0@1");
                if (parsed.rejected() != null) {
                    deadLetters.add(DeadLetterRedaction.redact(redactor, parsed.rejected()));
                    Matcher ids = GENERATED_USER_ID.matcher(new String(value, StandardCharsets.ISO_8859_1));
                    while (ids.find()) {
                        userIds.add(ids.group());
                    }
                }
            }

            @Override
            public void close() {}
        }, Pacer.unpaced(), ProgressReporter.silent());

        assertThat(deadLetters).hasSizeGreaterThan(500);
        assertThat(userIds).hasSizeGreaterThan(100);
        Set<PayloadRedaction> redactions = new LinkedHashSet<>();
        for (RejectedRecord deadLetter : deadLetters) {
            String json = Json.toString(OutputJson.rejected(deadLetter));
            assertThat(json).as(json).doesNotContainPattern(GENERATED_USER_ID.pattern())
                    .doesNotContain("payload_base64");
            JsonNode node = Json.readTree(json.getBytes(StandardCharsets.UTF_8));
            assertThat(node.path("payload_hmac").asText()).hasSize(64);
            redactions.add(deadLetter.redaction());
        }
        assertThat(redactions).containsExactlyInAnyOrder(PayloadRedaction.USER_IDS, PayloadRedaction.CUT);
    }

    private void assertCut(String payload, String kept) {
        PayloadRedactor.Redacted redacted = redactor.redact(payload);
        assertThat(redacted.complete()).as(payload).isFalse();
        assertThat(redacted.text()).as(payload).isEqualTo(kept);
    }

    private static RejectedRecord rejected(InputRecord record) {
        assertThat(record.rejected()).isNotNull();
        return record.rejected();
    }

    private static String hmac(String text) {
        return hmac(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(byte[] bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String abbreviate(String payload) {
        return payload == null ? "null" : payload.length() <= 60 ? payload : payload.substring(0, 60) + "...";
    }
}
