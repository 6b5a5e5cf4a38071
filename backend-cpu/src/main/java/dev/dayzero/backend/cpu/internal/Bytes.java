package dev.dayzero.backend.cpu.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian element access to device memory (a {@code byte[]} per buffer). */
public final class Bytes {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    /** The raw 16 bits at byte offset {@code off}. */
    public static short getShort(byte[] a, int off) {
        return (short) SHORT.get(a, off);
    }

    public static void putShort(byte[] a, int off, short v) {
        SHORT.set(a, off, v);
    }

    public static int getInt(byte[] a, int off) {
        return (int) INT.get(a, off);
    }

    public static void putInt(byte[] a, int off, int v) {
        INT.set(a, off, v);
    }

    /** Every little-endian F32 value of {@code a} into {@code out} ({@code a.length / 4} of them). */
    public static void floats(byte[] a, float[] out) {
        for (int i = 0; i < a.length / 4; i++) {
            out[i] = getFloat(a, 4 * i);
        }
    }

    public static float getFloat(byte[] a, int off) {
        return (float) FLOAT.get(a, off);
    }

    public static void putFloat(byte[] a, int off, float v) {
        FLOAT.set(a, off, v);
    }

    /** The BF16 element at byte offset {@code off}, as F32 (exact). */
    public static float getBf16(byte[] a, int off) {
        return Float.intBitsToFloat(((short) SHORT.get(a, off)) << 16);
    }

    /** Stores {@code v} rounded to BF16 (nearest even) at byte offset {@code off}. */
    public static void putBf16(byte[] a, int off, float v) {
        SHORT.set(a, off, dev.dayzero.hal.Bf16.encode(v));
    }
}
