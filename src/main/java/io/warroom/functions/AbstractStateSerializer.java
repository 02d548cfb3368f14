package io.warroom.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of warroom's hand-written serializers for mutable, variable-length state objects: no reuse, no fixed
 * length; subclasses write and read the object and give a deep copy (the heap state backend copies values a
 * running snapshot still reads before they are changed).
 */
public abstract class AbstractStateSerializer<T> extends TypeSerializerSingleton<T> {

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T createInstance() {
        return null;
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    /** Writes a length-prefixed byte array (the compact form sketches serialize to). */
    protected static void writeBytes(byte[] bytes, DataOutputView target) throws IOException {
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    protected static byte[] readBytes(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return bytes;
    }

    /** Writes a long in 1 to 10 bytes, small magnitudes (of either sign) shortest: zig-zag, then 7 bits a byte. */
    protected static void writeVarLong(long value, DataOutputView target) throws IOException {
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7FL) != 0) {
            target.writeByte((int) ((zigZag & 0x7F) | 0x80));
            zigZag >>>= 7;
        }
        target.writeByte((int) zigZag);
    }

    protected static long readVarLong(DataInputView source) throws IOException {
        long zigZag = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = source.readByte();
            zigZag |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (zigZag >>> 1) ^ -(zigZag & 1);
            }
        }
    }
}
