package dev.dayzero.hal;

/**
 * Element types of device tensors. Each constant carries its width and its facts; codecs for the
 * 8- and 16-bit float formats live in {@link Fp8} and {@link Bf16}.
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
    U8(8, false, "uint8");

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

    /** Width of one element in bytes. */
    public int byteSize() {
        return bits / 8;
    }

    /** True for the IEEE-like float formats (F32, F16, BF16, both FP8 formats). */
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

    /** Bytes taken by {@code count} elements. */
    public long bytes(long count) {
        return Math.multiplyExact(count, (long) byteSize());
    }
}
