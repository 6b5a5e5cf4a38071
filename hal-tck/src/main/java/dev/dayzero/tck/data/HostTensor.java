package dev.dayzero.tck.data;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A tensor in host memory: its spec and its bytes, little-endian, row-major. Element accessors decode
 * by the tensor's dtype; they take flat element indices.
 */
public record HostTensor(TensorSpec spec, ByteBuffer data) {

    public HostTensor {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(data, "data");
        if (data.capacity() < spec.bytes()) {
            throw new IllegalArgumentException(spec + " needs " + spec.bytes() + " bytes, buffer has " + data.capacity());
        }
        data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
    }

    /** A zero-filled tensor. */
    public static HostTensor allocate(TensorSpec spec) {
        return new HostTensor(spec, ByteBuffer.allocate(Math.toIntExact(spec.bytes())));
    }

    public String name() {
        return spec.name();
    }

    public DType dtype() {
        return spec.dtype();
    }

    public long elements() {
        return spec.elements();
    }

    /** A little-endian view of all bytes, positioned at 0. */
    public ByteBuffer bytes() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().limit(Math.toIntExact(spec.bytes()));
    }

    /** Element {@code i} as a float: F32, BF16, FP8 and UE8M0 decoded; integer types converted. */
    public float getFloat(long i) {
        int idx = Math.toIntExact(i);
        return switch (spec.dtype()) {
            case F32 -> data.getFloat(idx * 4);
            case BF16 -> Bf16.decode(data.getShort(idx * 2));
            case F8_E4M3FN, F8_E5M2 -> Fp8.decode(spec.dtype(), data.get(idx));
            case I8 -> data.get(idx);
            case U8 -> data.get(idx) & 0xff;
            case UE8M0 -> Ue8m0.decode(data.get(idx));
            case I32 -> data.getInt(idx * 4);
            case I64 -> data.getLong(idx * 8);
            case F4_E2M1 -> Fp4.decode(Fp4.nibble(data.get(idx >>> 1), idx));
            case F16 -> throw new UnsupportedOperationException("F16 host access is not implemented");
        };
    }

    /** Element {@code i} of an I32 tensor. */
    public int getInt(long i) {
        return data.getInt(Math.toIntExact(i) * 4);
    }

    /** Byte {@code i} of the raw storage. */
    public byte getByte(long i) {
        return data.get(Math.toIntExact(i));
    }

    /** Raw 16 bits of element {@code i} of a 2-byte tensor. */
    public short getShort(long i) {
        return data.getShort(Math.toIntExact(i) * 2);
    }

    /**
     * Stores {@code value} as element {@code i}, encoded by dtype (BF16, FP8 and FP4 round to nearest even;
     * UE8M0 takes exact powers of two; an FP4 element replaces its nibble and keeps the other).
     */
    public void setFloat(long i, float value) {
        int idx = Math.toIntExact(i);
        switch (spec.dtype()) {
            case F32 -> data.putFloat(idx * 4, value);
            case BF16 -> data.putShort(idx * 2, Bf16.encode(value));
            case F8_E4M3FN, F8_E5M2 -> data.put(idx, Fp8.encode(spec.dtype(), value));
            case UE8M0 -> data.put(idx, Ue8m0.encode(value));
            case F4_E2M1 -> {
                int at = idx >>> 1;
                int code = Fp4.encode(value);
                byte old = data.get(at);
                data.put(at, (idx & 1) == 0 ? Fp4.pack(code, Fp4.nibble(old, 1)) : Fp4.pack(Fp4.nibble(old, 0), code));
            }
            default -> throw new UnsupportedOperationException("setFloat on " + spec.dtype());
        }
    }

    public void setInt(long i, int value) {
        data.putInt(Math.toIntExact(i) * 4, value);
    }

    public void setByte(long i, byte value) {
        data.put(Math.toIntExact(i), value);
    }

    public void setShort(long i, short value) {
        data.putShort(Math.toIntExact(i) * 2, value);
    }

    public void putFloatAt(long byteOffset, float value) {
        data.putFloat(Math.toIntExact(byteOffset), value);
    }

    public float floatAt(long byteOffset) {
        return data.getFloat(Math.toIntExact(byteOffset));
    }

    public short shortAt(long byteOffset) {
        return data.getShort(Math.toIntExact(byteOffset));
    }
}
