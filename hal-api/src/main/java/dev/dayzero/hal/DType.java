package dev.dayzero.hal;

/**
 * Element types of device tensors. Each constant carries its width and its facts; codecs for the
 * 4-, 8- and 16-bit float formats live in {@link Fp4}, {@link Fp8} and {@link Bf16}.
 *
 * <p>Sub-byte types ({@link #F4_E2M1}) are packed: a tensor of them is stored two elements a byte, element
 * {@code 2i} in the low nibble of byte {@code i} and element {@code 2i + 1} in the high nibble (see
 * {@link Fp4}). Their shapes count elements, not bytes; {@link #bytes(long)} gives the storage size, and
 * {@link #byteSize()} is defined only for types of whole bytes.
 */
public enum DType {
    F32(32, true, "float32"),
    F16(16, true, "float16"),
    BF16(16, true, "bfloat16"),
    /** OCP FP8 E4M3 "FN": bias 7, no infinities, one NaN pattern per sign (S.1111.111), finite max 448. */
    F8_E4M3FN(8, true, "float8_e4m3fn"),
    /** OCP FP8 E5M2: bias 15, IEEE-like infinities and NaNs, finite max 57344. */
    F8_E5M2(8, true, "float8_e5m2"),
    I8(8, false, "int8"),
    I32(32, false, "int32"),
    I64(64, false, "int64"),
    /** Unsigned 8-bit exponent-only scale (OCP MX E8M0): value {@code 2^(code - 127)}, code 255 is NaN. */
    UE8M0(8, false, "float8_e8m0fnu"),
    /** Raw bytes, for packed layouts such as FlashMLA's FP8 KV-cache token (656 bytes a token). */
    U8(8, false, "uint8"),
    /**
     * OCP FP4 E2M1 (the element of MXFP4): bias 1, no infinities or NaN, values 0, 0.5, 1, 1.5, 2, 3, 4, 6
     * and their negatives. Packed two a byte, even element in the low nibble. PyTorch has only the packed
     * pair type ({@code float4_e2m1fn_x2}, one byte); the canonical name here is that of one element.
     */
    F4_E2M1(4, true, "float4_e2m1fn");

    private final int bits;
    private final boolean floatingPoint;
    private final String canonicalName;

    DType(int bits, boolean floatingPoint, String canonicalName) {
        this.bits = bits;
        this.floatingPoint = floatingPoint;
        this.canonicalName = canonicalName;
    }

    /** Width of one element in bits. */
    public int bits() {
        return bits;
    }

    /**
     * Width of one element in bytes, for the types of whole bytes.
     *
     * @throws UnsupportedOperationException for a packed sub-byte type; size its tensors with
     *         {@link #bytes(long)} and {@link #elements(long)}
     */
    public int byteSize() {
        if (isSubByte()) {
            throw new UnsupportedOperationException(this + " is " + bits
                    + " bits, packed " + (8 / bits) + " a byte: use bytes(count) / elements(bytes)");
        }
        return bits / 8;
    }

    /** True for the packed types narrower than a byte ({@link #F4_E2M1}). */
    public boolean isSubByte() {
        return bits < 8;
    }

    /** True for the IEEE-like float formats (F32, F16, BF16, both FP8 formats) and FP4 E2M1. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** True for the two FP8 formats. */
    public boolean isFp8() {
        return this == F8_E4M3FN || this == F8_E5M2;
    }

    /** The name PyTorch and NumPy-adjacent tools use ({@code bfloat16}, {@code float8_e4m3fn}, ...). */
    public String canonicalName() {
        return canonicalName;
    }

    /**
     * Bytes taken by {@code count} elements; for a packed sub-byte type {@code ceil(count · bits / 8)} (a
     * trailing odd FP4 element takes the low nibble of a whole byte).
     */
    public long bytes(long count) {
        long bitCount = Math.multiplyExact(count, (long) bits);
        return bitCount / 8 + (bitCount % 8 == 0 ? 0 : 1);
    }

    /** Elements held by {@code bytes} bytes of storage: {@code bytes · 8 / bits}. */
    public long elements(long bytes) {
        return Math.multiplyExact(bytes, 8L) / bits;
    }
}
