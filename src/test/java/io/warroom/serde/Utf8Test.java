package io.warroom.serde;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict UTF-8 (RFC 3629), checked by hand-picked sequences and against the JDK's own strict decoder. */
class Utf8Test {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static byte[] hex(String spaced) {
        return spaced.isEmpty() ? new byte[0] : HEX.parseHex(spaced);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "plain ascii {\"a\":1}",
        "é ß ñ",            // 2 bytes
        "€ 中文 \uFFFF",  // 3 bytes, up to U+FFFF
        "😀 \uD800\uDC00 \uDBFF\uDFFF", // 4 bytes, U+10000 and U+10FFFF
        ""
    })
    void wellFormedTextIsValid(String text) {
        assertThat(Utf8.isValid(text.getBytes(UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00", "7F",
        "C2 80", "DF BF",             // smallest and largest 2-byte
        "E0 A0 80", "ED 9F BF",       // smallest 3-byte, last before the surrogates
        "EE 80 80", "EF BF BF",       // first after the surrogates, U+FFFF
        "F0 90 80 80", "F4 8F BF BF"  // U+10000, U+10FFFF
    })
    void boundarySequencesAreValid(String bytes) {
        assertThat(Utf8.isValid(hex(bytes))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "80", "BF", "41 80 41",          // lone continuation bytes
        "C0 80", "C1 BF",                // overlong 2-byte (U+0000, U+007F)
        "E0 80 80", "E0 9F BF",          // overlong 3-byte
        "F0 80 80 80", "F0 8F BF BF",    // overlong 4-byte
        "ED A0 80", "ED BF BF",          // UTF-16 surrogates written as UTF-8
        "F4 90 80 80", "F7 BF BF BF",    // above U+10FFFF
        "F5 80 80 80", "F8 88 80 80 80", "FE", "FF",
        "C2 41", "E2 82 41", "F0 9F 98 41" // lead byte followed by a non-continuation
    })
    void illFormedSequencesAreInvalid(String bytes) {
        assertThat(Utf8.isValid(hex(bytes))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"C2", "E2 82", "E2", "F0 9F 98", "F0 9F", "F0", "41 42 E2 82"})
    void sequencesCutOffAtTheEndAreInvalid(String bytes) {
        assertThat(Utf8.isValid(hex(bytes))).isFalse();
    }

    // ---- agreement with the JDK ----

    private final CharsetDecoder jdk = UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private boolean jdkAccepts(byte[] bytes) {
        try {
            jdk.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private void assertAgreesWithJdk(byte[] bytes) {
        // compared first, so the message is only built for a disagreement (the loops below run ~300k inputs)
        boolean ours = Utf8.isValid(bytes);
        if (ours != jdkAccepts(bytes)) {
            fail("Utf8.isValid(%s) is %s but the JDK decoder says %s", HEX.formatHex(bytes), ours, !ours);
        }
    }

    @Test
    void agreesWithJdkOnEveryOneAndTwoByteInput() {
        for (int a = 0; a < 256; a++) {
            assertAgreesWithJdk(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                assertAgreesWithJdk(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    /** Every 3-byte input whose lead byte starts a 3- or 4-byte sequence: where overlongs and surrogates live. */
    @Test
    void agreesWithJdkOnEveryThreeByteInputWithAMultiByteLead() {
        byte[] bytes = new byte[3];
        for (int a = 0xE0; a <= 0xF4; a++) {
            for (int b = 0x70; b < 0xD0; b++) {
                for (int c = 0x70; c < 0xD0; c++) {
                    bytes[0] = (byte) a;
                    bytes[1] = (byte) b;
                    bytes[2] = (byte) c;
                    assertAgreesWithJdk(bytes);
                }
            }
        }
    }

    /** Seeded; the bytes are biased towards lead and continuation bytes so that about half the inputs are valid. */
    @Test
    void agreesWithJdkOnRandomInputs() {
        Random random = new Random(20261111L);
        int valid = 0;
        int invalid = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = i % 3 == 0 ? randomBytes(random) : nearlyValid(random);
            assertAgreesWithJdk(bytes);
            if (Utf8.isValid(bytes)) {
                valid++;
            } else {
                invalid++;
            }
        }
        assertThat(valid).as("valid inputs tried").isGreaterThan(2_000);
        assertThat(invalid).as("invalid inputs tried").isGreaterThan(2_000);
    }

    // ---- one pass for validity and zero bytes ----

    @Test
    void scanFindsAZeroByteWhereverItIs() {
        for (int length = 1; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                byte[] bytes = new byte[length];
                Arrays.fill(bytes, (byte) 'a');
                bytes[at] = 0;
                assertThat(Utf8.scan(bytes)).as("zero at %d of %d", at, length)
                        .isEqualTo(Utf8.Scan.VALID_WITH_ZERO_BYTE);
            }
        }
    }

    @Test
    void scanPutsInvalidBeforeAZeroByte() {
        assertThat(Utf8.scan(hex("00 FF"))).isEqualTo(Utf8.Scan.INVALID);
        assertThat(Utf8.scan(hex("FF 00"))).isEqualTo(Utf8.Scan.INVALID);
        assertThat(Utf8.scan(hex("00 41 41 41 41 41 41 41 41 41 C3"))).isEqualTo(Utf8.Scan.INVALID);
        assertThat(Utf8.scan(hex(""))).isEqualTo(Utf8.Scan.VALID);
        assertThat(Utf8.scan("{\"é\":\"😀\"} plain ascii text".getBytes(UTF_8))).isEqualTo(Utf8.Scan.VALID);
    }

    /** Random mixes of ASCII, zero bytes and multi-byte text, so that both the 8-byte and the byte path see each. */
    @Test
    void scanAgreesWithTheJdkAndASimpleZeroSearch() {
        Random random = new Random(11112026L);
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer out = ByteBuffer.allocate(256);
            for (int n = random.nextInt(40); n > 0; n--) {
                int kind = random.nextInt(20);
                encode(kind == 0 ? 0 : kind < 15 ? 0x20 + random.nextInt(0x60) : random.nextInt(0x110000), out);
            }
            byte[] bytes = new byte[out.position()];
            out.flip().get(bytes);
            if (bytes.length > 0 && random.nextInt(4) == 0) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            boolean zero = false;
            for (byte b : bytes) {
                zero |= b == 0;
            }
            Utf8.Scan expected = !jdkAccepts(bytes) ? Utf8.Scan.INVALID
                    : zero ? Utf8.Scan.VALID_WITH_ZERO_BYTE : Utf8.Scan.VALID;
            if (Utf8.scan(bytes) != expected) {
                fail("Utf8.scan(%s) is %s, expected %s", HEX.formatHex(bytes), Utf8.scan(bytes), expected);
            }
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(12)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Random code points (surrogates included) encoded by the UTF-8 bit pattern, then sometimes one byte changed. */
    private static byte[] nearlyValid(Random random) {
        ByteBuffer out = ByteBuffer.allocate(64);
        for (int n = random.nextInt(6); n > 0; n--) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> random.nextInt(0x800);
                case 2 -> random.nextInt(0x10000);
                default -> random.nextInt(0x110000);
            };
            encode(cp, out);
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
            int at = random.nextInt(bytes.length);
            bytes[at] = switch (random.nextInt(3)) {
                case 0 -> (byte) (0x80 | random.nextInt(0x40));
                case 1 -> (byte) (0xC0 | random.nextInt(0x40));
                default -> (byte) random.nextInt(256);
            };
        }
        return bytes;
    }

    private static void encode(int cp, ByteBuffer out) {
        if (cp < 0x80) {
            out.put((byte) cp);
        } else if (cp < 0x800) {
            out.put((byte) (0xC0 | cp >> 6)).put((byte) (0x80 | cp & 0x3F));
        } else if (cp < 0x10000) {
            out.put((byte) (0xE0 | cp >> 12)).put((byte) (0x80 | cp >> 6 & 0x3F)).put((byte) (0x80 | cp & 0x3F));
        } else {
            out.put((byte) (0xF0 | cp >> 18)).put((byte) (0x80 | cp >> 12 & 0x3F))
                    .put((byte) (0x80 | cp >> 6 & 0x3F)).put((byte) (0x80 | cp & 0x3F));
        }
    }
}
