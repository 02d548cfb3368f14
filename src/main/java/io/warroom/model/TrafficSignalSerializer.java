package io.warroom.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Writes {@link TrafficSignal}s field by field. Every click crosses the network once as one, so it skips the POJO
 * serializer's reflection and per-field null flags; only the channel may be null.
 */
public final class TrafficSignalSerializer extends TypeSerializerSingleton<TrafficSignal> {
    public static final TrafficSignalSerializer INSTANCE = new TrafficSignalSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TrafficSignal createInstance() {
        return null;
    }

    @Override
    public TrafficSignal copy(TrafficSignal from) {
        return from;
    }

    @Override
    public TrafficSignal copy(TrafficSignal from, TrafficSignal reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TrafficSignal signal, DataOutputView target) throws IOException {
        target.writeBoolean(signal.cart());
        target.writeInt(signal.shardKey());
        target.writeLong(signal.ts());
        StringValue.writeString(signal.eventId(), target);
        StringValue.writeString(signal.userId(), target);
        StringValue.writeString(signal.itemId(), target);
        target.writeBoolean(signal.channel() != null);
        if (signal.channel() != null) {
            StringValue.writeString(signal.channel(), target);
        }
        target.writeLong(signal.behindMillis());
    }

    @Override
    public TrafficSignal deserialize(DataInputView source) throws IOException {
        boolean cart = source.readBoolean();
        int shardKey = source.readInt();
        long ts = source.readLong();
        String eventId = StringValue.readString(source);
        String userId = StringValue.readString(source);
        String itemId = StringValue.readString(source);
        String channel = source.readBoolean() ? StringValue.readString(source) : null;
        return new TrafficSignal(cart, shardKey, ts, eventId, userId, itemId, channel, source.readLong());
    }

    @Override
    public TrafficSignal deserialize(TrafficSignal reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<TrafficSignal> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for serializer compatibility checks on restore. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrafficSignal> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink pick this serializer wherever a {@link TrafficSignal} travels. */
    public static final class Factory extends TypeInfoFactory<TrafficSignal> {
        @Override
        public TypeInformation<TrafficSignal> createTypeInfo(Type type, Map<String, TypeInformation<?>> generics) {
            return new Info();
        }
    }

    /** Type information that hands out {@link TrafficSignalSerializer#INSTANCE}. */
    public static final class Info extends TypeInformation<TrafficSignal> {
        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<TrafficSignal> getTypeClass() {
            return TrafficSignal.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<TrafficSignal> createSerializer(SerializerConfig config) {
            return INSTANCE;
        }

        @Override
        public String toString() {
            return "TrafficSignal";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Info;
        }

        @Override
        public int hashCode() {
            return Info.class.hashCode();
        }

        @Override
        public boolean canEqual(Object other) {
            return other instanceof Info;
        }
    }
}
