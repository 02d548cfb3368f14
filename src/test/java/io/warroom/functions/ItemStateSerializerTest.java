package io.warroom.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ItemStateSerializerTest {
    private static final ItemStateSerializer SERIALIZER = ItemStateSerializer.INSTANCE;

    /** Every instance field of ItemState and its base class, so a field added there and not to the serializer fails. */
    private static List<Field> stateFields() {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = ItemState.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    fields.add(f);
                }
            }
        }
        return fields;
    }

    private static byte[] bytes(ItemState state) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(state, out);
        return out.getCopyOfBuffer();
    }

    private static ItemState roundTrip(ItemState state) throws Exception {
        return SERIALIZER.deserialize(new DataInputDeserializer(bytes(state)));
    }

    private static void assertSameFields(ItemState actual, ItemState expected) throws Exception {
        for (Field f : stateFields()) {
            assertThat(f.get(actual)).as(f.getName()).isEqualTo(f.get(expected));
        }
    }

    @Test
    void everyFieldSurvivesARoundTripAndACopy() throws Exception {
        ItemState state = new ItemState();
        long value = -3;
        for (Field f : stateFields()) {
            if (f.getType() == boolean.class) {
                f.setBoolean(state, true);
            } else {
                // distinct values of both signs and of all widths, none a default
                f.setLong(state, value);
                value = value < 0 ? -value * 1_000 + 7 : -value;
            }
        }
        assertSameFields(roundTrip(state), state);
        assertSameFields(SERIALIZER.copy(state), state);
    }

    @Test
    void defaultsAndExtremesSurviveARoundTrip() throws Exception {
        ItemState fresh = new ItemState();
        assertSameFields(roundTrip(fresh), fresh);
        assertThat(bytes(fresh)).hasSize(1);

        ItemState extremes = new ItemState();
        extremes.gmvCents = Long.MAX_VALUE;
        extremes.stock = Long.MIN_VALUE;
        extremes.stockSetAt = 0;
        extremes.pv = -1;
        assertSameFields(roundTrip(extremes), extremes);
    }

    @Test
    void aConfiguredItemAtRestTakesAFewDozenBytes() throws Exception {
        ItemState item = new ItemState();
        item.opened = true;
        item.stockKnown = true;
        item.stock = 12_000;
        item.stockSetAt = 1_794_326_400_000L;
        item.lastCheckpointAt = 1_794_330_000_000L;
        item.lastBoundary = 1_794_412_800_000L;
        item.recentFrom = 1_794_412_500_000L;
        assertThat(bytes(item).length).isLessThanOrEqualTo(40); // Flink's POJO serializer: 198
    }

    @Test
    void aMinuteRoundTripsInAFewBytes() throws Exception {
        ItemMinute minute = new ItemMinute();
        minute.pv = 1_234;
        minute.orders = 5;
        minute.units = 7;
        minute.gmvCents = 2_099_300;
        DataOutputSerializer out = new DataOutputSerializer(16);
        ItemMinuteSerializer.INSTANCE.serialize(minute, out);
        assertThat(out.length()).isEqualTo(2 + 1 + 1 + 4);
        ItemMinute back = ItemMinuteSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).usingRecursiveComparison().isEqualTo(minute);
        assertThat(ItemMinuteSerializer.INSTANCE.copy(minute)).usingRecursiveComparison().isEqualTo(minute).isNotSameAs(minute);
    }
}
