package io.warroom.serde;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
public final class Utf8 {
    /** What {@link #scan} found. */
    public enum Scan {
        /** Strict UTF-8 without a zero byte. */
        VALID,
        /** Strict UTF-8 with at least one zero byte (U+0000), which JSON text never holds raw. */
        VALID_WITH_ZERO_BYTE,
        /** Not strict UTF-8, whether or not it also holds a zero byte. */
        INVALID
    }

    private static final VarHandle EIGHT_BYTES =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;

    private Utf8() {}

    public static boolean isValid(byte[] bytes) {
        return scan(bytes) != Scan.INVALID;
    }

    /**
     * Checks strict UTF-8 and looks for a zero byte in the same pass: the event parser needs both answers for every
     * record, and records are almost all ASCII, which this reads eight bytes at a time.
     */
    public static Scan scan(byte[] bytes) {
        boolean zeroByte = false;
        int i = 0;
        int n = bytes.length;
        int wordEnd = n - Long.BYTES;
        while (i < n) {
            if (i <= wordEnd) {
                long word = (long) EIGHT_BYTES.get(bytes, i);
                if ((word & HIGH_BITS) == 0) {
                    // With no high bit set, this is non-zero exactly when one of the eight bytes is zero.
                    zeroByte |= ((word - LOW_BITS) & ~word & HIGH_BITS) != 0;
                    i += Long.BYTES;
                    continue;
                }
            }
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                zeroByte |= b == 0;
                i++;
                continue;
            }
            int need;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return Scan.INVALID;
            }
            if (i + need >= n) {
                return Scan.INVALID;
            }
            int cp = b & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int c = bytes[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return Scan.INVALID;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return Scan.INVALID;
            }
            i += need + 1;
        }
        return zeroByte ? Scan.VALID_WITH_ZERO_BYTE : Scan.VALID;
    }
}
