package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The {@code void** kernelParams} of {@code cuLaunchKernel}: an array of N pointers, the i-th pointing to the
 * memory the i-th argument is copied from (cuda.md §1.6). One 8-byte, naturally aligned value slot per argument
 * and the pointer array are allocated once; a launch only rewrites the values, so launching allocates nothing.
 * The driver takes each argument's size from the kernel image, so a 4-byte {@code int} sits in the low bytes of
 * its slot (little-endian). Not thread-safe: one per prepared launch.
 */
public final class KernelParams implements AutoCloseable {
    /** Bytes per argument slot. */
    public static final int SLOT_BYTES = 8;

    private final int count;
    private final Memory values;
    private final Memory pointers;

    /** Room for {@code count} arguments. */
    public KernelParams(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a kernel takes at least one argument here, got " + count);
        }
        this.count = count;
        this.values = new Memory((long) SLOT_BYTES * count);
        this.pointers = new Memory((long) Native8.POINTER_SIZE * count);
        values.clear();
        for (int i = 0; i < count; i++) {
            pointers.setPointer((long) Native8.POINTER_SIZE * i, values.share((long) SLOT_BYTES * i));
        }
    }

    /** Number of arguments. */
    public int count() {
        return count;
    }

    /** Sets argument {@code i} to a device address ({@code CUdeviceptr}, or any pointer-typed parameter). */
    public KernelParams address(int i, long deviceAddress) {
        values.setLong(slot(i), deviceAddress);
        return this;
    }

    /** Sets argument {@code i} to a 32-bit integer. */
    public KernelParams int32(int i, int value) {
        long s = slot(i);
        values.setLong(s, 0L);
        values.setInt(s, value);
        return this;
    }

    /** Sets argument {@code i} to a 64-bit integer. */
    public KernelParams int64(int i, long value) {
        values.setLong(slot(i), value);
        return this;
    }

    /** Sets argument {@code i} to an F32. */
    public KernelParams float32(int i, float value) {
        long s = slot(i);
        values.setLong(s, 0L);
        values.setFloat(s, value);
        return this;
    }

    /** The native address of argument {@code i}'s value slot (for tests and diagnostics). */
    public long valueAddress(int i) {
        return Pointer.nativeValue(values) + slot(i);
    }

    /** What {@code kernelParams[i]} holds: the address the driver will copy argument {@code i} from. */
    public long pointerAt(int i) {
        return Pointer.nativeValue(pointers.getPointer((long) Native8.POINTER_SIZE * checkIndex(i)));
    }

    /** The raw 8 bytes of argument {@code i}'s slot, read back (for tests). */
    public long rawValue(int i) {
        return values.getLong(slot(i));
    }

    /** The array to pass as {@code kernelParams}. */
    Pointer array() {
        return pointers;
    }

    private long slot(int i) {
        return (long) SLOT_BYTES * checkIndex(i);
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("argument " + i + " of a kernel with " + count);
        }
        return i;
    }

    @Override
    public void close() {
        values.close();
        pointers.close();
    }

    /** The pointer width this layout assumes (LP64). */
    static final class Native8 {
        static final int POINTER_SIZE = com.sun.jna.Native.POINTER_SIZE;

        private Native8() {
        }
    }
}
