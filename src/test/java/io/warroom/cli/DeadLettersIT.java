package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code replay}'s dead-letter file keeps of rejected records: by default their payloads with every user id
 * replaced by its keyed hash, and never the raw bytes; with {@code --dead-letter-key-file} the hashes are those of
 * that key (computed here with the JDK); with {@code --dead-letter-raw} the records as they arrived.
 */
class DeadLettersIT {
    private static final String NO_OFFSET = "{\"event_id\":\"e-2\",\"ts\":\"2026-11-11T00:00:01\","
            + "\"user_id\":\"u-secret-2\",\"item_id\":\"sku-1\"}";
    private static final String CUT_OFF = "{\"event_id\":\"e-3\",\"user_id\":\"u-secret-3\",\"ts\":17943";
    private static final byte[] LATIN_1 = "{\"event_id\":\"e-4\",\"user_id\":\"u-secret-4-\u00e9\",\"ts\":1}"
            .getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private Path input;

    @BeforeEach
    void input() throws Exception {
        input = Files.createDirectories(dir.resolve("in"));
        ByteArrayOutputStream clicks = new ByteArrayOutputStream();
        clicks.write(("{\"event_id\":\"e-1\",\"ts\":\"2026-11-11T00:00:01+08:00\",\"user_id\":\"u-fine\","
                + "\"item_id\":\"sku-1\"}\n").getBytes(StandardCharsets.UTF_8));
        clicks.write((NO_OFFSET + "\n" + CUT_OFF + "\n").getBytes(StandardCharsets.UTF_8));
        clicks.write(LATIN_1);
        clicks.write('\n');
        Files.write(input.resolve("clicks.jsonl"), clicks.toByteArray());
    }

    @Test
    void byDefaultDeadLettersKeepNoUserIdAndNoRawBytes() throws Exception {
        List<JsonNode> deadLetters = replay();

        assertThat(deadLetters).hasSize(3);
        for (JsonNode deadLetter : deadLetters) {
            assertThat(deadLetter.toString()).doesNotContain("u-secret");
            assertThat(deadLetter.has("payload_base64")).isFalse();
            assertThat(deadLetter.path("payload_hmac").asText()).hasSize(64);
        }
        assertThat(deadLetters).extracting(d -> d.path("reason").asText(), d -> d.path("payload_redaction").asText())
                .containsExactly(
                        tuple("invalid_value", "user_ids"), tuple("malformed_json", "cut"),
                        tuple("invalid_utf8", "user_ids"));
        // Up to where it stops being JSON (the end of input inside the object), user id hashed.
        assertThat(deadLetters.get(1).path("payload").asText())
                .matches("\\{\"event_id\":\"e-3\",\"user_id\":\"hmac-sha256:[0-9a-f]{64}\",\"ts\":17943");
    }

    @Test
    void withAKeyFileTheHashesAreThoseOfTheKey() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Path keyFile = Files.write(dir.resolve("dead-letter.key"), (new String(key, StandardCharsets.US_ASCII)
                + "\n").getBytes(StandardCharsets.US_ASCII));

        List<JsonNode> deadLetters = replay("--dead-letter-key-file", keyFile.toString());

        assertThat(deadLetters.get(0).path("payload").asText())
                .isEqualTo(NO_OFFSET.replace("u-secret-2", "hmac-sha256:" + hmac(key, "u-secret-2")));
        assertThat(deadLetters.get(0).path("payload_hmac").asText())
                .isEqualTo(hmac(key, NO_OFFSET));
        assertThat(deadLetters.get(2).path("payload_hmac").asText()).as("of the exact bytes, not the text")
                .isEqualTo(HexFormat.of().formatHex(mac(key).doFinal(LATIN_1)));
    }

    @Test
    void rawDeadLettersKeepTheRecordsAsTheyArrived() throws Exception {
        List<JsonNode> deadLetters = replay("--dead-letter-raw");

        assertThat(deadLetters).extracting(d -> d.path("payload").asText()).startsWith(NO_OFFSET, CUT_OFF);
        assertThat(deadLetters.get(2).path("payload_base64").binaryValue()).isEqualTo(LATIN_1);
        assertThat(deadLetters).allSatisfy(d -> assertThat(d.has("payload_redaction")).isFalse());
    }

    @Test
    void keysThatCannotBeUsedAreRefusedInOneLine() throws Exception {
        Path shortKey = Files.writeString(dir.resolve("short.key"), "tooshort\n");
        Cli cli = new Cli();
        assertThat(cli.run(replayArgs("--dead-letter-key-file", shortKey.toString()))).isEqualTo(2);
        assertThat(cli.err.toString().strip()).isEqualTo("the dead-letter key from " + shortKey
                + " has 8 bytes; it needs at least 16 (e.g. openssl rand -hex 32)");

        cli = new Cli();
        assertThat(cli.run(replayArgs("--dead-letter-raw", "--dead-letter-key-file", shortKey.toString())))
                .isEqualTo(2);
        assertThat(cli.err.toString().strip()).isEqualTo("--dead-letter-raw keeps payloads as they arrived; "
                + "--dead-letter-key-file has nothing to do then");

        Path missing = dir.resolve("missing.key");
        cli = new Cli();
        assertThat(cli.run(replayArgs("--dead-letter-key-file", missing.toString()))).isEqualTo(2);
        assertThat(cli.err.toString().strip()).isEqualTo("--dead-letter-key-file " + missing + ": no such file");
        assertThat(dir.resolve("report.json")).doesNotExist();
    }

    private List<JsonNode> replay(String... options) throws Exception {
        Cli cli = new Cli();
        assertThat(cli.run(replayArgs(options))).as(cli.err.toString()).isZero();
        List<JsonNode> deadLetters = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("report.rejected.jsonl"))) {
            deadLetters.add(Json.readTree(line.getBytes(StandardCharsets.UTF_8)));
        }
        deadLetters.sort((a, b) -> a.path("origin").asText().compareTo(b.path("origin").asText()));
        return deadLetters;
    }

    private String[] replayArgs(String... options) {
        List<String> args = new ArrayList<>(List.of("replay", "--campaign", "jobs/double11-2026.yaml", "--input",
                input.toString(), "--report", dir.resolve("report.json").toString(), "--parallelism", "1"));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    private static String hmac(byte[] key, String text) throws Exception {
        return HexFormat.of().formatHex(mac(key).doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Mac mac(byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac;
    }
}
