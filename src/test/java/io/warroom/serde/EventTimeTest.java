package io.warroom.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-read ISO-8601 form agrees with {@code java.time} on every text, accepted or not. */
class EventTimeTest {
    @Test
    void readsTheCommonFormsByHand() {
        assertThat(EventTime.parseCommonIso("2026-11-11T00:00:00.123+08:00")).isEqualTo(1794326400123L);
        assertThat(EventTime.parseCommonIso("2026-11-10T16:00:00Z"))
                .isEqualTo(Instant.parse("2026-11-10T16:00:00Z").toEpochMilli());
        assertThat(EventTime.parseCommonIso("2026-11-10T16:00:00.5Z")).isEqualTo(1794326400500L);
        assertThat(EventTime.parseCommonIso("2026-11-10T16:00:00.123456789Z")).isEqualTo(1794326400123L);
        assertThat(EventTime.parseCommonIso("2024-02-29T12:00:00-05:30"))
                .isEqualTo(Instant.parse("2024-02-29T17:30:00Z").toEpochMilli());
    }

    @Test
    void leavesEverythingElseToJavaTime() {
        for (String other : List.of("2026-11-11T00:00+08:00", "2026-11-11t00:00:00Z", "2026-11-11T00:00:00z",
                "+2026-11-11T00:00:00Z", "2026-11-11T00:00:00+08:00:00", "2026-11-11T00:00:00+0800",
                "2026-02-29T00:00:00Z", "2026-11-11T24:00:00Z", "2026-11-11T00:00:60Z", "2026-11-11T00:00:00+18:01",
                "2026-11-11T00:00:00.Z", "2026-11-11T00:00:00.1234567890Z", "2026-11-11T00:00:00",
                "٢٠٢٦-11-11T00:00:00Z",
                "2026-11-11T00:00:00Z ", " 2026-11-11T00:00:00Z")) {
            assertThat(EventTime.parseCommonIso(other)).as(other).isEqualTo(EventTime.NOT_COMMON);
        }
        assertThat(EventTime.parseIso("2026-11-11T00:00+08:00")).isEqualTo(1794326400000L);
        assertThatThrownBy(() -> EventTime.parseIso("2026-02-29T00:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Random instants of years 0 to 9999 in random offsets and precisions, and texts one character off them. */
    @Test
    void agreesWithJavaTimeOnRandomTexts() {
        SplittableRandom random = new SplittableRandom(2026);
        long from = Instant.parse("0000-03-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();
        List<String> pattern = List.of("uuuu-MM-dd'T'HH:mm:ssXXX", "uuuu-MM-dd'T'HH:mm:ss.SXXX",
                "uuuu-MM-dd'T'HH:mm:ss.SSSXXX", "uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX",
                "uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");
        String alphabet = "0123456789-:T.Z+z 9";
        int hand = 0;
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochMilli(random.nextLong(from, to)).plusNanos(random.nextInt(1_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            String text = DateTimeFormatter.ofPattern(pattern.get(random.nextInt(pattern.size())))
                    .withZone(offset).format(instant);
            List<String> texts = new ArrayList<>(List.of(text));
            char[] chars = text.toCharArray();
            chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            texts.add(new String(chars));
            for (String t : texts) {
                long common = EventTime.parseCommonIso(t);
                if (common != EventTime.NOT_COMMON) {
                    hand++;
                    assertThat(common).as(t).isEqualTo(EventTime.parseAnyIso(t));
                } else if (t.equals(text) && instant.atOffset(offset).getYear() > 0) {
                    throw new AssertionError("a common form was left to java.time: " + t);
                }
            }
        }
        assertThat(hand).isGreaterThan(200_000);
    }
}
