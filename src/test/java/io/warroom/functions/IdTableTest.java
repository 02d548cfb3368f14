package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class IdTableTest {
    private static final long MINUTE = 60_000;

    @Test
    void anIdIsPresentUntilItsTimeAndAbsentAfter() {
        IdTable table = new IdTable();
        assertThat(table.add("k-sale", "e1", 2 * MINUTE)).isTrue();
        assertThat(table.add("k-sale", "e1", 5 * MINUTE)).as("a copy").isFalse();

        table.forgetUpTo(2 * MINUTE - 1);
        assertThat(table.contains("k-sale", "e1")).isTrue();
        table.forgetUpTo(2 * MINUTE);
        assertThat(table.contains("k-sale", "e1")).isFalse();
        assertThat(table.size()).isZero();

        assertThat(table.add("k-sale", "e1", 4 * MINUTE)).as("forgotten, so new again").isTrue();
        assertThat(table.contains("k-sale", "e1")).isTrue();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void scopesKeepTheSameIdApart() {
        IdTable table = new IdTable();
        assertThat(table.add("k-sale", "e1", MINUTE)).isTrue();
        assertThat(table.add("c-sale", "e1", MINUTE)).isTrue();
        assertThat(table.add("k-other", "e1", MINUTE)).isTrue();
        assertThat(table.add("c-sale", "e1", MINUTE)).isFalse();
        assertThat(table.contains("k-unknown", "e1")).isFalse();
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void idsBeyondLatinOneAndPrefixesOfEachOtherAreToldApart() {
        IdTable table = new IdTable();
        for (String id : new String[] {"", "a", "ab", "abc", "订单-1", "订单-10", "\u0100", "\u00ff", "ÿa"}) {
            assertThat(table.add("k", id, MINUTE)).as(id).isTrue();
        }
        for (String id : new String[] {"", "a", "ab", "abc", "订单-1", "订单-10", "\u0100", "\u00ff", "ÿa"}) {
            assertThat(table.contains("k", id)).as(id).isTrue();
            assertThat(table.add("k", id, MINUTE)).as(id).isFalse();
        }
        assertThat(table.contains("k", "abcd")).isFalse();
        assertThat(table.contains("k", "订单-2")).isFalse();
    }

    /** Ids built of "Aa" and "BB" blocks all share one {@code String.hashCode}; the table tells them apart. */
    @Test
    void idsSharingAJavaHashCodeAreToldApart() {
        IdTable table = new IdTable();
        List<String> ids = new ArrayList<>(List.of(""));
        for (int block = 0; block < 12; block++) {
            List<String> longer = new ArrayList<>();
            for (String id : ids) {
                longer.add(id + "Aa");
                longer.add(id + "BB");
            }
            ids = longer;
        }
        assertThat(ids.stream().map(String::hashCode).distinct()).hasSize(1);
        for (String id : ids) {
            assertThat(table.add("k", id, MINUTE)).isTrue();
        }
        for (String id : ids) {
            assertThat(table.contains("k", id)).isTrue();
            assertThat(table.add("k", id, MINUTE)).isFalse();
        }
        assertThat(table.size()).isEqualTo(4096);
    }

    @Test
    void anIdKeptUntilATimeAlreadyForgottenIsRefused() {
        IdTable table = new IdTable();
        table.forgetUpTo(10 * MINUTE);
        assertThatThrownBy(() -> table.add("k", "e1", 10 * MINUTE)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A day of random ids, copies and times, forgotten minute by minute, against a hash map of the same rules: the
     * table grows, drops what it forgot and is copied and written on the way, and always answers as the map does.
     */
    @Test
    void answersAsAMapOfIdsToTheirTimesThroughGrowthRebuildsCopiesAndCheckpoints() throws Exception {
        Random random = new Random(7);
        IdTable table = new IdTable();
        Map<String, Long> model = new HashMap<>();
        long now = 0;
        for (int minute = 1; minute <= 600; minute++) {
            int events = random.nextInt(400);
            for (int i = 0; i < events; i++) {
                String scope = random.nextBoolean() ? "k-sale" : "c-sale";
                // Ids from a range that copies and returning ids keep hitting.
                String id = "e-" + random.nextInt(20_000) + (random.nextInt(50) == 0 ? "-订单" : "");
                long forgetAt = now + (1 + random.nextInt(30)) * MINUTE;
                Long keptUntil = model.get(scope + "/" + id);
                boolean expected = keptUntil == null || keptUntil <= now;
                if (expected) {
                    model.put(scope + "/" + id, forgetAt);
                }
                assertThat(table.add(scope, id, forgetAt)).as("%s %s at minute %d", scope, id, minute)
                        .isEqualTo(expected);
            }
            now = minute * MINUTE;
            table.forgetUpTo(now);
            long cutoff = now;
            model.values().removeIf(time -> time <= cutoff);
            assertThat(table.size()).isEqualTo(model.size());
            if (minute % 97 == 0) {
                table = table.copy();
            }
            if (minute % 131 == 0) {
                table = writtenAndRead(table);
            }
        }
        for (Map.Entry<String, Long> kept : model.entrySet()) {
            String[] scopeAndId = kept.getKey().split("/", 2);
            assertThat(table.contains(scopeAndId[0], scopeAndId[1])).isTrue();
        }
    }

    @Test
    void aCopySharesNothingWithItsOriginal() {
        IdTable original = new IdTable();
        original.add("k", "e1", MINUTE);
        IdTable copy = original.copy();
        copy.add("k", "e2", MINUTE);
        original.add("k", "e3", MINUTE);
        assertThat(original.contains("k", "e2")).isFalse();
        assertThat(copy.contains("k", "e3")).isFalse();
        assertThat(copy.contains("k", "e1")).isTrue();
    }

    @Test
    void aWrittenTableIsReadBackWithItsIdsTimesAndForgottenTime() throws Exception {
        IdTable table = new IdTable();
        table.add("k", "e1", MINUTE);
        table.add("c", "e2", 3 * MINUTE);
        table.forgetUpTo(MINUTE);
        IdTable read = writtenAndRead(table);
        assertThat(read.size()).isEqualTo(1);
        assertThat(read.contains("k", "e1")).isFalse();
        assertThat(read.contains("c", "e2")).isTrue();
        assertThatThrownBy(() -> read.add("k", "e1", MINUTE)).isInstanceOf(IllegalArgumentException.class);
        read.forgetUpTo(3 * MINUTE);
        assertThat(read.size()).isZero();
    }

    private static IdTable writtenAndRead(IdTable table) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        SeenIds.IdTableSerializer.INSTANCE.serialize(table, out);
        return SeenIds.IdTableSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
